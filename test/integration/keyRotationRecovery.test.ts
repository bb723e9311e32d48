/**
 * Recovering from a leaked repository key, end to end. The owner signs v1 and v2 with TrustLens (the
 * repository key, "key A"). Key A leaks: the attacker signs a tag `evil` with it and publishes it
 * through a tampering trust server (which, as in the other attack tests, holds server keys of its own,
 * so it can sign snapshots and timestamps as a compromised notary-server could). Clients trust `evil`.
 * The owner runs `trustlens key rotate REPOSITORY targets` against the real server. The attacker keeps
 * publishing `evil` with key A: it is now `invalid` for every client, fresh or pinned, while v1 and v2
 * stay `signed`, from the real server and from the tampering one when it serves the real files.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MemoryMetadataStore } from '../../src/core/trust/dct/metadataStore';
import { assertCaught, assertSigned, startAttackFixture, type AttackFixture } from '../helpers/attack/fixture';
import { editAndSign, fetchRepoFiles, parseFile, type RepoFiles } from '../helpers/attack/metadataFiles';
import { trustDirKeys } from '../helpers/attack/ownerKeys';
import { newServerKeys, rootWithServerKeys, serverSigned, type ServerKeys } from '../helpers/attack/serverKeys';
import { serveRepo } from '../helpers/attack/tampers';
import { pushImage, type PushedManifest } from '../helpers/stack/push';
import type { CommandResult } from '../helpers/stack/runCommand';
import type { TestKey } from '../helpers/tufRepo';
import { makeWriteCli, type WriteCli } from '../helpers/trust/writeCli';

const PASS = { root: 'recovery-root-passphrase', repository: 'recovery-repository-passphrase' };

void describe('compromise recovery: rotating the repository key makes what the leaked key signs invalid', () => {
  let f: AttackFixture;
  let owner: WriteCli;
  let gun: string;
  let v1: PushedManifest;
  let v2: PushedManifest;
  let evil: PushedManifest;
  let leakedKeyA: TestKey;
  let serverKeys: ServerKeys;
  /** A client that checked the repository before the rotation: it pinned root v1. */
  let pinnedBefore: MemoryMetadataStore;

  const ok = (run: CommandResult) => assert.equal(run.code, 0, `exit ${String(run.code)}\n${run.stdout}\n${run.stderr}`);
  /**
   * What the attacker publishes: the real repository with `evil` added to targets and signed with
   * key A, vouched for by the tampering server's snapshot and timestamp (its keys in the root, which
   * the test has the owner's real root key re-sign: the stand-in for a server holding the real ones).
   */
  const attackerView = async (real: RepoFiles): Promise<RepoFiles> => {
    const rootKey = await (await trustDirKeys(join(owner.docker.path, 'trust'), PASS)).root(real.root);
    const evilTargets = editAndSign(real.targets, [leakedKeyA], (signed) => {
      signed.targets.evil = { hashes: { sha256: Buffer.from(evil.digest.slice('sha256:'.length), 'hex').toString('base64') }, length: evil.size };
      signed.version += 1;
    });
    return serverSigned(real, rootWithServerKeys(real.root, rootKey, serverKeys), serverKeys, { vouchFor: { targets: evilTargets } });
  };
  /** The real repository as the tampering server serves it with its own keys (the control). */
  const honestFilesWithServerKeys = async (real: RepoFiles): Promise<RepoFiles> => {
    const rootKey = await (await trustDirKeys(join(owner.docker.path, 'trust'), PASS)).root(real.root);
    return serverSigned(real, rootWithServerKeys(real.root, rootKey, serverKeys), serverKeys);
  };

  before(async () => {
    f = await startAttackFixture();
    owner = await makeWriteCli(f.stack, 'recovery-owner');
    gun = `${f.stack.registry.host}/recovery/app`;
    v1 = await pushImage(f.stack.registry, 'recovery/app', 'v1');
    v2 = await pushImage(f.stack.registry, 'recovery/app', 'v2');
    evil = await pushImage(f.stack.registry, 'recovery/app', 'evil');
    ok(await owner.run(['sign', `${gun}:v1`], PASS));
    ok(await owner.run(['sign', `${gun}:v2`], PASS));
    serverKeys = newServerKeys();
    pinnedBefore = new MemoryMetadataStore();
    assertSigned(await f.trustLens.check(`${gun}:v1`, { store: pinnedBefore }), v1.digest);
  });
  after(async () => {
    await owner?.remove();
    await f?.stop();
  });

  void it('1. key A leaks: a tag the attacker signs with it and publishes through the tampering server is trusted', async () => {
    leakedKeyA = await (await trustDirKeys(join(owner.docker.path, 'trust'), PASS)).targets(gun);
    const real = await fetchRepoFiles(f.server.upstream, gun);
    assert.deepEqual(parseFile(real.root).signed.roles.targets.keyids, [leakedKeyA.id], 'key A is the repository key');
    f.tamper(serveRepo(gun, await attackerView(real)));
    assertSigned(await f.trustLens.check(`${gun}:evil`), evil.digest);
    assertSigned(await f.trustLens.check(`${gun}:evil`, { store: pinnedBefore }), evil.digest);
    assertSigned(await f.trustLens.check(`${gun}:v1`), v1.digest);
  });

  void it('2. after trustlens key rotate targets, the tag key A signs is invalid for every client, and the released tags are still signed', async () => {
    f.honest();
    const run = await owner.run(['key', 'rotate', gun, 'targets'], PASS);
    ok(run);
    const real = await fetchRepoFiles(f.server.upstream, gun);
    const root = parseFile(real.root).signed;
    assert.equal(root.version, 2);
    assert.notDeepEqual(root.roles.targets.keyids, [leakedKeyA.id], 'root v2 lists a new repository key');

    // The attacker keeps publishing with key A, now on top of root v2.
    f.tamper(serveRepo(gun, await attackerView(real)));
    const message = /valid signatures did not meet threshold for targets: 0 of 1/;
    assertCaught(await f.trustLens.check(`${gun}:evil`), 'invalid', message);
    assertCaught(await f.trustLens.check(`${gun}:evil`, { store: pinnedBefore }), 'invalid', message);
    const pinnedAfter = new MemoryMetadataStore();
    f.honest();
    assertSigned(await f.trustLens.check(`${gun}:v1`, { store: pinnedAfter }), v1.digest);
    // Or replays the view it served before the rotation: a client that saw root v2 refuses the older root.
    const before = await attackerViewOf(real, 1);
    f.tamper(serveRepo(gun, before));
    assertCaught(await f.trustLens.check(`${gun}:evil`, { store: pinnedAfter }), 'invalid', /root version 1 is lower than current version 2/);

    // Control: the same tampering server serving the real files is believed, and v1 and v2 are signed.
    f.tamper(serveRepo(gun, await honestFilesWithServerKeys(real)));
    assertSigned(await f.trustLens.check(`${gun}:v1`), v1.digest);
    assertSigned(await f.trustLens.check(`${gun}:v2`, { store: pinnedBefore }), v2.digest);

    // And from the real server: v1 and v2 signed, fresh or pinned; evil was never there.
    f.honest();
    for (const store of [undefined, pinnedBefore]) {
      assertSigned(await f.trustLens.check(`${gun}:v1`, store ? { store } : {}), v1.digest);
      assertSigned(await f.trustLens.check(`${gun}:v2`, store ? { store } : {}), v2.digest);
      assert.equal((await f.trustLens.check(`${gun}:evil`, store ? { store } : {})).result.status, 'unsigned');
    }
  });

  /** The attacker's view built on root version `version` of the repository (the pre-rotation one). */
  const attackerViewOf = async (real: RepoFiles, version: number): Promise<RepoFiles> => {
    const rootFiles = await f.server.upstream(gun, `${version}.root.json`);
    assert.equal(rootFiles.status, 200);
    const targetsBefore = editAndSign(real.targets, [leakedKeyA], (signed) => {
      signed.version -= 1;
    });
    return attackerView({ ...real, root: rootFiles.body, targets: targetsBefore });
  };
});
