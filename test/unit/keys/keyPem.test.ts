import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustLensError } from '../../../src/core/errors';
import { children, oidToString, readTlv, type Tlv } from '../../../src/core/crypto/der';
import { tufKeyId } from '../../../src/core/trust/dct/tuf/keys';
import { decodeFirstPemBlock, encodePem } from '../../../src/core/crypto/pem';
import { decodePrivateKeyPem, encodePrivateKeyPem, keyFileAttributes, readKeyBlock } from '../../../src/core/trust/dct/keys/keyPem';
import { decryptPkcs8 } from '../../../src/core/trust/dct/keys/pbes2';
import { generateKey, PrivateKey } from '../../../src/core/trust/dct/keys/privateKey';
import { DOCKER_KEY, NOTARY_KEY, OPENSSL_ED25519, OPENSSL_EC, OPENSSL_RSA } from './toolVectors';

/** The salt and IV of a notary `ENCRYPTED PRIVATE KEY` PEM. */
function saltAndIv(pem: string): { salt: Uint8Array; iv: Uint8Array } {
  const der = readKeyBlock(pem).bytes;
  const kids = (t: Tlv | undefined): Tlv[] => children(der, t as Tlv) as Tlv[];
  const [alg] = kids(readTlv(der, 0));
  const [, params] = kids(alg);
  const [kdf, enc] = kids(params);
  const [salt] = kids(kids(kdf)[1]);
  const [, iv] = kids(enc);
  const bytes = (t: Tlv | undefined) => der.subarray((t as Tlv).start, (t as Tlv).end);
  return { salt: bytes(salt), iv: bytes(iv) };
}

/** The key ID of a `PUBLIC KEY` PEM, computed without the key store. */
function spkiId(pubPem: string, keytype = 'ecdsa'): string {
  const block = decodeFirstPemBlock(Buffer.from(pubPem));
  assert.ok(block);
  return keytype === 'ed25519' ? tufKeyId('ed25519', block.bytes.subarray(-32)) : tufKeyId(keytype, block.bytes);
}

function rejectsWith(code: string, fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => TrustLensError.is(e, code));
}

void describe('notary key files written by the real tools', () => {
  void it('decrypts the key docker trust key generate wrote, named by its key ID', () => {
    const key = decodePrivateKeyPem(DOCKER_KEY.pem, DOCKER_KEY.passphrase);
    assert.equal(key.algorithm, 'ecdsa');
    assert.equal(key.keyId, DOCKER_KEY.keyId);
    assert.deepEqual({ ...readKeyBlock(DOCKER_KEY.pem).headers }, { role: 'alice' });
  });

  void it('re-encodes docker\'s file byte for byte given its salt and IV', () => {
    const key = decodePrivateKeyPem(DOCKER_KEY.pem, DOCKER_KEY.passphrase);
    assert.equal(encodePrivateKeyPem(key, { role: 'alice' }, DOCKER_KEY.passphrase, saltAndIv(DOCKER_KEY.pem)), DOCKER_KEY.pem);
  });

  void it('decrypts notary key generate -o output; its ID is the public file\'s ID; re-encodes byte for byte', () => {
    const key = decodePrivateKeyPem(NOTARY_KEY.privatePem, NOTARY_KEY.passphrase);
    assert.equal(key.keyId, spkiId(NOTARY_KEY.publicPem));
    assert.equal(encodePrivateKeyPem(key, { role: 'alice' }, NOTARY_KEY.passphrase, saltAndIv(NOTARY_KEY.privatePem)), NOTARY_KEY.privatePem);
  });

  void it('refuses a wrong passphrase with bad-passphrase, for many passphrases, never echoing it', () => {
    for (let i = 0; i < 40; i++) {
      const wrong = `wrong-${randomBytes(6).toString('hex')}`;
      assert.throws(() => decodePrivateKeyPem(DOCKER_KEY.pem, wrong), (e: unknown) => TrustLensError.is(e, 'bad-passphrase') && !(e as Error).message.includes(wrong));
    }
    rejectsWith('bad-passphrase', () => decodePrivateKeyPem(DOCKER_KEY.pem));
  });
});

