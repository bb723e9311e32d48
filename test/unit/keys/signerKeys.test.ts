/**
 * New signer keys: Ed25519 unless ECDSA is asked for, stored the way notary stores keys (encrypted
 * PKCS#8 with its Ed25519 OID and a `role` header), with a `.pub` that `signer add --key` reads back.
 * The key file is taken apart here with node:crypto and the DER reader, not with the key store's own
 * decoder, so a change in the writer cannot hide behind the matching reader.
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createDecipheriv, createPrivateKey, createPublicKey, pbkdf2Sync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustLensError } from '../../../src/core/errors';
import { children, oidToString, readSmallInteger, readTlv, type Tlv } from '../../../src/core/crypto/der';
import { tufKeyId } from '../../../src/core/trust/dct/tuf/keys';
import { decodeFirstPemBlock } from '../../../src/core/crypto/pem';
import { verifySignature } from '../../../src/core/trust/dct/tuf/verifiers';
import { FileKeyStore } from '../../../src/core/trust/dct/keys/fileKeyStore';
import { DEFAULT_SIGNER_ALGORITHM, generateSignerKey } from '../../../src/core/trust/dct/signing/generateSignerKey';
import { systemClock } from '../../../src/core/ports';
import { parsePublicKeyPem } from '../../../src/core/trust/dct/signing/publicKeyPem';
import type { PassphraseProvider } from '../../../src/core/trust/dct/keys/signingKey';
import { StoreKeys } from '../../../src/core/trust/dct/signing/storeKeys';

const PASS = 'signer-keys-pass-1';
const provider: PassphraseProvider = { get: () => Promise.resolve(PASS) };

const OID = {
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  aes256cbc: '2.16.840.1.101.3.4.1.42',
  notaryEd25519: '1.3.6.1.4.1.11591.15.1',
};

/** The TLVs inside `t`, which must be constructed and well formed. */
function kids(der: Uint8Array, t: Tlv | undefined): Tlv[] {
  assert.ok(t);
  const inside = children(der, t);
  assert.ok(inside, 'malformed DER');
  return inside;
}

const value = (der: Uint8Array, t: Tlv | undefined) => {
  assert.ok(t);
  return der.subarray(t.start, t.end);
};

/**
 * Opens a notary `ENCRYPTED PRIVATE KEY` file by hand: checks PBES2 with PBKDF2 (HMAC-SHA1, no PRF
 * parameter, 2048 iterations, 8-byte salt) and AES-256-CBC, decrypts, and returns the inner
 * `PrivateKeyInfo` parts.
 */
function openNotaryPkcs8(text: string, passphrase: string): { headers: Record<string, string>; version: number | undefined; algorithm: string[]; privateKey: Uint8Array } {
  const block = decodeFirstPemBlock(Buffer.from(text));
  assert.ok(block);
  assert.equal(block.type, 'ENCRYPTED PRIVATE KEY');
  const der = block.bytes;
  const [alg, encrypted] = kids(der, readTlv(der, 0));
  const [scheme, params] = kids(der, alg);
  assert.equal(oidToString(der, scheme as Tlv), OID.pbes2);
  const [kdf, cipher] = kids(der, params);
  const [kdfOid, kdfParams] = kids(der, kdf);
  assert.equal(oidToString(der, kdfOid as Tlv), OID.pbkdf2);
  const kdfFields = kids(der, kdfParams);
  assert.equal(kdfFields.length, 2, 'salt and iteration count only: no key length, no PRF (so HMAC-SHA1)');
  const salt = value(der, kdfFields[0]);
  assert.equal(salt.length, 8);
  assert.equal(readSmallInteger(der, kdfFields[1] as Tlv), 2048);
  const [cipherOid, iv] = kids(der, cipher);
  assert.equal(oidToString(der, cipherOid as Tlv), OID.aes256cbc);
  assert.equal(value(der, iv).length, 16);

  const key = pbkdf2Sync(passphrase, salt, 2048, 32, 'sha1');
  const decipher = createDecipheriv('aes-256-cbc', key, value(der, iv));
  const plain = new Uint8Array(Buffer.concat([decipher.update(value(der, encrypted)), decipher.final()]));
  const [version, algorithm, privateKey] = kids(plain, readTlv(plain, 0));
  return {
    headers: { ...block.headers },
    version: readSmallInteger(plain, version as Tlv),
    algorithm: kids(plain, algorithm).map((t) => oidToString(plain, t) ?? '?'),
    privateKey: value(plain, privateKey),
  };
}

/** The raw 32-byte public key of an Ed25519 seed, computed by node:crypto. */
function ed25519PublicOf(seed: Uint8Array): Uint8Array {
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const x = createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' }).x;
  return new Uint8Array(Buffer.from(x ?? '', 'base64url'));
}

