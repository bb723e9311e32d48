import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { TrustLensError } from '../../../src/core/errors';
import { parsePublicKeyPem, verifyMessageSignature } from '../../../src/core/trust/cosign/publicKeys';

const message = new TextEncoder().encode('{"critical":{"type":"cosign container image signature"}}');

void describe('cosign verification keys', () => {
  void it('reads cosign.pub (PEM PUBLIC KEY), with the key ID and bundle hint cosign derives from its DER', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const key = parsePublicKeyPem(`some text before\n${pem}`, 'keys/cosign.pub');
    const der = publicKey.export({ type: 'spki', format: 'der' });
    assert.equal(key.id, createHash('sha256').update(der).digest('hex'));
    assert.equal(key.hint, createHash('sha256').update(der).digest('base64'));
    assert.equal(key.algorithm, 'ecdsa-p256');
    assert.equal(key.source, 'keys/cosign.pub');
  });

  void it('reads PKCS#1 RSA PUBLIC KEY', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    assert.equal(parsePublicKeyPem(publicKey.export({ type: 'pkcs1', format: 'pem' }).toString()).algorithm, 'rsa-2048');
  });

  void it('refuses what cosign cannot sign with: small RSA, other curves, no key', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    assert.throws(() => parsePublicKeyPem(small), (e: unknown) => TrustLensError.is(e, 'invalid-key') && /2048 bits/.test((e as Error).message));
    const k256 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    assert.throws(() => parsePublicKeyPem(k256), /unsupported elliptic curve/);
    assert.throws(() => parsePublicKeyPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', 'x.pem'), /no PEM "PUBLIC KEY" block in x\.pem/);
  });

  void it('verifies ECDSA over SHA-256 (cosign 2) and, for P-384, over SHA-384 (cosign 3)', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const key = parsePublicKeyPem(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString());
    for (const hash of ['sha256', 'sha384']) assert.equal(verifyMessageSignature(key, message, sign(hash, message, { key: privateKey, dsaEncoding: 'der' })), true, hash);
    assert.equal(verifyMessageSignature(key, message, sign('sha1', message, { key: privateKey, dsaEncoding: 'der' })), false);
  });

  void it('verifies RSA PKCS#1 v1.5 over SHA-256 and Ed25519 over the message', () => {
    for (const [type, algorithm] of [['rsa', 'sha256'], ['ed25519', null]] as const) {
      const { privateKey } = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
      const key = parsePublicKeyPem(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString());
      const signature = sign(algorithm, message, privateKey);
      assert.equal(verifyMessageSignature(key, message, signature), true, type);
      signature[5] = (signature[5] as number) ^ 1;
      assert.equal(verifyMessageSignature(key, message, signature), false, type);
    }
  });

  void it('a garbage signature is simply not valid', () => {
    const key = parsePublicKeyPem(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString());
    assert.equal(verifyMessageSignature(key, message, new Uint8Array([1, 2, 3])), false);
  });
});