void describe('encodePrivateKeyPem / decodePrivateKeyPem', () => {
  for (const algorithm of ['ed25519', 'ecdsa'] as const) {
    void it(`round-trips an ${algorithm} key with gun before role, a blank line and 64-character lines`, async () => {
      const key = generateKey(algorithm);
      const pem = encodePrivateKeyPem(key, { role: 'targets', gun: 'example.com/team/app' }, 'correct horse');
      assert.match(pem, /^-----BEGIN ENCRYPTED PRIVATE KEY-----\ngun: example\.com\/team\/app\nrole: targets\n\n/);
      assert.ok(pem.endsWith('-----END ENCRYPTED PRIVATE KEY-----\n'));
      const body = pem.split('\n').slice(4, -2);
      assert.ok(body.slice(0, -1).every((l) => l.length === 64) && (body.at(-1) as string).length <= 64);
      const back = decodePrivateKeyPem(pem, 'correct horse');
      assert.equal(back.keyId, key.keyId);
      assert.deepEqual(back.publicKey, key.publicKey);
      const message = Buffer.from('signed bytes');
      if (algorithm === 'ed25519') assert.deepEqual((await back.sign(message)).sig, (await key.sign(message)).sig);
      rejectsWith('bad-passphrase', () => decodePrivateKeyPem(pem, 'correct horsf'));
    });
  }

  void it('writes notary\'s PKCS#8 quirks: ECDSA version 1, Ed25519 OID 11591 with the 96-byte blob', () => {
    const inner = (key: PrivateKey) => {
      const der = decryptPkcs8(readKeyBlock(encodePrivateKeyPem(key, {}, 'passphrase')).bytes, 'passphrase');
      const [version, alg, priv] = children(der, readTlv(der, 0) as Tlv) as [Tlv, Tlv, Tlv];
      return {
        version: der[version.start],
        oids: (children(der, alg) as Tlv[]).map((t) => oidToString(der, t)),
        priv: der.subarray(priv.start, priv.end),
      };
    };
    const ec = inner(generateKey('ecdsa'));
    assert.deepEqual([ec.version, ec.oids], [1, ['1.2.840.10045.2.1', '1.2.840.10045.3.1.7']]);
    const edKey = generateKey('ed25519');
    const ed = inner(edKey);
    assert.deepEqual([ed.version, ed.oids, ed.priv.length], [0, ['1.3.6.1.4.1.11591.15.1'], 96]);
    assert.deepEqual(ed.priv.subarray(0, 32), edKey.publicKey.public);
    assert.deepEqual(ed.priv.subarray(64), edKey.publicKey.public);
    const rsa = inner(decodePrivateKeyPem(OPENSSL_RSA.aes256, OPENSSL_RSA.passphrase));
    assert.deepEqual([rsa.version, rsa.oids], [0, ['1.2.840.113549.1.1.1']]); // no NULL parameter
  });

  void it('writes a plain PRIVATE KEY for an empty passphrase and reads it without one', () => {
    const key = generateKey('ecdsa');
    const pem = encodePrivateKeyPem(key, { role: 'alice' }, '');
    assert.match(pem, /^-----BEGIN PRIVATE KEY-----\nrole: alice\n\n/);
    assert.equal(decodePrivateKeyPem(pem).keyId, key.keyId);
  });

  void it('refuses headers that would corrupt the file', () => {
    rejectsWith('invalid-role', () => encodePrivateKeyPem(generateKey(), { role: 'a\nb' }, 'passphrase'));
  });
});

