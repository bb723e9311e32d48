import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustLensError } from '../../../src/core/errors';
import { tufKeyId } from '../../../src/core/trust/dct/tuf/keys';
import { decodeFirstPemBlock } from '../../../src/core/crypto/pem';
import { verifySignature } from '../../../src/core/trust/dct/tuf/verifiers';
import { FileKeyStore } from '../../../src/core/trust/dct/keys/fileKeyStore';
import { decodePrivateKeyPem, encodePrivateKeyPem } from '../../../src/core/trust/dct/keys/keyPem';
import { generateKey } from '../../../src/core/trust/dct/keys/privateKey';
import { createRootKey } from '../../../src/core/trust/dct/keys/rootKey';
import type { PassphraseProvider } from '../../../src/core/trust/dct/keys/signingKey';
import { DOCKER_KEY, NOTARY_KEY, OPENSSL_EC, OPENSSL_ED25519 } from './toolVectors';

type Request = Parameters<PassphraseProvider['get']>[0];

/** Answers by purpose (and, for `open`, by attempt); records every request. */
function provider(answers: { open?: Array<string | undefined>; create?: string }): PassphraseProvider & { asked: Request[] } {
  const asked: Request[] = [];
  return {
    asked,
    get(request) {
      asked.push(request);
      return Promise.resolve(request.purpose === 'create' ? answers.create : answers.open?.[request.attempt]);
    },
  };
}

/** Fails the test if asked at all. */
const silent: PassphraseProvider = { get: () => Promise.reject(new Error('no passphrase may be asked here')) };
const PASS = 'store-pass-1';

const isCode = (code: string) => (e: unknown) => TrustLensError.is(e, code);

