import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { TrustLensError } from '../../../src/core/errors';
import { tufKeyId } from '../../../src/core/trust/dct/tuf/keys';
import { verifySignature } from '../../../src/core/trust/dct/tuf/verifiers';
import { decodePrivateKeyPem } from '../../../src/core/trust/dct/keys/keyPem';
import { generateKey, PrivateKey } from '../../../src/core/trust/dct/keys/privateKey';
import { OPENSSL_RSA } from './toolVectors';

const MESSAGE = Buffer.from('{"_type":"Targets","version":2}');

void describe('generateKey', () => {
  void it('makes Ed25519 by default: 32-byte public key, TUF ID, eddsa signatures notary verifies', async () => {
    const key = generateKey();
    assert.equal(key.algorithm, 'ed25519');
    assert.equal(key.publicKey.keytype, 'ed25519');
    assert.equal(key.publicKey.public.length, 32);
    assert.equal(key.keyId, tufKeyId('ed25519', key.publicKey.public));
    const sig = await key.signingKey().sign(MESSAGE);
    assert.deepEqual([sig.keyid, sig.method, sig.sig.length], [key.keyId, 'eddsa', 64]);
    assert.ok(verifySignature('eddsa', key.publicKey, sig.sig, MESSAGE));
    assert.ok(!verifySignature('eddsa', key.publicKey, sig.sig, Buffer.from('other')));
  });

  void it('makes ECDSA P-256 on request: DER SPKI, raw 64-byte r‖s signatures', async () => {
    const key = generateKey('ecdsa');
    assert.deepEqual([key.algorithm, key.curve, key.publicKey.keytype], ['ecdsa', 'prime256v1', 'ecdsa']);
    assert.equal(key.publicKey.public[0], 0x30);
    assert.equal(key.keyId, tufKeyId('ecdsa', key.publicKey.public));
    const sig = await key.sign(MESSAGE);
    assert.deepEqual([sig.method, sig.sig.length], ['ecdsa', 64]);
    assert.ok(verifySignature('ecdsa', key.publicKey, sig.sig, MESSAGE));
  });

  void it('gives a fresh key each time', () => {
    assert.notEqual(generateKey().keyId, generateKey().keyId);
    assert.notEqual(generateKey('ecdsa').keyId, generateKey('ecdsa').keyId);
  });
});

void describe('PrivateKey', () => {
  void it('signs imported RSA keys with rsapss (salt 32) that notary verifies', async () => {
    const key = decodePrivateKeyPem(OPENSSL_RSA.aes256, OPENSSL_RSA.passphrase);
    const sig = await key.sign(MESSAGE);
    assert.deepEqual([key.algorithm, sig.method, sig.sig.length], ['rsa', 'rsapss', 256]);
    assert.ok(verifySignature('rsapss', key.publicKey, sig.sig, MESSAGE));
  });

  void it('never shows its material in JSON or inspect output', () => {
    const key = generateKey();
    const blob = Buffer.from(key.notaryPrivateBytes());
    const seedHex = blob.subarray(32, 64).toString('hex');
    const seedB64 = blob.subarray(32, 64).toString('base64');
    for (const text of [JSON.stringify(key), inspect(key, { depth: 5, showHidden: true }), JSON.stringify(key.signingKey())]) {
      assert.ok(!text.includes(seedHex) && !text.includes(seedB64.slice(0, 20)), text);
    }
    assert.deepEqual(JSON.parse(JSON.stringify(key)), { algorithm: 'ed25519', keyId: key.keyId });
  });

  void it('refuses an Ed25519 blob whose public key does not match its seed', () => {
    const blob = generateKey().notaryPrivateBytes();
    blob[0] = (blob[0] as number) ^ 1;
    assert.throws(() => PrivateKey.fromNotaryEd25519(blob), (e: unknown) => TrustLensError.is(e, 'invalid-key'));
    assert.throws(() => PrivateKey.fromNotaryEd25519(blob.subarray(1)), (e: unknown) => TrustLensError.is(e, 'invalid-key'));
  });
});
