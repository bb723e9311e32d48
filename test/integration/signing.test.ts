/**
 * Publishing against the real stack: TrustLens creates repositories and signs tags with keys in a
 * docker key store, and the real `notary` and `docker trust` clients read, verify and extend what it
 * wrote; TrustLens signs into repositories the notary CLI created (as a delegated signer, and as an
 * owner holding notary's own snapshot key); every metadata file the server serves is in notary's
 * exact byte shape, and the server's snapshot vouches for exactly the bytes it serves.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UndiciHttpClient } from '../../src/core/net/undiciHttpClient';
import { systemClock, type Logger } from '../../src/core/ports';
import { FileKeyStore } from '../../src/core/trust/dct/keys/fileKeyStore';
import { generateSignerKey } from '../../src/core/trust/dct/signing/generateSignerKey';
import { createTrustPublisher } from '../../src/core/trust/dct/signing/createPublisher';
import { reserialize } from '../../src/core/trust/dct/signing/fileBytes';
import { StoreKeys } from '../../src/core/trust/dct/signing/storeKeys';
import { TrustPublisher } from '../../src/core/trust/dct/signing/trustPublisher';
import { FileMetadataStore } from '../../src/core/trust/dct/metadataStore';
import type { PassphraseProvider } from '../../src/core/trust/dct/keys/signingKey';
import { dockerTrustInspect, type TrustInspectEntry } from '../helpers/stack/dockerCli';
import { getTrustPath } from '../helpers/stack/notaryHttp';
import { pushImage, pushIndex, type PushedManifest } from '../helpers/stack/push';
import { buildReleases, buildTargetsOnly } from '../helpers/stack/scenarios';
import { createSigner, hexOf, signAs } from '../helpers/stack/signers';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';
import { dockerfileFrom, policyFrom, resultFor, scanDocuments } from '../helpers/trust/documents';
import { createTrustHarness } from '../helpers/trust/harness';
import { environmentWithout } from '../helpers/stack/environment';
import { runCommand, type CommandResult } from '../helpers/stack/runCommand';

const ROOT_PASS = 'signing-test-root';
const REPO_PASS = 'signing-test-repository';

/** `docker trust …` with its own DOCKER_CONFIG, the stack's trust server and test passphrases. */
function dockerTrust(args: readonly string[], configDir: string, serverUrl: string): Promise<CommandResult> {
  return runCommand('docker', ['trust', ...args], {
    env: {
      ...environmentWithout(['DOCKER_']),
      DOCKER_CONFIG: configDir,
      DOCKER_CONTENT_TRUST_SERVER: serverUrl,
      DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE: ROOT_PASS,
      DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: REPO_PASS,
    },
  });
}
/** docker's environment variables as TrustLens's passphrase provider reads them. */
const passphrases: PassphraseProvider = { get: ({ role }) => Promise.resolve(role === 'root' ? ROOT_PASS : REPO_PASS) };

/** Collects log lines (they must never contain a passphrase). */
function recordingLogger(lines: string[]): Logger {
  const log = (message: string) => void lines.push(message);
  return { debug: log, info: log, warn: log, error: log };
}