void describe('FileKeyStore', () => {
  let dir: string;
  let store: FileKeyStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trustlens-keystore-'));
    store = new FileKeyStore(join(dir, 'trust'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  void it('saves <keyId>.key with mode 0600 in 0700 directories, atomically, with notary\'s headers', async () => {
    const key = generateKey('ecdsa');
    const info = await store.save(key, { role: 'targets', gun: 'example.com/app' }, PASS);
    assert.equal(info.path, join(dir, 'trust', 'private', `${key.keyId}.key`));
    assert.equal((await stat(info.path)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'trust', 'private'))).mode & 0o777, 0o700);
    assert.equal((await stat(join(dir, 'trust'))).mode & 0o777, 0o700);
    assert.deepEqual(await readdir(store.privateDir), [`${key.keyId}.key`]);
    const text = await readFile(info.path, 'utf8');
    assert.match(text, /^-----BEGIN ENCRYPTED PRIVATE KEY-----\ngun: example\.com\/app\nrole: targets\n\n/);
    assert.equal(decodePrivateKeyPem(text, PASS).keyId, key.keyId);
    // Saving again replaces the file in place.
    await store.save(key, { role: 'targets', gun: 'example.com/app' }, 'another-pass');
    assert.deepEqual(await readdir(store.privateDir), [`${key.keyId}.key`]);
  });

  void it('stores only encrypted keys, with passphrases notary accepts, and drops the GUN of root and signer keys', async () => {
    const key = generateKey();
    await assert.rejects(store.save(key, { role: 'alice' }, ''), isCode('weak-passphrase'));
    await assert.rejects(store.save(key, { role: 'alice' }, '1234567'), isCode('weak-passphrase'));
    await assert.rejects(store.save(key, { role: 'targets' }, PASS), isCode('invalid-role'));
    const info = await store.save(key, { role: 'alice', gun: 'example.com/app' }, PASS);
    assert.deepEqual([info.role, info.gun], ['alice', undefined]);
    assert.doesNotMatch(await readFile(info.path, 'utf8'), /gun:/);
  });

  void it('lists keys without decrypting them: ID from the file name, role and GUN from headers, sorted', async () => {
    const a = await store.save(generateKey(), { role: 'alice' }, PASS);
    const t = await store.save(generateKey('ecdsa'), { role: 'targets', gun: 'example.com/app' }, PASS);
    const listed = await store.list();
    assert.deepEqual(listed.map((k) => k.keyId), [a.keyId, t.keyId].sort());
    assert.deepEqual(listed.find((k) => k.keyId === t.keyId), { ...t, encrypted: true, legacyLayout: false });
    assert.deepEqual((await store.forRole('alice')).map((k) => k.keyId), [a.keyId]);
    assert.deepEqual((await store.forRole('targets', 'example.com/app')).map((k) => k.keyId), [t.keyId]);
    assert.deepEqual(await store.forRole('targets', 'example.com/other'), []);
    assert.equal(await store.get('0'.repeat(64)), undefined);
  });

  void it('lists docker\'s key file and legacy root_keys/ and tuf_keys/<gun>/ layouts, and opens them', async () => {
    const priv = store.privateDir;
    await mkdir(join(priv, 'root_keys'), { recursive: true });
    await mkdir(join(priv, 'tuf_keys', 'example.com', 'team', 'app'), { recursive: true });
    await writeFile(join(priv, `${DOCKER_KEY.keyId}.key`), DOCKER_KEY.pem);
    const ecId = tufKeyId('ecdsa', (decodeFirstPemBlock(Buffer.from(OPENSSL_EC.pub)) as { bytes: Uint8Array }).bytes);
    await writeFile(join(priv, 'root_keys', `${ecId}_root.key`), OPENSSL_EC.aes256);
    const targets = generateKey('ecdsa');
    await writeFile(join(priv, 'tuf_keys', 'example.com', 'team', 'app', `${targets.keyId}_targets.key`), encodePrivateKeyPem(targets, {}, PASS));
    await writeFile(join(priv, 'notes.txt'), 'ignored');
    await writeFile(join(priv, 'broken.key'), 'not a key');
    const byId = new Map((await store.list()).map((k) => [k.keyId, k]));
    assert.equal(byId.size, 3);
    assert.deepEqual([byId.get(DOCKER_KEY.keyId)?.role, byId.get(DOCKER_KEY.keyId)?.legacyLayout], ['alice', false]);
    assert.deepEqual([byId.get(ecId)?.role, byId.get(ecId)?.gun, byId.get(ecId)?.legacyLayout], ['root', undefined, true]);
    assert.deepEqual([byId.get(targets.keyId)?.role, byId.get(targets.keyId)?.gun], ['targets', 'example.com/team/app']);
    assert.equal((await store.open(DOCKER_KEY.keyId, provider({ open: [DOCKER_KEY.passphrase] }))).keyId, DOCKER_KEY.keyId);
    assert.equal((await store.open(ecId, provider({ open: [OPENSSL_EC.passphrase] }))).keyId, ecId);
    assert.equal((await store.open(targets.keyId, provider({ open: [PASS] }))).keyId, targets.keyId);
  });

  void it('opens a key asking the provider, retrying a wrong passphrase, and the key signs', async () => {
    const key = generateKey();
    await store.save(key, { role: 'alice' }, PASS);
    const p = provider({ open: ['wrong-pass-1', PASS] });
    const signer = await store.open(key.keyId, p);
    assert.deepEqual(p.asked.map((r) => [r.role, r.keyId, r.purpose, r.attempt]), [['alice', key.keyId, 'open', 0], ['alice', key.keyId, 'open', 1]]);
    assert.deepEqual(signer.publicKey, key.publicKey);
    const sig = await signer.sign(Buffer.from('bytes'));
    assert.ok(verifySignature(sig.method, signer.publicKey, sig.sig, Buffer.from('bytes')));
  });

  void it('reports wrong passphrases, cancelling and unknown keys with typed errors that hold no secret', async () => {
    const key = generateKey('ecdsa');
    await store.save(key, { role: 'root' }, PASS);
    await assert.rejects(store.open(key.keyId, provider({ open: ['wrong-pass-1', 'wrong-pass-2', 'wrong-pass-3'] })), (e: unknown) =>
      TrustLensError.is(e, 'bad-passphrase') && !(e as Error).message.includes('wrong-pass'));
    await assert.rejects(store.open(key.keyId, provider({ open: [] })), isCode('passphrase-cancelled'));
    await assert.rejects(store.open('f'.repeat(64), silent), isCode('key-not-found'));
  });

  void it('opens an unencrypted key without asking, and refuses a file holding another key', async () => {
    const key = generateKey();
    await mkdir(store.privateDir, { recursive: true });
    await writeFile(join(store.privateDir, `${key.keyId}.key`), encodePrivateKeyPem(key, { role: 'alice' }, ''));
    assert.equal((await store.open(key.keyId, silent)).keyId, key.keyId);
    const other = '1'.repeat(64);
    await writeFile(join(store.privateDir, `${other}.key`), encodePrivateKeyPem(key, { role: 'alice' }, ''));
    await assert.rejects(store.open(other, silent), isCode('key-mismatch'));
  });

  void it('generates and stores keys, asking for a new passphrase', async () => {
    const p = provider({ create: PASS });
    const signer = await store.generate({ role: 'targets', gun: 'example.com/app' }, p, 'ecdsa');
    assert.equal(signer.publicKey.keytype, 'ecdsa');
    assert.deepEqual(p.asked.map((r) => [r.role, r.gun, r.purpose]), [['targets', 'example.com/app', 'create']]);
    assert.equal((await store.get(signer.keyId))?.gun, 'example.com/app');
    await assert.rejects(store.generate({ role: 'alice' }, provider({ create: 'short' })), isCode('weak-passphrase'));
  });

  void it('creates a root key: ECDSA file named by the bare key ID with role root and no GUN', async () => {
    const root = await createRootKey('example.com/app', store, provider({ create: PASS }));
    const info = await store.get(root.keyId);
    assert.deepEqual([info?.role, info?.gun], ['root', undefined]);
    assert.notEqual(root.signingKey.keyId, root.keyId);
    assert.equal(root.signingKey.publicKey.keytype, 'ecdsa-x509');
  });

  void it('imports PEM like docker trust key load: re-encrypted, role from the header, else the name', async () => {
    const p = provider({ open: [NOTARY_KEY.passphrase], create: PASS });
    const info = await store.importPem(NOTARY_KEY.privatePem, { name: 'ignored' }, p);
    assert.equal(info.role, 'alice');
    assert.deepEqual(p.asked.map((r) => [r.purpose, r.keyId, r.role]), [['open', '', 'alice'], ['create', info.keyId, 'alice']]);
    assert.equal(decodePrivateKeyPem(await readFile(info.path), PASS).keyId, info.keyId);
    const legacy = await store.importPem(OPENSSL_EC.aes256, { name: 'bob' }, provider({ open: [OPENSSL_EC.passphrase], create: PASS }));
    assert.equal(legacy.role, 'bob');
    const ed = await store.importPem(OPENSSL_ED25519.plain, {}, provider({ create: PASS }));
    assert.equal(ed.role, 'signer');
    assert.match(await readFile(ed.path, 'utf8'), /^-----BEGIN ENCRYPTED PRIVATE KEY-----\nrole: signer\n\n/);
    const forced = await store.importPem(NOTARY_KEY.privatePem, { role: 'carol' }, provider({ open: [NOTARY_KEY.passphrase], create: PASS }));
    assert.equal(forced.role, 'carol');
    await assert.rejects(store.importPem(NOTARY_KEY.privatePem, {}, provider({ open: ['wrong-pass-1'], create: PASS })), isCode('bad-passphrase'));
    await assert.rejects(store.importPem(OPENSSL_EC.pub, {}, silent), isCode('invalid-key'));
  });

  void it('refuses to import a key file others can read, as docker does', async () => {
    const path = join(dir, 'key.pem');
    await writeFile(path, OPENSSL_ED25519.plain, { mode: 0o644 });
    await chmod(path, 0o644);
    await assert.rejects(store.importFile(path, {}, silent), isCode('insecure-file'));
    await chmod(path, 0o600);
    assert.equal((await store.importFile(path, {}, provider({ create: PASS }))).role, 'signer');
  });

  void it('reports an unwritable trust dir as io-error naming only the path', async () => {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'trust'), 'a file where the trust dir should be');
    await assert.rejects(store.save(generateKey(), { role: 'alice' }, PASS), (e: unknown) =>
      TrustLensError.is(e, 'io-error') && !(e as Error).message.includes(PASS));
  });

  void it('finds docker\'s trust dir from DOCKER_CONFIG', () => {
    assert.equal(FileKeyStore.forDocker({ DOCKER_CONFIG: '/tmp/dc' }).privateDir, join('/tmp/dc', 'trust', 'private'));
  });
});
