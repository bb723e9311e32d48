/**
 * Key files move both ways between TrustLens and the real tools: keys made by `notary key generate`
 * and `docker trust key generate` open and sign in TrustLens, and keys TrustLens writes (ECDSA and
 * Ed25519) are listed by `notary key list` and used by the notary CLI to sign what notary-server
 * then accepts. notary cannot delegate to an Ed25519 public key file itself, so TrustLens does.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTufKey, type TufPublicKey } from '../../src/core/trust/dct/tuf/keys';
import { decodeFirstPemBlock, encodePem } from '../../src/core/crypto/pem';
import { verifySignature } from '../../src/core/trust/dct/tuf/verifiers';
import { FileKeyStore } from '../../src/core/trust/dct/keys/fileKeyStore';
import { generateSignerKey } from '../../src/core/trust/dct/signing/generateSignerKey';
import { decodePrivateKeyPem, encodePrivateKeyPem, readKeyBlock } from '../../src/core/trust/dct/keys/keyPem';
import { envPassphraseProvider } from '../../src/core/trust/dct/keys/passphrase';
import { generateKey } from '../../src/core/trust/dct/keys/privateKey';
import { UndiciHttpClient } from '../../src/core/net/undiciHttpClient';
import { nullLogger, systemClock } from '../../src/core/ports';
import type { PassphraseProvider } from '../../src/core/trust/dct/keys/signingKey';
import { StoreKeys } from '../../src/core/trust/dct/signing/storeKeys';
import { TrustPublisher } from '../../src/core/trust/dct/signing/trustPublisher';
import { FileMetadataStore } from '../../src/core/trust/dct/metadataStore';
import { canonicalize } from '../../src/core/trust/dct/tuf/canonicalJson';
import { dockerTrustInspect } from '../helpers/stack/dockerCli';
import { environmentWithout } from '../helpers/stack/environment';
import { NotaryCli } from '../helpers/stack/notaryCli';
import { getTrustFile, type TrustFile } from '../helpers/stack/notaryHttp';
import { pushImage } from '../helpers/stack/push';
import { CommandError, runCommand } from '../helpers/stack/runCommand';
import { hexOf } from '../helpers/stack/signers';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { makeDockerConfig } from '../helpers/trust/dockerConfig';

const ROOT_PASS = 'keys-test-root-1';
const TARGETS_PASS = 'keys-test-targets-1';
const DELEGATION_PASS = 'keys-test-delegation-1';
/** The passphrase of the stack's own notary client's targets keys (`NotaryCli`'s default). */
const NOTARY_TARGETS_PASS = 'trustlens-test-targets';

const fixed = (passphrase: string): PassphraseProvider => ({ get: () => Promise.resolve(passphrase) });
const randomSha = () => randomBytes(32).toString('hex');

/** The key a `PUBLIC KEY` PEM file holds, computed independently of the key store. */
async function publicKeyFile(path: string): Promise<TufPublicKey> {
  const block = decodeFirstPemBlock(await readFile(path));
  assert.ok(block && block.type === 'PUBLIC KEY');
  return makeTufKey('ecdsa', block.bytes);
}

/** Asserts every signature of a served metadata file is by `key` and verifies. */
function assertSignedBy(file: TrustFile, key: TufPublicKey, method: string): void {
  assert.equal(file.signatures.length, 1);
  const [sig] = file.signatures;
  assert.deepEqual([sig.keyid, sig.method], [key.id, method]);
  assert.ok(verifySignature(sig.method, key, Buffer.from(sig.sig, 'base64'), canonicalize(file.signed)));
}

/** The `notary key list` row for a key ID: `[role, gun?, keyId, location]`. */
async function keyListRow(cli: NotaryCli, keyId: string): Promise<string[]> {
  const { stdout } = await cli.run(['key', 'list']);
  const row = stdout.split('\n').map((l) => l.trim().split(/\s+/)).find((cells) => cells.includes(keyId));
  assert.ok(row, `notary key list does not show ${keyId}:\n${stdout}`);
  return row;
}

