import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { TrustLensError } from '../../../src/core/errors';
import { decodeFirstPemBlock, encodePem } from '../../../src/core/crypto/pem';
import {
  COSIGN_PRIVATE_KEY_PEM_TYPE, SIGSTORE_PRIVATE_KEY_PEM_TYPE, cosignPassphraseSource, decryptCosignPrivateKey, encryptCosignPrivateKey,
  generateCosignKeyPair, openCosignPrivateKey, type CosignKeyAlgorithm, type PassphraseRequest,
} from '../../../src/core/trust/cosign/cosignKeys';
import { parsePublicKeyPem, verifyMessageSignature } from '../../../src/core/trust/cosign/publicKeys';

const isCode = (code: string) => (e: unknown) => TrustLensError.is(e, code);

function sealedJson(pem: string): { kdf: { name: string; params: { N: number; r: number; p: number }; salt: string }; cipher: { name: string; nonce: string }; ciphertext: string } {
  const block = decodeFirstPemBlock(new TextEncoder().encode(pem));
  return JSON.parse(Buffer.from(block!.bytes).toString('utf8')) as ReturnType<typeof sealedJson>;
}
function resealed(pem: string, edit: (json: ReturnType<typeof sealedJson>) => void, type = SIGSTORE_PRIVATE_KEY_PEM_TYPE): string {
  const json = sealedJson(pem);
  edit(json);
  return encodePem(type, new TextEncoder().encode(JSON.stringify(json)));
}

void describe('cosign private keys (scrypt + NaCl secretbox, as go-securesystemslib)', () => {
  void it('writes cosign\'s format: ENCRYPTED SIGSTORE PRIVATE KEY around scrypt (N=65536, r=8, p=1) and nacl/secretbox JSON, in Go\'s field order', async () => {
    const pair = await generateCosignKeyPair('a passphrase');
    assert.match(pair.privateKeyPem, /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n$/);
    const json = sealedJson(pair.privateKeyPem);
    assert.deepEqual(Object.keys(json), ['kdf', 'cipher', 'ciphertext']);
    assert.deepEqual(json.kdf.params, { N: 65536, r: 8, p: 1 });
    assert.equal(json.kdf.name, 'scrypt');
    assert.equal(json.cipher.name, 'nacl/secretbox');
    assert.equal(Buffer.from(json.kdf.salt, 'base64').length, 32);
    assert.equal(Buffer.from(json.cipher.nonce, 'base64').length, 24);
    assert.match(pair.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/);
    assert.equal(parsePublicKeyPem(pair.publicKeyPem).id, pair.publicKey.id);
  });

  for (const algorithm of ['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa-3072'] as CosignKeyAlgorithm[]) {
    void it(`${algorithm}: decrypts with its passphrase, and what it signs verifies with its public key`, async () => {
      const pair = await generateCosignKeyPair('correct horse', algorithm);
      const key = await decryptCosignPrivateKey(pair.privateKeyPem, 'correct horse');
      assert.equal(key.publicKey.id, pair.publicKey.id);
      assert.equal(key.publicKey.algorithm, algorithm);
      const message = new TextEncoder().encode('{"critical":{}}');
      assert.equal(verifyMessageSignature(parsePublicKeyPem(pair.publicKeyPem), message, key.sign(message)), true);
      assert.equal(verifyMessageSignature(parsePublicKeyPem(pair.publicKeyPem), new TextEncoder().encode('{"critical":{ }}'), key.sign(message)), false);
    });
  }

  void it('a wrong passphrase is bad-passphrase', async () => {
    const pair = await generateCosignKeyPair('right');
    await assert.rejects(decryptCosignPrivateKey(pair.privateKeyPem, 'wrong'), isCode('bad-passphrase'));
  });

  void it('an empty passphrase is a passphrase, as in cosign', async () => {
    const pair = await generateCosignKeyPair('');
    assert.ok(await decryptCosignPrivateKey(pair.privateKeyPem, ''));
    await assert.rejects(decryptCosignPrivateKey(pair.privateKeyPem, ' '), isCode('bad-passphrase'));
  });

  void it('reads the older ENCRYPTED COSIGN PRIVATE KEY type and the legacy and OWASP scrypt strengths', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = await encryptCosignPrivateKey(privateKey, 'pw');
    assert.ok(await decryptCosignPrivateKey(resealed(pem, () => {}, COSIGN_PRIVATE_KEY_PEM_TYPE), 'pw'));
    for (const N of [32768, 131072]) {
      // The box key depends on N, so a changed N opens nothing; what matters is that it is tried, not refused.
      await assert.rejects(decryptCosignPrivateKey(resealed(pem, (j) => { j.kdf.params.N = N; }), 'pw'), isCode('bad-passphrase'));
    }
  });

  void it('refuses other scrypt parameters before deriving anything (a crafted file cannot cost gigabytes)', async () => {
    const pair = await generateCosignKeyPair('pw');
    const started = Date.now();
    await assert.rejects(decryptCosignPrivateKey(resealed(pair.privateKeyPem, (j) => { j.kdf.params.N = 2 ** 30; }), 'pw'), (e: unknown) => isCode('invalid-key')(e) && /unsupported scrypt parameters/.test((e as Error).message));
    assert.ok(Date.now() - started < 1000);
  });

  void it('a changed ciphertext byte does not open (secretbox authenticates)', async () => {
    const pair = await generateCosignKeyPair('pw');
    const tampered = resealed(pair.privateKeyPem, (j) => {
      const c = Buffer.from(j.ciphertext, 'base64');
      c[20] = (c[20] as number) ^ 1;
      j.ciphertext = c.toString('base64');
    });
    await assert.rejects(decryptCosignPrivateKey(tampered, 'pw'), isCode('bad-passphrase'));
  });

  void it('refuses other PEM types, unknown ciphers and malformed nonces as invalid-key', async () => {
    const pair = await generateCosignKeyPair('pw');
    await assert.rejects(decryptCosignPrivateKey(pair.publicKeyPem, 'pw'), isCode('invalid-key'));
    await assert.rejects(decryptCosignPrivateKey(resealed(pair.privateKeyPem, (j) => { j.cipher.name = 'aes-gcm'; }), 'pw'), isCode('invalid-key'));
    await assert.rejects(decryptCosignPrivateKey(resealed(pair.privateKeyPem, (j) => { j.cipher.nonce = 'AAAA'; }), 'pw'), isCode('invalid-key'));
    await assert.rejects(decryptCosignPrivateKey('not a key at all', 'pw'), isCode('invalid-key'));
  });

  void it('the decrypted key is not in its JSON or inspected form', async () => {
    const pair = await generateCosignKeyPair('pw');
    const key = await decryptCosignPrivateKey(pair.privateKeyPem, 'pw');
    assert.doesNotMatch(JSON.stringify(key), /PRIVATE/);
  });
});

