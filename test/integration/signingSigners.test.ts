/**
 * Maintaining trust data on the real stack: TrustLens adds and removes signers and revokes tags with
 * `docker trust inspect` agreeing after each step, and keeps every signature when other publishers
 * (a second TrustLens, or the notary CLI) publish between its read and its upload.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileKeyStore } from '../../src/core/trust/dct/keys/fileKeyStore';
import { signerPublicKeyPem } from '../../src/core/trust/dct/signing/generateSignerKey';
import type { HttpClient } from '../../src/core/net/http';
import { UndiciHttpClient } from '../../src/core/net/undiciHttpClient';
import { systemClock, type Logger } from '../../src/core/ports';
import type { PassphraseProvider } from '../../src/core/trust/dct/keys/signingKey';
import { StoreKeys } from '../../src/core/trust/dct/signing/storeKeys';
import { TrustPublisher } from '../../src/core/trust/dct/signing/trustPublisher';
import { FileMetadataStore } from '../../src/core/trust/dct/metadataStore';
import { dockerTrustInspect, type TrustInspectEntry } from '../helpers/stack/dockerCli';
import { getTrustPath } from '../helpers/stack/notaryHttp';
import { pushImage, type PushedManifest } from '../helpers/stack/push';
import { createSigner, signAs } from '../helpers/stack/signers';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';

const passphrases: PassphraseProvider = { get: ({ role }) => Promise.resolve(role === 'root' ? 'signers-test-root' : 'signers-test-repository') };

void describe('signing: signers, revocation and concurrent publishers on the real stack', () => {
  let stack: Stack;
  let docker: TestDockerConfig;
  let work: TempDir;
  let keys: StoreKeys;
  let tl: TrustPublisher;
  const clients: UndiciHttpClient[] = [];
  const logs: string[] = [];
  const logger: Logger = { debug: (m) => void logs.push(m), info: (m) => void logs.push(m), warn: (m) => void logs.push(m), error: (m) => void logs.push(m) };

  const gunOf = (repository: string) => `${stack.registry.host}/${repository}`;
  const inspect = async (gun: string): Promise<TrustInspectEntry> => {
    const result = await dockerTrustInspect([gun], { trustServerUrl: stack.notary.url, caPem: stack.notary.caPem });
    assert.equal(result.exitCode, 0, result.stderr);
    return result.entries[0]!;
  };
  const signedTags = (entry: TrustInspectEntry) => Object.fromEntries(entry.SignedTags.map((t) => [t.SignedTag, [...t.Signers].sort()]));
  const signerNames = (entry: TrustInspectEntry) => entry.Signers.map((s) => s.Name).sort();

  /** A TrustLens publisher over `http` (default: a plain client trusting the stack's CA). */
  const publisher = (trustKeys: StoreKeys, cache: string, http?: HttpClient): TrustPublisher => {
    const undici = new UndiciHttpClient({ dockerConfigDir: docker.path });
    clients.push(undici);
    return new TrustPublisher({
      httpFor: () => http ?? undici,
      store: new FileMetadataStore(join(work.path, cache)),
      keys: trustKeys,
      trustServerFor: () => stack.notary.url,
      clock: systemClock,
      logger,
    });
  };
  const target = (image: PushedManifest) => ({ digest: image.digest, size: image.size });

  before(async () => {
    stack = await startStack();
    docker = await makeDockerConfig([{ host: new URL(stack.notary.url).host, caPem: stack.notary.caPem }]);
    work = await makeTempDir('signing-signers');
    keys = new StoreKeys(new FileKeyStore(join(docker.path, 'trust')), passphrases, systemClock);
    tl = publisher(keys, 'owner');
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all([stack?.stop(), docker?.remove(), work?.remove()]);
  });

  void it('signer add → remove → revoke → remove the last releases signer: docker trust inspect agrees after each step', async () => {
    const repository = 'signing/signers';
    const gun = gunOf(repository);
    const tag1 = await pushImage(stack.registry, repository, 'tag1');
    const tag2 = await pushImage(stack.registry, repository, 'tag2');
    await tl.signTag(`${gun}:tag1`, { signer: 'alice', target: target(tag1) });
    const carol = await createSigner(stack, 'carol');
    await tl.addSigner('carol', gun, await readFile(carol.publicKeyPath));
    await signAs(carol, gun, 'tag2', tag2);
    assert.deepEqual(signedTags(await inspect(gun)), { tag1: ['alice'], tag2: ['carol'] });

    const erin = await keys.signerKey('erin', { create: true });
    await tl.addSigner('erin', gun, signerPublicKeyPem(erin!.publicKey.keytype, erin!.publicKey.public, 'erin'));
    let entry = await inspect(gun);
    assert.deepEqual(signerNames(entry), ['alice', 'carol', 'erin']);
    assert.deepEqual(entry.Signers.find((s) => s.Name === 'erin')?.Keys, [{ ID: erin!.keyId }]);

    const removed = await tl.removeSigner('erin', gun);
    assert.deepEqual([removed.removed, removed.releasesBelowThreshold], [true, false]);
    assert.deepEqual(signerNames(await inspect(gun)), ['alice', 'carol']);

    // TrustLens holds alice's key, which targets/releases lists: it can take tag2 out of releases.
    const revoked = await tl.revokeTag(`${gun}:tag2`);
    assert.deepEqual(revoked.revokedRoles, ['targets/releases']);
    assert.deepEqual(signedTags(await inspect(gun)), { tag1: ['alice'] });

    // alice signed the latest targets/releases: without her key it would miss its threshold.
    const refused = await tl.removeSigner('alice', gun);
    assert.deepEqual([refused.removed, refused.releasesBelowThreshold, refused.uploaded], [false, true, []]);
    assert.deepEqual(signerNames(await inspect(gun)), ['alice', 'carol']);
    const forced = await tl.removeSigner('alice', gun, { force: true });
    assert.deepEqual([forced.removed, forced.releasesBelowThreshold], [true, true]);
    entry = await inspect(gun);
    assert.deepEqual(signerNames(entry), ['carol']);
    // targets/releases no longer verifies, so docker lists no released tag, as it warned.
    assert.deepEqual(entry.SignedTags, []);
    // notary-server never drops snapshot entries: the deleted targets/alice is still listed there.
    const snapshot = JSON.parse((await getTrustPath(stack.notary, gun, 'snapshot.json')).body.toString()) as { signed: { meta: Record<string, unknown> } };
    assert.ok(Object.hasOwn(snapshot.signed.meta, 'targets/alice'));
    assert.ok(!forced.state.data.delegations.some((d) => d.name === 'targets/alice'), 'TrustLens ignores the stale entry');
  });

  void it('concurrent publishers keep every signature: TrustLens racing TrustLens, and TrustLens racing notary', async () => {
    const repository = 'signing/race';
    const gun = gunOf(repository);
    const images = Object.fromEntries(await Promise.all(['t1', 't2', 't3', 't4'].map(async (t) => [t, await pushImage(stack.registry, repository, t)] as const)));
    await tl.signTag(`${gun}:t1`, { signer: 'alice', target: target(images.t1!) });
    // frank: a second TrustLens with keys and cache of its own; carol: the notary CLI.
    const frankKeys = new StoreKeys(new FileKeyStore(join(work.path, 'frank-trust')), passphrases, systemClock);
    const frank = publisher(frankKeys, 'frank');
    const frankKey = await frankKeys.signerKey('frank', { create: true });
    await tl.addSigner('frank', gun, signerPublicKeyPem(frankKey!.publicKey.keytype, frankKey!.publicKey.public, 'frank'));
    const carol = await createSigner(stack, 'carol');
    await tl.addSigner('carol', gun, await readFile(carol.publicKeyPath));

    // alice's first upload is held back until a rival has published: first frank, then carol.
    const rivals = [
      () => frank.signTag(`${gun}:t2`, { signer: 'frank', target: target(images.t2!) }).then(() => undefined),
      () => signAs(carol, gun, 't3', images.t3!),
    ];
    for (const rival of rivals) {
      const alice = publisher(keys, 'racing', heldBack(new UndiciHttpClient({ dockerConfigDir: docker.path }), rival, clients));
      const result = await alice.signTag(`${gun}:t4`, { signer: 'alice', target: target(images.t4!) });
      assert.equal(result.attempts, 2, 'the first upload met a version conflict on the real server');
    }
    assert.equal(logs.filter((l) => /changed on the server meanwhile \(A newer version of metadata is already available\.\)/.test(l)).length, 2);
    const released = await (await stack.newNotaryCli()).list(gun, ['targets/releases']);
    assert.deepEqual(released.map((t) => t.name).sort(), ['t1', 't2', 't3', 't4']);
    assert.deepEqual(signedTags(await inspect(gun)), { t1: ['alice'], t2: ['frank'], t3: ['carol'], t4: ['alice'] });
  });
});

/** An HTTP client whose first POST waits until `rival()` has finished. */
function heldBack(http: UndiciHttpClient, rival: () => Promise<void>, clients: UndiciHttpClient[]): HttpClient {
  clients.push(http);
  let raced = false;
  return {
    request: (m, u, o) => http.request(m, u, o),
    get: (u, o) => http.get(u, o),
    head: (u, o) => http.head(u, o),
    put: (u, b, o) => http.put(u, b, o),
    async post(u, b, o) {
      if (!raced) {
        raced = true;
        await rival();
      }
      return http.post(u, b, o);
    },
  };
}