void describe('signing: TrustLens publishes trust data that notary and docker accept, and extends theirs', () => {
  let stack: Stack;
  let docker: TestDockerConfig;
  let cacheDir: TempDir;
  let tl: { publisher: TrustPublisher; close(): Promise<void> };
  let keys: StoreKeys;
  const logs: string[] = [];
  const guns = new Set<string>();
  const images = new Map<string, PushedManifest>();

  const gunOf = (repository: string) => `${stack.registry.host}/${repository}`;
  const inspect = async (refs: string[]): Promise<TrustInspectEntry> => {
    const result = await dockerTrustInspect(refs, { trustServerUrl: stack.notary.url, caPem: stack.notary.caPem });
    assert.equal(result.exitCode, 0, result.stderr);
    return result.entries[0]!;
  };
  const signedTags = (entry: TrustInspectEntry) => Object.fromEntries(entry.SignedTags.map((t) => [t.SignedTag, { digest: t.Digest, signers: [...t.Signers].sort() }]));
  const signerNames = (entry: TrustInspectEntry) => entry.Signers.map((s) => s.Name).sort();
  const push = async (repository: string, tag: string, index = false) => {
    const image = index ? await pushIndex(stack.registry, repository, tag) : await pushImage(stack.registry, repository, tag);
    images.set(`${repository}:${tag}`, image);
    return image;
  };

  before(async () => {
    stack = await startStack();
    docker = await makeDockerConfig([{ host: new URL(stack.notary.url).host, caPem: stack.notary.caPem }]);
    cacheDir = await makeTempDir('signing-cache');
    keys = new StoreKeys(new FileKeyStore(join(docker.path, 'trust')), passphrases, systemClock);
    // The publisher's own key store over $DOCKER_CONFIG/trust; `keys` reads the same files.
    tl = createTrustPublisher({
      dockerConfigDir: docker.path,
      store: new FileMetadataStore(cacheDir.path),
      passphrases,
      env: {},
      trustServers: { [stack.registry.host]: stack.notary.url },
      clock: systemClock,
      logger: recordingLogger(logs),
      userAgent: 'trustlens-test',
      plainHttpForLoopbackRegistries: true,
    });
  });
  after(async () => {
    await tl?.close();
    await Promise.all([stack?.stop(), docker?.remove(), cacheDir?.remove()]);
  });

  void it('creates a repository and signs tag1 (manifest) and multi (index) as alice; a fresh notary client and docker agree', async () => {
    const gun = gunOf('signing/trustlens-made');
    guns.add(gun);
    const tag1 = await push('signing/trustlens-made', 'tag1');
    const multi = await push('signing/trustlens-made', 'multi', true);
    const signed = await tl.publisher.signTag(`${gun}:tag1`, { signer: 'alice' });
    assert.deepEqual([signed.initialized, signed.digest, signed.size, signed.isIndex], [true, tag1.digest, tag1.size, false]);
    assert.deepEqual(signed.signedRoles, ['targets/releases', 'targets/alice']);
    const signedIndex = await tl.publisher.signTag(`${gun}:multi`, { signer: 'alice' });
    assert.deepEqual([signedIndex.initialized, signedIndex.digest, signedIndex.isIndex], [false, multi.digest, true]);

    // A notary client with an empty trust dir validates everything from the root (TOFU) on.
    const fresh = await stack.newNotaryCli();
    // notary lists each tag under the first role of its walk: docker declares targets/<signer> first.
    assert.deepEqual((await fresh.list(gun)).map((t) => [t.name, t.role]).sort(), [['multi', 'targets/alice'], ['tag1', 'targets/alice']]);
    const released = await fresh.list(gun, ['targets/releases']);
    assert.deepEqual(released.map((t) => [t.name, `sha256:${t.digest}`, t.size, t.role]).sort(), [
      ['multi', multi.digest, multi.size, 'targets/releases'],
      ['tag1', tag1.digest, tag1.size, 'targets/releases'],
    ]);

    // Signing as a signer without a key created an Ed25519 key, which notary and docker verify.
    const alice = await keys.signerKey('alice', { create: false });
    assert.equal(alice?.publicKey.keytype, 'ed25519');
    const entry = await inspect([gun]);
    assert.deepEqual(signedTags(entry), { multi: { digest: hexOf(multi.digest), signers: ['alice'] }, tag1: { digest: hexOf(tag1.digest), signers: ['alice'] } });
    assert.deepEqual(entry.Signers, [{ Name: 'alice', Keys: [{ ID: alice!.keyId }] }]);
    const root = JSON.parse((await getTrustPath(stack.notary, gun, 'root.json')).body.toString()) as { signed: { roles: Record<string, { keyids: string[] }> } };
    assert.deepEqual(entry.AdministrativeKeys, [
      { Name: 'Root', Keys: [{ ID: root.signed.roles.root!.keyids[0] }] },
      { Name: 'Repository', Keys: [{ ID: root.signed.roles.targets!.keyids[0] }] },
    ]);
  });

  void it('docker trust and notary sign into the repository TrustLens made; TrustLens verifies their tags as signed', async () => {
    const gun = gunOf('signing/trustlens-made');
    // bob signs with docker: his key comes from `docker trust key generate` in his own DOCKER_CONFIG.
    const bobDocker = await makeDockerConfig([{ host: new URL(stack.notary.url).host, caPem: stack.notary.caPem }]);
    try {
      await dockerTrust(['key', 'generate', 'bob', '--dir', bobDocker.path], bobDocker.path, stack.notary.url);
      await tl.publisher.addSigner('bob', gun, await readFile(join(bobDocker.path, 'bob.pub')));
      const signed = await dockerTrust(['sign', `${gun}:tag1`], bobDocker.path, stack.notary.url);
      assert.match(signed.stdout, /Successfully signed/);
    } finally {
      await bobDocker.remove();
    }
    // carol signs with the notary CLI, with a key of her own.
    const carol = await createSigner(stack, 'carol');
    await tl.publisher.addSigner('carol', gun, await readFile(carol.publicKeyPath));
    const tag2 = await push('signing/trustlens-made', 'tag2');
    await signAs(carol, gun, 'tag2', tag2);

    const harness = await createTrustHarness({ dockerConfigDir: docker.path });
    try {
      const refs = [`${gun}:tag1`, `${gun}:tag2`];
      const results = await harness.check(scanDocuments([{ file: 'Dockerfile', kind: 'dockerfile', text: dockerfileFrom(refs) }]), policyFrom({ [stack.registry.host]: stack.notary.url }));
      const tag1 = images.get('signing/trustlens-made:tag1')!;
      assert.deepEqual(pick(resultFor(results, refs[0]!)), { status: 'signed', signedDigest: tag1.digest, role: 'targets/releases', signers: ['alice', 'bob'] });
      assert.deepEqual(pick(resultFor(results, refs[1]!)), { status: 'signed', signedDigest: tag2.digest, role: 'targets/releases', signers: ['carol'] });
    } finally {
      await harness.close();
    }
    const entry = await inspect([gun]);
    assert.deepEqual(signedTags(entry).tag1?.signers, ['alice', 'bob']);
    assert.deepEqual(signedTags(entry).tag2, { digest: hexOf(tag2.digest), signers: ['carol'] });
    assert.deepEqual(signerNames(entry), ['alice', 'bob', 'carol']);
  });

  void it('signs into repositories the notary CLI made: as a delegated signer, and as owner holding notary\'s own snapshot key', async () => {
    // Docker style, server-managed snapshot: the owner delegates to a key TrustLens generated.
    const releases = await buildReleases(stack, { repository: 'signing/notary-made' });
    guns.add(releases.gun);
    // notary's delegation add reads only ECDSA and RSA public keys, so dave's key is ECDSA (key generate --algorithm ecdsa).
    const dave = await generateSignerKey(new FileKeyStore(join(docker.path, 'trust')), 'dave', stack.cli.workDir, passphrases, 'ecdsa');
    await stack.cli.delegationAdd(releases.gun, 'targets/releases', dave.publicKeyPath);
    await stack.cli.delegationAdd(releases.gun, 'targets/dave', dave.publicKeyPath);
    await stack.cli.publish(releases.gun);
    const v2 = await push(releases.repository, 'v2');
    const signed = await tl.publisher.signTag(`${releases.gun}:v2`, { signer: 'dave' });
    assert.deepEqual([signed.initialized, signed.signedRoles], [false, ['targets/releases', 'targets/dave']]);
    const listed = await stack.cli.list(releases.gun);
    assert.deepEqual(listed.map((t) => [t.name, t.digest, t.role]).sort(), [
      ['v1', hexOf(releases.images.v1!.digest), 'targets/releases'],
      ['v2', hexOf(v2.digest), 'targets/releases'],
    ]);
    const entry = await inspect([releases.gun]);
    assert.deepEqual(signedTags(entry), {
      v1: { digest: hexOf(releases.images.v1!.digest), signers: ['alice'] },
      v2: { digest: hexOf(v2.digest), signers: ['dave'] },
    });

    // `notary init` style: the client holds targets and snapshot keys; TrustLens opens notary's key files.
    const owned = await buildTargetsOnly(stack, { repository: 'signing/notary-owned' });
    guns.add(owned.gun);
    const notaryKeys = new StoreKeys(new FileKeyStore(stack.cli.trustDir), notaryCliPassphrases, systemClock);
    const ownerHttp = new UndiciHttpClient({ dockerConfigDir: docker.path });
    const asOwner = new TrustPublisher({
      httpFor: () => ownerHttp,
      store: new FileMetadataStore(join(cacheDir.path, 'owner')),
      keys: notaryKeys,
      trustServerFor: () => stack.notary.url,
      clock: systemClock,
      logger: recordingLogger(logs),
    });
    const v3 = await push(owned.repository, 'v3');
    const ownerSigned = await asOwner.signTag(`${owned.gun}:v3`, { target: v3 }).finally(() => ownerHttp.close());
    assert.deepEqual(ownerSigned.signedRoles, ['targets']);
    assert.deepEqual(ownerSigned.uploaded, ['targets', 'snapshot']);
    assert.deepEqual((await stack.cli.list(owned.gun)).map((t) => [t.name, t.role]).sort(), [['multi', 'targets'], ['v1', 'targets'], ['v3', 'targets']]);
    assert.deepEqual(Object.keys(signedTags(await inspect([owned.gun]))).sort(), ['multi', 'v1', 'v3']);
  });

  void it('every file the server serves for these repositories is in notary\'s exact byte shape', async () => {
    for (const gun of guns) {
      const snapshot = JSON.parse((await getTrustPath(stack.notary, gun, 'snapshot.json')).body.toString()) as {
        signed: { meta: Record<string, { hashes: { sha256: string } }> };
      };
      for (const role of ['timestamp', 'snapshot', ...Object.keys(snapshot.signed.meta)]) {
        const response = await getTrustPath(stack.notary, gun, `${role}.json`);
        assert.equal(response.status, 200, `${gun} ${role}`);
        const bytes = new Uint8Array(response.body);
        assert.equal(Buffer.from(reserialize(role, bytes)).toString('utf8'), response.body.toString('utf8'), `${gun} ${role}`);
        // The server hashed its own re-serialisation of what was uploaded: it must be these bytes.
        const meta = snapshot.signed.meta[role];
        if (meta) assert.equal(createHash('sha256').update(bytes).digest('base64'), meta.hashes.sha256, `${gun} ${role} snapshot hash`);
      }
    }
    assert.ok(!logs.some((l) => l.includes(REPO_PASS) || l.includes(ROOT_PASS)), 'no passphrase in the logs');
  });
});

/** The check result fields these tests compare. */
function pick(r: { status: string; signedDigest: string | null; role: string | null; signers: string[] }) {
  return { status: r.status, signedDigest: r.signedDigest, role: r.role, signers: [...r.signers].sort() };
}

/** Passphrases of the stack's notary CLI clients (`NotaryCli` defaults), by role. */
const notaryCliPassphrases: PassphraseProvider = {
  get: ({ role }) => Promise.resolve(({ root: 'trustlens-test-root', targets: 'trustlens-test-targets', snapshot: 'trustlens-test-snapshot' } as Record<string, string>)[role] ?? 'trustlens-test-delegation'),
};