void describe('cosign passphrases', () => {
  const ask = (answers: (string | undefined)[]) => {
    const asked: PassphraseRequest[] = [];
    return { asked, source: async (r: PassphraseRequest) => { asked.push(r); return answers.shift(); } };
  };

  void it('COSIGN_PASSWORD wins and is tried once; the prompt is not asked', async () => {
    const prompt = ask(['from prompt']);
    const source = cosignPassphraseSource({ COSIGN_PASSWORD: 'from env' }, prompt.source);
    assert.equal(await source({ purpose: 'open', attempt: 0 }), 'from env');
    assert.equal(await source({ purpose: 'open', attempt: 1 }), undefined);
    assert.equal(prompt.asked.length, 0);
  });

  void it('an empty COSIGN_PASSWORD is an empty passphrase', async () => {
    assert.equal(await cosignPassphraseSource({ COSIGN_PASSWORD: '' })({ purpose: 'open', attempt: 0 }), '');
  });

  void it('without COSIGN_PASSWORD the prompt is asked, up to three times for a wrong passphrase', async () => {
    const pair = await generateCosignKeyPair('third time lucky');
    const prompt = ask(['one', 'two', 'third time lucky']);
    const key = await openCosignPrivateKey(pair.privateKeyPem, cosignPassphraseSource({}, prompt.source), '/keys/cosign.key');
    assert.equal(key.publicKey.id, pair.publicKey.id);
    assert.deepEqual(prompt.asked.map((r) => [r.purpose, r.attempt, r.keyPath]), [['open', 0, '/keys/cosign.key'], ['open', 1, '/keys/cosign.key'], ['open', 2, '/keys/cosign.key']]);
  });

  void it('no passphrase at all is passphrase-cancelled, and three wrong ones bad-passphrase', async () => {
    const pair = await generateCosignKeyPair('pw');
    await assert.rejects(openCosignPrivateKey(pair.privateKeyPem, cosignPassphraseSource({})), isCode('passphrase-cancelled'));
    await assert.rejects(openCosignPrivateKey(pair.privateKeyPem, ask(['a', 'b', 'c', 'pw']).source), isCode('bad-passphrase'));
  });
});