void describe('generateSignerKey', () => {
  let dir: string;
  let store: FileKeyStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trustlens-signer-keys-'));
    store = new FileKeyStore(join(dir, 'trust'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  void it('makes Ed25519 keys by default', () => {
    assert.equal(DEFAULT_SIGNER_ALGORITHM, 'ed25519');
  });

  void it('stores the default key as notary does: encrypted PKCS#8, OID 1.3.6.1.4.1.11591.15.1, the 96-byte blob, role header', async () => {
    const generated = await generateSignerKey(store, 'alice', dir, provider);
    const text = await readFile(join(store.privateDir, `${generated.keyId}.key`), 'utf8');
    assert.match(text, /^-----BEGIN ENCRYPTED PRIVATE KEY-----\nrole: alice\n\n/);
    const opened = openNotaryPkcs8(text, PASS);
    assert.deepEqual(opened.headers, { role: 'alice' }, 'a signer key carries no gun');
    assert.deepEqual([opened.version, opened.algorithm], [0, [OID.notaryEd25519]]);
    // notary's GenerateED25519Key: public(32) ‖ Go's private key, i.e. seed(32) ‖ public(32).
    const blob = opened.privateKey;
    assert.equal(blob.length, 96);
    const pub = blob.subarray(0, 32);
    assert.deepEqual(blob.subarray(64), pub);
    assert.deepEqual(ed25519PublicOf(blob.subarray(32, 64)), pub, 'the seed belongs to the public key');
    assert.equal(generated.keyId, tufKeyId('ed25519', pub), 'the file is named by the key\'s TUF ID');
  });

  void it('writes an RFC 8410 PUBLIC KEY with the role header, which signer add reads as the same ed25519 key', async () => {
    const generated = await generateSignerKey(store, 'alice', dir, provider);
    const text = await readFile(generated.publicKeyPath, 'utf8');
    assert.equal(generated.publicKeyPath, join(dir, 'alice.pub'));
    assert.equal(text, generated.publicKeyPem);
    const block = decodeFirstPemBlock(Buffer.from(text));
    assert.ok(block);
    assert.deepEqual([block.type, { ...block.headers }], ['PUBLIC KEY', { role: 'alice' }]);
    const spki = createPublicKey({ key: Buffer.from(block.bytes), format: 'der', type: 'spki' });
    assert.equal(spki.asymmetricKeyType, 'ed25519');
    const raw = new Uint8Array(Buffer.from(spki.export({ format: 'jwk' }).x ?? '', 'base64url'));
    const parsed = parsePublicKeyPem(text, Date.now());
    assert.deepEqual([parsed.keytype, parsed.public, parsed.id], ['ed25519', raw, generated.keyId]);

    const signer = await store.open(generated.keyId, provider);
    const message = Buffer.from('{"_type":"Targets"}');
    const sig = await signer.sign(message);
    assert.equal(sig.method, 'eddsa');
    assert.ok(verifySignature(sig.method, parsed, sig.sig, message));
  });

  void it('makes docker\'s ECDSA P-256 key when asked', async () => {
    const generated = await generateSignerKey(store, 'bob', dir, provider, 'ecdsa');
    const opened = openNotaryPkcs8(await readFile(join(store.privateDir, `${generated.keyId}.key`), 'utf8'), PASS);
    assert.deepEqual([opened.version, opened.algorithm], [1, ['1.2.840.10045.2.1', '1.2.840.10045.3.1.7']]);
    const block = decodeFirstPemBlock(Buffer.from(generated.publicKeyPem));
    assert.ok(block);
    const spki = createPublicKey({ key: Buffer.from(block.bytes), format: 'der', type: 'spki' });
    assert.deepEqual([spki.asymmetricKeyType, spki.asymmetricKeyDetails?.namedCurve], ['ec', 'prime256v1']);
    const parsed = parsePublicKeyPem(generated.publicKeyPem, Date.now());
    assert.deepEqual([parsed.keytype, parsed.public, parsed.id], ['ecdsa', block.bytes, generated.keyId]);
  });

  void it('refuses a bad name or an existing public key file before storing anything', async () => {
    await assert.rejects(generateSignerKey(store, 'Alice', dir, provider), (e: unknown) => TrustLensError.is(e, 'invalid-signer'));
    await writeFile(join(dir, 'carol.pub'), 'taken');
    await assert.rejects(generateSignerKey(store, 'carol', dir, provider), (e: unknown) => TrustLensError.is(e, 'io-error'));
    assert.deepEqual(await store.list(), []);
  });
});

void describe('StoreKeys: the keys signing creates', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trustlens-store-keys-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  void it('creates a missing signer key as Ed25519 and the repository key as ECDSA, as notary does', async () => {
    const store = new FileKeyStore(join(dir, 'trust'));
    const keys = new StoreKeys(store, provider, systemClock);
    assert.equal(await keys.signerKey('alice', { create: false }), undefined);
    const alice = await keys.signerKey('alice', { create: true });
    assert.equal(alice?.publicKey.keytype, 'ed25519');
    const targets = await keys.createTargetsKey('example.com/app');
    assert.equal(targets.publicKey.keytype, 'ecdsa');
    assert.deepEqual((await store.list()).map((k) => [k.keyId, k.role, k.gun]).sort(),
      [[alice?.keyId, 'alice', undefined], [targets.keyId, 'targets', 'example.com/app']].sort());
    // An existing key is reused, whatever its type.
    assert.equal((await keys.signerKey('alice', { create: true }))?.keyId, alice?.keyId);
  });
});
