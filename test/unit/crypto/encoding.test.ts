import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeStdBase64, stdBase64ToHex } from '../../../src/core/crypto/encoding';

/** Standard base64 with padding, as the regular expression that used to check it put it. */
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

void describe('standard base64', () => {
  void it('accepts exactly what the padded standard alphabet allows', () => {
    const chars = ['A', 'z', '0', '+', '/', '=', '=', '-', '_', ' ', 'é', '\u0000', '\uff21'];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 50_000; i += 1) {
      const text = Array.from({ length: Math.floor(random() * 10) }, () => chars[Math.floor(random() * chars.length)]).join('');
      assert.equal(decodeStdBase64(text) !== undefined, STD_BASE64.test(text), JSON.stringify(text));
      assert.equal(stdBase64ToHex(text) !== undefined, STD_BASE64.test(text), JSON.stringify(text));
      if (STD_BASE64.test(text)) assert.deepEqual(decodeStdBase64(text), new Uint8Array(Buffer.from(text, 'base64')), JSON.stringify(text));
    }
    for (const text of ['', 'AAAA', 'AA==', 'AAA=', 'A===', '====', 'AA=A', 'AAA', 'AAAAA===', 'AB==', 'ABC=', '=AAA']) {
      assert.equal(decodeStdBase64(text) !== undefined, STD_BASE64.test(text), text);
    }
  });

  void it('decodes to bytes and to hex alike, skipping \\r and \\n as Go does', () => {
    for (const text of ['', 'AA==', 'AAE=', 'AAEC', '3q2+7w==', 'AAEC\r\nAwQF', Buffer.alloc(64, 0xab).toString('base64'), Buffer.alloc(500, 1).toString('base64')]) {
      const bytes = decodeStdBase64(text);
      assert.ok(bytes, text);
      assert.equal(stdBase64ToHex(text), Buffer.from(bytes).toString('hex'), text);
    }
    for (const text of ['AA', 'AA-_', 'AA=A', 'A===']) {
      assert.equal(decodeStdBase64(text), undefined, text);
      assert.equal(stdBase64ToHex(text), undefined, text);
    }
  });
});