void describe('other formats a user may import', () => {
  const ecId = () => spkiId(OPENSSL_EC.pub);

  void it('reads RFC 1423 legacy EC keys (AES-256-CBC, DES-EDE3-CBC) and plain SEC1', () => {
    assert.equal(decodePrivateKeyPem(OPENSSL_EC.aes256, OPENSSL_EC.passphrase).keyId, ecId());
    assert.equal(decodePrivateKeyPem(OPENSSL_EC.des3, OPENSSL_EC.passphrase).keyId, ecId());
    assert.equal(decodePrivateKeyPem(OPENSSL_EC.plainSec1).keyId, ecId());
    rejectsWith('bad-passphrase', () => decodePrivateKeyPem(OPENSSL_EC.aes256, 'not-the-passphrase'));
    rejectsWith('bad-passphrase', () => decodePrivateKeyPem(OPENSSL_EC.des3, 'not-the-passphrase'));
  });

  void it('reads a legacy encrypted RSA key', () => {
    assert.equal(decodePrivateKeyPem(OPENSSL_RSA.aes256, OPENSSL_RSA.passphrase).keyId, spkiId(OPENSSL_RSA.pub, 'rsa'));
    rejectsWith('bad-passphrase', () => decodePrivateKeyPem(OPENSSL_RSA.aes256, 'not-the-passphrase'));
  });

  void it('reads OpenSSL\'s PBES2 with an explicit hmacWithSHA256 PRF', () => {
    assert.equal(decodePrivateKeyPem(OPENSSL_EC.pkcs8Sha256Prf, OPENSSL_EC.passphrase).keyId, ecId());
    rejectsWith('bad-passphrase', () => decodePrivateKeyPem(OPENSSL_EC.pkcs8Sha256Prf, 'not-the-passphrase'));
  });

  void it('reads RFC 8410 Ed25519 PKCS#8', () => {
    assert.equal(decodePrivateKeyPem(OPENSSL_ED25519.plain).keyId, spkiId(OPENSSL_ED25519.pub, 'ed25519'));
  });

  void it('reads a key openssl ec -aes256 encrypts now', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trustlens-keypem-'));
    try {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      writeFileSync(join(dir, 'plain.pem'), privateKey.export({ type: 'sec1', format: 'pem' }), { mode: 0o600 });
      const encrypted = execFileSync('openssl', ['ec', '-in', join(dir, 'plain.pem'), '-aes256', '-passout', 'pass:fresh-pass-1'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
      assert.match(encrypted, /Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,/);
      const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
      assert.equal(decodePrivateKeyPem(encrypted, 'fresh-pass-1').keyId, tufKeyId('ecdsa', spki));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void it('says invalid-key for what is not a usable private key', () => {
    rejectsWith('invalid-key', () => decodePrivateKeyPem('not a pem'));
    rejectsWith('invalid-key', () => decodePrivateKeyPem(OPENSSL_EC.pub));
    rejectsWith('invalid-key', () => decodePrivateKeyPem('-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n'));
    const truncated = DOCKER_KEY.pem.replace(/\nyQ==\n/, '\n');
    rejectsWith('invalid-key', () => decodePrivateKeyPem(truncated, DOCKER_KEY.passphrase));
    const p256k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    rejectsWith('invalid-key', () => decodePrivateKeyPem(p256k1));
    const shortRsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    rejectsWith('invalid-key', () => decodePrivateKeyPem(shortRsa));
  });
});

void describe('robustness', () => {
  void it('throws only typed key errors for corrupted files, whatever byte is changed', () => {
    const block = readKeyBlock(DOCKER_KEY.pem);
    for (let i = 0; i < block.bytes.length; i++) {
      const bytes = Uint8Array.from(block.bytes);
      bytes[i] = (bytes[i] as number) ^ (1 << (i % 8));
      const pem = encodePem('ENCRYPTED PRIVATE KEY', bytes, { role: 'alice' });
      try {
        decodePrivateKeyPem(pem, DOCKER_KEY.passphrase);
      } catch (e) {
        assert.ok(TrustLensError.is(e, 'bad-passphrase') || TrustLensError.is(e, 'invalid-key'), `byte ${i}: ${String(e)}`);
      }
    }
  });

  void it('writes Proc-Type first and other headers sorted, as Go\'s pem.Encode does', () => {
    const text = encodePem('EC PRIVATE KEY', Uint8Array.of(1), { role: 'r', 'DEK-Info': 'x', 'Proc-Type': '4,ENCRYPTED', gun: 'g' });
    assert.equal(text, '-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: x\ngun: g\nrole: r\n\nAQ==\n-----END EC PRIVATE KEY-----\n');
  });
});

void describe('keyFileAttributes (notary\'s header rules)', () => {
  void it('keeps the GUN only for targets, snapshot and timestamp keys, which need one', () => {
    assert.deepEqual(keyFileAttributes('targets', 'example.com/app'), { role: 'targets', gun: 'example.com/app' });
    assert.deepEqual(keyFileAttributes('root', 'example.com/app'), { role: 'root' });
    assert.deepEqual(keyFileAttributes('alice', 'example.com/app'), { role: 'alice' });
    assert.deepEqual(keyFileAttributes('targets/releases'), { role: 'targets/releases' });
    rejectsWith('invalid-role', () => keyFileAttributes('snapshot'));
    for (const bad of ['', 'Alice', '-x', 'targets/../x', 'targets//x', 'a b']) rejectsWith('invalid-role', () => keyFileAttributes(bad));
  });
});