void describe('keys: TrustLens and the real notary and docker CLIs share key files', () => {
  let stack: Stack;
  const clis: NotaryCli[] = [];
  const temps: TempDir[] = [];
  const newCli = async (passphrases: { root?: string; targets?: string; delegation?: string }) => {
    const cli = await NotaryCli.create({ serverUrl: stack.notary.url, caPath: stack.notary.caPath, passphrases });
    clis.push(cli);
    return cli;
  };
  const newTemp = async (label: string) => {
    const temp = await makeTempDir(label);
    temps.push(temp);
    return temp.path;
  };

  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await Promise.all([...clis.map((c) => c.dispose()), ...temps.map((t) => t.remove())]);
    await stack?.stop();
  });

  void it('opens a key made by notary key generate: same ID, role from its header, signatures verify', async () => {
    const cli = await newCli({ delegation: DELEGATION_PASS });
    const generated = await cli.keyGenerate('alice', join(cli.workDir, 'alice'));
    const pem = await readFile(generated.privateKeyPath, 'utf8');
    const pub = await publicKeyFile(generated.publicKeyPath);
    assert.equal(decodePrivateKeyPem(pem, DELEGATION_PASS).keyId, generated.keyId);

    const store = new FileKeyStore(join(await newTemp('keys-import'), 'trust'));
    const info = await store.importPem(pem, {}, fixed(DELEGATION_PASS));
    assert.deepEqual([info.keyId, info.role, info.gun], [pub.id, 'alice', undefined]);
    const signer = await store.open(info.keyId, fixed(DELEGATION_PASS));
    const message = Buffer.from('{"signed":{"_type":"Targets"}}');
    const sig = await signer.sign(message);
    assert.equal(sig.keyid, pub.id);
    assert.ok(verifySignature(sig.method, pub, sig.sig, message));

    // Re-encoding with notary's salt and IV reproduces notary's file byte for byte.
    const { bytes } = readKeyBlock(pem);
    const salt = bytes.subarray(35, 43);
    const iv = bytes.subarray(62, 78);
    assert.equal(encodePrivateKeyPem(decodePrivateKeyPem(pem, DELEGATION_PASS), { role: 'alice' }, DELEGATION_PASS, { salt, iv }), pem);
  });

  void it('opens a key made by docker trust key generate, from DOCKER_CONFIG, with docker\'s passphrase variable', async () => {
    const dockerConfig = await newTemp('keys-docker-config');
    const outDir = await newTemp('keys-docker-out');
    const env = { ...environmentWithout(['DOCKER_']), DOCKER_CONFIG: dockerConfig, DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: DELEGATION_PASS };
    await runCommand('docker', ['trust', 'key', 'generate', 'carol', '--dir', outDir], { env });
    const pub = await publicKeyFile(join(outDir, 'carol.pub'));

    const store = FileKeyStore.forDocker({ DOCKER_CONFIG: dockerConfig });
    const listed = await store.list();
    assert.deepEqual(listed.map((k) => [k.keyId, k.role, k.gun, k.encrypted]), [[pub.id, 'carol', undefined, true]]);
    assert.deepEqual(await store.forRole('carol'), listed);
    const signer = await store.open(pub.id, envPassphraseProvider(env));
    const message = Buffer.from('bytes to sign');
    const sig = await signer.sign(message);
    assert.ok(verifySignature(sig.method, pub, sig.sig, message));
  });

  void it('signs a delegation through the notary CLI with a TrustLens ECDSA key, read from TrustLens\'s file', async () => {
    const gun = `${stack.registry.host}/keys/delegated`;
    await stack.cli.init(gun);
    await stack.cli.publish(gun);
    // A signer holds no snapshot key, so the server must own it (as docker sets repositories up).
    await stack.cli.rotateSnapshotToServer(gun);

    const signerCli = await newCli({ delegation: DELEGATION_PASS });
    const store = new FileKeyStore(signerCli.trustDir);
    const key = await store.generate({ role: 'alice' }, fixed(DELEGATION_PASS), 'ecdsa');
    const keyFile = (await store.get(key.keyId))?.path as string;
    const written = await readFile(keyFile);
    assert.deepEqual((await keyListRow(signerCli, key.keyId)).slice(0, 2), ['alice', key.keyId]);

    const pubPath = join(signerCli.workDir, 'alice.pem');
    await writeFile(pubPath, encodePem('PUBLIC KEY', key.publicKey.public, { role: 'alice' }));
    await stack.cli.delegationAdd(gun, 'targets/alice', pubPath);
    await stack.cli.publish(gun);

    const sha = randomSha();
    await signerCli.addHash(gun, 'v1', 1234, sha, ['targets/alice']);
    await signerCli.publish(gun);

    assert.deepEqual(await signerCli.list(gun, ['targets/alice']), [{ name: 'v1', digest: sha, size: 1234, role: 'targets/alice' }]);
    assert.ok((await stack.cli.list(gun)).some((t) => t.name === 'v1' && t.role === 'targets/alice'));
    assertSignedBy(await getTrustFile(stack.notary, gun, 'targets/alice'), key.publicKey, 'ecdsa');
    assert.deepEqual(await readFile(keyFile), written, 'notary used the file as TrustLens wrote it');
  });

  void it('signs a delegation through the notary CLI with a TrustLens Ed25519 key (key generate\'s default) that TrustLens delegated to', async () => {
    const gun = `${stack.registry.host}/keys/delegated-ed25519`;
    await stack.cli.init(gun);
    await stack.cli.publish(gun);
    await stack.cli.rotateSnapshotToServer(gun);

    const signerCli = await newCli({ delegation: DELEGATION_PASS });
    const store = new FileKeyStore(signerCli.trustDir);
    const generated = await generateSignerKey(store, 'alice', signerCli.workDir, fixed(DELEGATION_PASS));
    const keyFile = (await store.get(generated.keyId))?.path as string;
    const written = await readFile(keyFile);
    const key = (await store.open(generated.keyId, fixed(DELEGATION_PASS))).publicKey;
    assert.equal(key.keytype, 'ed25519');
    assert.deepEqual((await keyListRow(signerCli, generated.keyId)).slice(0, 2), ['alice', generated.keyId]);

    // notary's own delegation add cannot read an Ed25519 PUBLIC KEY (ParsePEMPublicKey knows ECDSA and RSA only)…
    await assert.rejects(stack.cli.delegationAdd(gun, 'targets/alice', generated.publicKeyPath),
      (e: unknown) => e instanceof CommandError && /unknown public key format/.test(e.message));
    // …so the owner delegates with TrustLens, opening notary's repository key from notary's own trust dir.
    const ownerDocker = await makeDockerConfig([{ host: stack.notary.host, caPem: stack.notary.caPem }]);
    const ownerHttp = new UndiciHttpClient({ dockerConfigDir: ownerDocker.path });
    try {
      const owner = new TrustPublisher({
        httpFor: () => ownerHttp,
        store: new FileMetadataStore(join(ownerDocker.path, 'cache')),
        keys: new StoreKeys(new FileKeyStore(stack.cli.trustDir), fixed(NOTARY_TARGETS_PASS), systemClock),
        trustServerFor: () => stack.notary.url,
        clock: systemClock,
        logger: nullLogger,
      });
      await owner.addSigner('alice', gun, generated.publicKeyPem);
    } finally {
      await ownerHttp.close();
      await ownerDocker.remove();
    }

    const image = await pushImage(stack.registry, 'keys/delegated-ed25519', 'v1');
    const sha = hexOf(image.digest);
    await signerCli.addHash(gun, 'v1', image.size, sha, ['targets/releases', 'targets/alice']);
    await signerCli.publish(gun);

    const fresh = await newCli({});
    assert.deepEqual(await fresh.list(gun, ['targets/releases']), [{ name: 'v1', digest: sha, size: image.size, role: 'targets/releases' }]);
    assert.deepEqual(await fresh.list(gun, ['targets/alice']), [{ name: 'v1', digest: sha, size: image.size, role: 'targets/alice' }]);
    for (const role of ['targets/releases', 'targets/alice']) assertSignedBy(await getTrustFile(stack.notary, gun, role), key, 'eddsa');
    const inspected = await dockerTrustInspect([gun], { trustServerUrl: stack.notary.url, caPem: stack.notary.caPem });
    assert.equal(inspected.exitCode, 0, inspected.stderr);
    assert.deepEqual(inspected.entries[0]?.SignedTags, [{ SignedTag: 'v1', Digest: sha, Signers: ['alice'] }]);
    assert.deepEqual(inspected.entries[0]?.Signers, [{ Name: 'alice', Keys: [{ ID: generated.keyId }] }]);
    assert.deepEqual(await readFile(keyFile), written, 'notary used the file as TrustLens wrote it');
  });

  void it('makes a TrustLens Ed25519 key the targets key with notary key rotate, then notary signs with TrustLens\'s file', async () => {
    const gun = `${stack.registry.host}/keys/ed25519`;
    const owner = await newCli({ root: ROOT_PASS, targets: TARGETS_PASS });
    await owner.init(gun);
    await owner.publish(gun);

    const key = generateKey('ed25519');
    // notary's readKey decrypts a --key file with the root passphrase, whatever role it rotates.
    const keyFile = join(owner.workDir, 'targets-ed25519.pem');
    await writeFile(keyFile, encodePrivateKeyPem(key, { role: 'targets', gun }, ROOT_PASS), { mode: 0o600 });
    await owner.run(['key', 'rotate', gun, 'targets', '--key', keyFile]);
    const root = await getTrustFile(stack.notary, gun, 'root');
    assert.deepEqual(root.signed.roles?.targets.keyids, [key.keyId]);
    assert.equal(root.signed.keys?.[key.keyId]?.keytype, 'ed25519');

    // Replace notary's stored copy with the file TrustLens writes, then let notary sign from it.
    const store = new FileKeyStore(owner.trustDir);
    const saved = await store.save(key, { role: 'targets', gun }, TARGETS_PASS);
    const written = await readFile(saved.path);
    const copies = (await readdir(store.privateDir, { recursive: true })).filter((name) => name.includes(key.keyId));
    assert.deepEqual(copies, [`${key.keyId}.key`], 'TrustLens\'s file is the only copy of the key');
    const [role, shownGun, shownId] = await keyListRow(owner, key.keyId);
    // notary key list shortens long GUNs to "...<end>".
    assert.ok(role === 'targets' && shownId === key.keyId && gun.endsWith((shownGun as string).replace(/^\.\.\./, '')));
    const sha = randomSha();
    await owner.addHash(gun, 'v1', 999, sha);
    await owner.publish(gun);

    assert.deepEqual(await owner.list(gun), [{ name: 'v1', digest: sha, size: 999, role: 'targets' }]);
    assertSignedBy(await getTrustFile(stack.notary, gun, 'targets'), key.publicKey, 'eddsa');
    assert.deepEqual(await readFile(saved.path), written, 'notary used the file as TrustLens wrote it');
  });

  void it('keeps docker\'s private dir layout: notary lists keys TrustLens saved under a fresh trust dir', async () => {
    const cli = await newCli({ delegation: DELEGATION_PASS });
    await mkdir(cli.trustDir, { recursive: true });
    const store = new FileKeyStore(cli.trustDir);
    const info = await store.save(generateKey('ed25519'), { role: 'bob' }, DELEGATION_PASS);
    assert.deepEqual((await keyListRow(cli, info.keyId)).slice(0, 2), ['bob', info.keyId]);
  });
});
