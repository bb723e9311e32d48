/**
 * A P-256 key read from its coordinates is the key node:crypto's SPKI decoder reads, and bytes it
 * refuses are refused either way.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, ECDH, generateKeyPairSync, sign, verify } from 'node:crypto';
import { publicKeyFromSpki } from '../../../src/core/crypto/spkiKey';

const decoded = (der: Uint8Array) => createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
const outcome = (read: () => { export(o: { type: 'spki'; format: 'der' }): Buffer }) => {
  try {
    return read().export({ type: 'spki', format: 'der' }).toString('hex');
  } catch {
    return 'refused';
  }
};

void describe('publicKeyFromSpki', () => {
  void it('reads P-256, P-384, Ed25519 and RSA keys as the SPKI decoder does, and they verify alike', () => {
    const message = Buffer.from('signed bytes');
    for (const [type, options] of [['ec', { namedCurve: 'P-256' }], ['ec', { namedCurve: 'P-256' }], ['ec', { namedCurve: 'P-384' }], ['ed25519', {}], ['rsa', { modulusLength: 2048 }]] as const) {
      const { publicKey, privateKey } = generateKeyPairSync(type as 'ec', options as { namedCurve: string });
      const der = publicKey.export({ type: 'spki', format: 'der' });
      const key = publicKeyFromSpki(new Uint8Array(der));
      assert.equal(key.export({ type: 'spki', format: 'der' }).toString('hex'), der.toString('hex'));
      assert.deepEqual(key.asymmetricKeyDetails, decoded(der).asymmetricKeyDetails);
      const signature = sign(type === 'ed25519' ? null : 'sha256', message, privateKey);
      assert.equal(verify(type === 'ed25519' ? null : 'sha256', message, key, signature), true);
    }
  });

  void it('refuses what the decoder refuses (a point off the curve, a truncated key), and leaves a compressed point to the decoder', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = publicKey.export({ type: 'spki', format: 'der' });
    const offCurve = Buffer.from(der);
    offCurve[offCurve.length - 1] ^= 1;
    const zeroPoint = Buffer.concat([der.subarray(0, 27), Buffer.alloc(64)]);
    const badMarker = Buffer.from(der);
    badMarker[26] = 0x05;
    for (const bytes of [offCurve, zeroPoint, badMarker, der.subarray(0, 90), Buffer.concat([der, Buffer.from([0])]), Buffer.alloc(91)]) {
      assert.equal(outcome(() => publicKeyFromSpki(new Uint8Array(bytes))), outcome(() => decoded(bytes)), bytes.toString('hex'));
    }
    assert.equal(outcome(() => publicKeyFromSpki(new Uint8Array(offCurve))), 'refused');
    // The same key with a compressed point: not the fast path, read by the decoder, the same key.
    const point = ECDH.convertKey(der.subarray(26), 'prime256v1', undefined, undefined, 'compressed') as Buffer;
    const compressed = Buffer.concat([Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex'), point]);
    assert.equal(outcome(() => publicKeyFromSpki(new Uint8Array(compressed))), outcome(() => decoded(compressed)));
    assert.deepEqual(publicKeyFromSpki(new Uint8Array(compressed)).export({ format: 'jwk' }), publicKey.export({ format: 'jwk' }));
  });
});
