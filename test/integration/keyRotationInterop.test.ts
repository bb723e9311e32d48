/**
 * Key rotation across tools on the real stack. `notary key rotate` of every role (targets, snapshot,
 * snapshot to the server, timestamp, root): TrustLens, with a cache that pinned the first root and with
 * an empty one, verifies the result and finds only the new key where the old one was. TrustLens rotating
 * a repository notary made (its snapshot key held by the client): targets and snapshot are re-signed
 * with the new keys in one upload, notary lists the repository and keeps publishing with TrustLens's new
 * keys, also after TrustLens rotates the snapshot and timestamp keys. And a rotation cancelled after
 * its new key was made publishes nothing and keeps no key.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nullLogger, systemClock } from '../../src/core/ports';
import { createTrustPublisher } from '../../src/core/trust/dct/signing/createPublisher';
import { MemoryMetadataStore } from '../../src/core/trust/dct/metadataStore';
import type { PassphraseProvider } from '../../src/core/trust/dct/keys/signingKey';
import type { TrustData } from '../../src/core/trust/dct/tuf/verifiedData';
import { dockerTrustInspect } from '../helpers/stack/dockerCli';
import { NotaryCli } from '../helpers/stack/notaryCli';
import { getTrustFile, getTrustPath } from '../helpers/stack/notaryHttp';
import { pushImage, type PushedManifest } from '../helpers/stack/push';
import { hexOf } from '../helpers/stack/signers';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';
import { dockerfileFrom, policyFrom, resultFor, scanDocuments } from '../helpers/trust/documents';
import { createTrustHarness, type TrustHarness } from '../helpers/trust/harness';

const ROOT_PASS = 'rotate-interop-root';
const REPO_PASS = 'rotate-interop-repository';
/** docker's passphrase variables as TrustLens reads them; notary's targets and snapshot keys share the repository one. */
const passphrases: PassphraseProvider = { get: ({ role }) => Promise.resolve(role === 'root' ? ROOT_PASS : REPO_PASS) };

