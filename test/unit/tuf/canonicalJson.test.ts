import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { canonicalize, canonicalString, goQuote, serializeSignedFile } from '../../../src/core/tuf/canonicalJson';
import { TufError } from '../../../src/core/tuf/tufErrors';
import { NOTARY03_FILES } from '../../helpers/tufVectors';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const bytes = (v: unknown) => [...canonicalize(v)];

void describe('canonicalize', () => {
  void it('matches the protocol doc worked example (§2.5): sorted keys, no whitespace, raw <', () => {
    const value: unknown = JSON.parse('{"b":1,"a":"x\\"y<","c":[true,null],"d":{"z":{},"y":[]}}');
    assert.equal(text(canonicalize(value)), '{"a":"x\\"y<","b":1,"c":[true,null],"d":{"y":[],"z":{}}}');
  });

  void it('hashes the doc key object to the fixture key ID 041b64da…', () => {
    const key = {
      keyval: { public: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAENgK7kx/HdvmLUG4733JIJd0Bv6FML8SVEmgGynvhl64nCVmWzTLdziS1bMUgb6hlSkqTYtvyOCC5YMY+GrAH+Q==', private: null },
      keytype: 'ecdsa',
    };
    assert.equal(
      text(canonicalize(key)),
      '{"keytype":"ecdsa","keyval":{"private":null,"public":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAENgK7kx/HdvmLUG4733JIJd0Bv6FML8SVEmgGynvhl64nCVmWzTLdziS1bMUgb6hlSkqTYtvyOCC5YMY+GrAH+Q=="}}',
    );
    assert.equal(createHash('sha256').update(canonicalize(key)).digest('hex'), '041b64dab281324ef2b62fd2d04f4758269e120ff063b7bc78709272821a0a02');
  });

  void it('escapes only the quote and the backslash; everything else is raw UTF-8', () => {
    assert.deepEqual(bytes('a"b\\c'), [...Buffer.from('"a\\"b\\\\c"')]);
    assert.deepEqual(bytes('\u0001\n'), [0x22, 0x01, 0x0a, 0x22]);
    assert.deepEqual(bytes('<>&'), [...Buffer.from('"<>&"')]);
    assert.deepEqual(bytes('\u2028\u2029'), [0x22, 0xe2, 0x80, 0xa8, 0xe2, 0x80, 0xa9, 0x22]);
    assert.deepEqual(bytes('é'), [0x22, 0xc3, 0xa9, 0x22]);
  });

  void it('writes a lone surrogate as U+FFFD, as Go decodes it', () => {
    assert.deepEqual(bytes('\ud800'), [0x22, 0xef, 0xbf, 0xbd, 0x22]);
  });

  void it('sorts keys by UTF-8 bytes, not UTF-16 code units', () => {
    // UTF-16 puts U+10000 (a surrogate pair, 0xD800…) before U+FFFF; UTF-8 puts it after.
    assert.equal(canonicalString({ '\u{10000}': 1, '\uffff': 2, a: 3 }), '{"a":3,"\uffff":2,"\u{10000}":1}');
  });

  void it('prints integral numbers as int64 decimals', () => {
    assert.equal(canonicalString([1.0, 1e2, -0, -42, 2 ** 62]), '[1,100,0,-42,4611686018427387904]');
  });

  void it('refuses fractions, non-finite and out-of-int64 numbers as malformed', () => {
    for (const n of [1.5, Number.NaN, Infinity, 2 ** 63, -(2 ** 64)]) {
      assert.throws(() => canonicalize([n]), (e) => TufError.isTuf(e, 'malformed'), String(n));
    }
  });

  void it('refuses absurd nesting instead of overflowing the stack', () => {
    const deep: unknown = JSON.parse(`${'['.repeat(600)}${']'.repeat(600)}`);
    assert.throws(() => canonicalize(deep), (e) => TufError.isTuf(e, 'malformed'));
  });

  void it('reproduces the signed bytes of every notary fixture file', () => {
    for (const [role, file] of Object.entries(NOTARY03_FILES)) {
      const raw = text(file);
      const signedText = raw.slice('{"signed":'.length, raw.indexOf(',"signatures":'));
      const parsed = JSON.parse(raw) as { signed: unknown };
      assert.equal(text(canonicalize(parsed.signed)), signedText, role);
    }
  });
});

void describe('serializeSignedFile', () => {
  void it('re-serialises every notary fixture file byte for byte', () => {
    for (const [role, file] of Object.entries(NOTARY03_FILES)) {
      const parsed = JSON.parse(text(file)) as { signed: unknown; signatures: { keyid: string; method: string; sig: string }[] };
      const sigs = parsed.signatures.map((s) => ({ keyid: s.keyid, method: s.method, sig: Buffer.from(s.sig, 'base64') }));
      assert.deepEqual(Buffer.from(serializeSignedFile(canonicalize(parsed.signed), sigs)), Buffer.from(file), role);
    }
  });

  void it('HTML-escapes the file bytes while the signed bytes stay raw (§2.3)', () => {
    const canonical = canonicalize({ targets: { 'he<llo&>\u2028': 1 } });
    assert.equal(text(canonical), '{"targets":{"he<llo&>\u2028":1}}');
    assert.equal(
      text(serializeSignedFile(canonical, [])),
      '{"signed":{"targets":{"he\\u003cllo\\u0026\\u003e\\u2028":1}},"signatures":[]}',
    );
  });

  void it('refuses raw control characters, which Go cannot compact', () => {
    assert.throws(() => serializeSignedFile(canonicalize({ a: '\u0007' }), []), (e) => TufError.isTuf(e, 'malformed'));
  });

  void it('quotes strings as Go encoding/json does', () => {
    assert.equal(goQuote('a"b\\<&>\n\t\r\u0001\u2028\ud800'), '"a\\"b\\\\\\u003c\\u0026\\u003e\\n\\t\\r\\u0001\\u2028\\ufffd"');
  });
});