void describe('key rotation across notary and TrustLens on the real stack', () => {
  let stack: Stack;
  let owner: NotaryCli;
  let docker: TestDockerConfig;
  let pinned: TrustHarness;
  const images = new Map<string, PushedManifest>();

  const gunOf = (repository: string) => `${stack.registry.host}/${repository}`;
  const policy = () => policyFrom({ [stack.registry.host]: stack.notary.url });
  /** TrustLens's verdict on `gun:tag` with `harness` (asking the server now). */
  const verdict = async (harness: TrustHarness, gun: string, tag: string) => {
    const text = `${gun}:${tag}`;
    const results = await harness.check(scanDocuments([{ file: 'Dockerfile', kind: 'dockerfile', text: dockerfileFrom([text]) }]), policy(), { force: true });
    const result = resultFor(results, text);
    return `${result.status} ${result.signedDigest ?? ''}`.trim();
  };
  /** What TrustLens verified for `gun`, asking the server now. */
  const verified = async (harness: TrustHarness, gun: string): Promise<TrustData> => {
    const outcome = await harness.backend.update({ server: stack.notary.url, gun, registry: stack.registry.host }, { force: true });
    assert.equal(outcome.kind, 'verified', JSON.stringify(outcome));
    return (outcome as { data: TrustData }).data;
  };
  const roleKeyIds = async (gun: string, role: string) => (await getTrustFile(stack.notary, gun, 'root')).signed.roles![role]!.keyids;
  const signatureIds = async (gun: string, role: string) => (await getTrustFile(stack.notary, gun, role)).signatures.map((s) => s.keyid);
  /** A TrustLens publisher on the owner notary client's trust dir (`<work dir>/trust`), which trusts the server's CA. */
  const ownerPublisher = (provider: PassphraseProvider) => createTrustPublisher({
    dockerConfigDir: owner.workDir, store: new MemoryMetadataStore(), passphrases: provider, env: {},
    trustServers: { [stack.registry.host]: stack.notary.url }, clock: systemClock, logger: nullLogger, userAgent: 'trustlens-test',
  });
  const push = async (repository: string, tag: string) => {
    const image = await pushImage(stack.registry, repository, tag);
    images.set(`${repository}:${tag}`, image);
    return image;
  };

  before(async () => {
    stack = await startStack();
    owner = await NotaryCli.create({ serverUrl: stack.notary.url, caPath: stack.notary.caPath, passphrases: { root: ROOT_PASS, targets: REPO_PASS, snapshot: REPO_PASS, delegation: REPO_PASS } });
    docker = await makeDockerConfig([{ host: stack.notary.host, caPem: stack.notary.caPem }]);
    pinned = await createTrustHarness({ dockerConfigDir: docker.path });
    await mkdir(join(owner.workDir, 'tls', stack.notary.host), { recursive: true });
    await writeFile(join(owner.workDir, 'tls', stack.notary.host, 'ca.crt'), stack.notary.caPem ?? '');
  });
  after(async () => {
    await pinned?.close();
    await docker?.remove();
    await owner?.dispose();
    await stack?.stop();
  });

  void it('after notary key rotate of each role, TrustLens verifies (pinned and fresh) and only the new key signs where the old one did', async () => {
    const gun = gunOf('interop/notary-rotates');
    const v1 = await push('interop/notary-rotates', 'v1');
    await owner.init(gun);
    await owner.addHash(gun, 'v1', v1.size, hexOf(v1.digest));
    await owner.publish(gun);
    assert.equal(await verdict(pinned, gun, 'v1'), `signed ${v1.digest}`, 'pins root v1');
    const steps: ReadonlyArray<{ role: 'targets' | 'snapshot' | 'timestamp' | 'root'; remote: boolean }> = [
      { role: 'targets', remote: false },
      { role: 'snapshot', remote: false },
      { role: 'snapshot', remote: true },
      { role: 'timestamp', remote: true },
      { role: 'root', remote: false },
    ];
    for (const { role, remote } of steps) {
      const label = `${role}${remote ? ' -r' : ''}`;
      const [oldId] = await roleKeyIds(gun, role);
      await owner.run(['key', 'rotate', gun, role, ...(remote ? ['-r'] : [])], { input: role === 'root' ? 'yes\n' : undefined });
      const [newId] = await roleKeyIds(gun, role);
      assert.ok(newId && newId !== oldId, `${label}: root lists a new key`);
      for (const harness of [pinned, await createTrustHarness({ dockerConfigDir: docker.path })]) {
        try {
          assert.equal(await verdict(harness, gun, 'v1'), `signed ${v1.digest}`, label);
          const data = await verified(harness, gun);
          const roleData = data[role];
          assert.deepEqual(roleData.keys.map((k) => k.id), [newId], `${label}: TrustLens sees the new key`);
          assert.ok(roleData.signedBy.includes(newId!), `${label}: the new key signed ${role}`);
          if (role !== 'root') assert.ok(!roleData.signedBy.includes(oldId!), `${label}: the old key's signature is gone`);
        } finally {
          if (harness !== pinned) await harness.close();
        }
      }
      const signatures = await signatureIds(gun, role);
      if (role === 'root') {
        assert.deepEqual([...signatures].sort(), [oldId, newId].sort(), 'the new root carries the old root key\'s signature for clients that pinned it');
      } else {
        assert.deepEqual(signatures, [newId], `${label}: the served ${role} is signed by the new key alone`);
      }
    }
  });

  void it('TrustLens rotates a repository notary made: root, targets and the client-held snapshot in one upload; notary keeps publishing with the new key', async () => {
    const gun = gunOf('interop/trustlens-rotates');
    const v1 = await push('interop/trustlens-rotates', 'v1');
    const v2 = await push('interop/trustlens-rotates', 'v2');
    await owner.init(gun);
    await owner.addHash(gun, 'v1', v1.size, hexOf(v1.digest));
    await owner.publish(gun);
    assert.equal(await verdict(pinned, gun, 'v1'), `signed ${v1.digest}`);
    const fresh = await stack.newNotaryCli();
    assert.equal((await fresh.list(gun)).length, 1, 'a notary client pins root v1');
    const [oldTargets] = await roleKeyIds(gun, 'targets');
    const [snapshotKey] = await roleKeyIds(gun, 'snapshot');

    // TrustLens with the owner's own trust dir (notary's key files are docker's).
    const tl = ownerPublisher(passphrases);
    try {
      const result = await tl.publisher.rotateKey(gun, 'targets');
      assert.deepEqual(result.uploaded, ['root', 'targets', 'snapshot']);
      assert.deepEqual(result.removedKeyIds, [oldTargets]);
      assert.deepEqual(await signatureIds(gun, 'targets'), [result.newKeyId]);
      assert.deepEqual(await signatureIds(gun, 'snapshot'), [snapshotKey], 'the snapshot, re-signed by the client-held snapshot key');
    } finally {
      await tl.close();
    }
    assert.equal(await verdict(pinned, gun, 'v1'), `signed ${v1.digest}`);
    assert.deepEqual((await fresh.list(gun)).map((t) => t.name), ['v1'], 'the notary client that pinned root v1 follows');
    // The owner's notary client signs v2 with the targets key TrustLens made (and the old one is gone).
    await owner.addHash(gun, 'v2', v2.size, hexOf(v2.digest));
    await owner.publish(gun);
    assert.deepEqual((await (await stack.newNotaryCli()).list(gun)).map((t) => t.name).sort(), ['v1', 'v2']);
    assert.equal(await verdict(pinned, gun, 'v2'), `signed ${v2.digest}`);
    const inspected = await dockerTrustInspect([gun], { trustServerUrl: stack.notary.url, caPem: stack.notary.caPem });
    assert.deepEqual(inspected.entries[0]?.AdministrativeKeys.find((k) => k.Name === 'Repository')?.Keys, [{ ID: (await roleKeyIds(gun, 'targets'))[0] }]);

    // Then a new client-held snapshot key, and a new timestamp key on the server: notary follows both.
    const again = ownerPublisher(passphrases);
    try {
      const snapshot = await again.publisher.rotateKey(gun, 'snapshot');
      assert.deepEqual(snapshot.uploaded, ['root', 'snapshot']);
      assert.deepEqual(snapshot.removedKeyIds, [snapshotKey]);
      assert.deepEqual(await signatureIds(gun, 'snapshot'), [snapshot.newKeyId]);
      const timestamp = await again.publisher.rotateKey(gun, 'timestamp', { serverManaged: true });
      assert.deepEqual(timestamp.uploaded, ['root', 'snapshot'], 'the snapshot held here vouches for the new root, as notary re-signs it');
      assert.deepEqual(await signatureIds(gun, 'timestamp'), [(await roleKeyIds(gun, 'timestamp'))[0]]);
      assert.notDeepEqual(timestamp.replacedKeyIds, await roleKeyIds(gun, 'timestamp'));
    } finally {
      await again.close();
    }
    assert.deepEqual((await fresh.list(gun)).map((t) => t.name).sort(), ['v1', 'v2'], 'the pinned notary client follows');
    await owner.remove(gun, 'v2');
    await owner.publish(gun);
    assert.deepEqual((await (await stack.newNotaryCli()).list(gun)).map((t) => t.name), ['v1'], 'notary signs with TrustLens\'s snapshot key');
    assert.equal(await verdict(pinned, gun, 'v1'), `signed ${v1.digest}`);
    assert.equal((await dockerTrustInspect([gun], { trustServerUrl: stack.notary.url, caPem: stack.notary.caPem })).exitCode, 0);
  });

  void it('a rotation cancelled after its new key was made publishes nothing and deletes that key', async () => {
    const gun = gunOf('interop/trustlens-rotates');
    const files = async () => Promise.all(['root.json', 'timestamp.json', 'targets.json'].map(async (f) => (await getTrustPath(stack.notary, gun, f)).body.toString('base64')));
    const keyFiles = async () => (await readdir(join(owner.trustDir, 'private'))).sort();
    const before = await files();
    const keysBefore = await keyFiles();
    const cancel = new AbortController();
    let made = false;
    const cancelling: PassphraseProvider = {
      get: async (request) => {
        // The user cancels once the new key has its passphrase (it is then written to the trust dir).
        if (request.purpose === 'create') {
          made = true;
          cancel.abort();
        }
        return passphrases.get(request);
      },
    };
    const tl = ownerPublisher(cancelling);
    try {
      await assert.rejects(tl.publisher.rotateKey(gun, 'targets', { signal: cancel.signal }));
    } finally {
      await tl.close();
    }
    assert.ok(made, 'the rotation got as far as making its new key');
    assert.deepEqual(await files(), before, 'the server serves the same bytes');
    assert.deepEqual(await keyFiles(), keysBefore, 'the new key was deleted');
    assert.equal(await verdict(pinned, gun, 'v1'), `signed ${images.get('interop/trustlens-rotates:v1')!.digest}`);
  });
});

