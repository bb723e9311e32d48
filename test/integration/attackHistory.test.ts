/**
 * Attack matrix, history: rollback (after TrustLens cached newer versions), hash mismatch, and
 * mix-and-match of real files from other versions and other repositories. The repositories are
 * re-published with the real notary CLI so that real older versions exist.
 */
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { FileMetadataStore } from '../../src/core/trust/dct/metadataStore';
import { offsetClock, systemClock } from '../../src/core/ports';
import { buildReleases, buildTargetsOnly, type Scenario } from '../helpers/stack/scenarios';
import { pushImage } from '../helpers/stack/push';
import { hexOf, signAs } from '../helpers/stack/signers';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { assertCaught, assertSigned, startAttackFixture, type AttackFixture } from '../helpers/attack/fixture';
import {
  consistentPath, editAndSign, fetchRepoFiles, fileMeta, flipSignatureByte, parseFile, replaceOnce, type RepoFiles,
} from '../helpers/attack/metadataFiles';
import { publishFiles } from '../helpers/attack/notaryUpload';
import { ownerRoleKey, ownerRootKey } from '../helpers/attack/ownerKeys';
import { newServerKeys, rootWithServerKeys, serverSigned, type ServerKeys } from '../helpers/attack/serverKeys';
import { editFile, firstOf, serveRepo } from '../helpers/attack/tampers';
import type { Tamper } from '../helpers/attack/tamperServer';

const version = (bytes: Uint8Array): number => parseFile(bytes).signed.version as number;
/** Base64 of the sha256 a targets file records for `tag`. */
const targetHash = (targets: Uint8Array, tag: string): string => parseFile(targets).signed.targets[tag].hashes.sha256 as string;
/** Another base64 sha256 of the same length. */
const otherHash = (b64: string): string => createHash('sha256').update(b64).digest('base64');

/**
 * How a swapped file whose length or hash the signed metadata fixes is caught: shorter or equal, by its
 * length or its hash; longer, by the byte cap the declared length sets (notary's ErrMaliciousServer).
 */
function swappedFile(role: 'targets' | 'snapshot'): RegExp {
  return new RegExp(`${role} is \\d+ bytes, expected \\d+|sha256 checksum for ${role} did not match|/${role}(\\.[0-9a-f]{64})?\\.json (announced \\d+ bytes, more than the limit of \\d+|sent more than the limit of \\d+ bytes)`);
}

void describe('attacks on history: rollback, hash mismatch, mix-and-match', () => {
  let f: AttackFixture;
  let cacheDir: TempDir;
  let repo: Scenario;
  let other: Scenario;
  let ref: string;
  let digest: string;
  /** The repository before and after it was re-published. */
  let old: RepoFiles;
  let cur: RepoFiles;
  let otherFiles: RepoFiles;
  let serverKeys: ServerKeys;
  let keyed: RepoFiles;
  let stores = 0;

  before(async () => {
    f = await startAttackFixture();
    cacheDir = await makeTempDir('attack-cache');
    repo = await buildReleases(f.ownerStack, { repository: 'attack/history' });
    other = await buildTargetsOnly(f.ownerStack, { repository: 'attack/other' });
    ref = `${repo.gun}:v1`;
    digest = repo.images.v1!.digest;
    old = await fetchRepoFiles(f.server.upstream, repo.gun);
    // Publish again: the owner adds v2 to targets, then alice releases it (new targets, releases,
    // targets/alice, and two new server snapshots and timestamps).
    const v2 = await pushImage(f.stack.registry, repo.repository, 'v2');
    await f.owner.addHash(repo.gun, 'v2', v2.size, hexOf(v2.digest));
    await f.owner.publish(repo.gun);
    await signAs(repo.signers[0]!, repo.gun, 'v2', v2);
    cur = await fetchRepoFiles(f.server.upstream, repo.gun);
    otherFiles = await fetchRepoFiles(f.server.upstream, other.gun);
    for (const role of ['timestamp', 'snapshot', 'targets'] as const) assert.ok(version(cur[role]) > version(old[role]), `${role} was not re-published`);
    assert.ok(version(cur.delegations.get('targets/releases')!) > version(old.delegations.get('targets/releases')!));
    serverKeys = newServerKeys();
    keyed = serverSigned(cur, rootWithServerKeys(cur.root, await ownerRootKey(f.owner, cur.root), serverKeys), serverKeys);
  });
  after(async () => {
    await f?.stop();
    await cacheDir?.remove();
  });
  beforeEach(() => f.honest());

  /** A fresh on-disk cache that already verified the repository as `honest` serves it. */
  const cacheThatSawNewest = async (honest?: Tamper) => {
    const store = new FileMetadataStore(`${cacheDir.path}/${++stores}`);
    if (honest) f.tamper(honest);
    assertSigned(await f.trustLens.check(ref, { store }), digest);
    return store;
  };
  const checkWith = async (store: FileMetadataStore, tamper: Tamper, tampered: RegExp) => {
    f.tamper(tamper);
    const verdict = await f.trustLens.check(ref, { store });
    assert.ok(f.server.served.some((s) => s.how !== 'proxied' && tampered.test(s.file)), `no tampered ${tampered} was served`);
    return verdict;
  };
  const serveKeyed = (files: RepoFiles) => serveRepo(repo.gun, files);

  void describe('3. rollback after TrustLens cached newer versions', () => {
    void it('timestamp: the real older timestamp.json', async () => {
      const store = await cacheThatSawNewest();
      const verdict = await checkWith(store, editFile(repo.gun, 'timestamp', () => old.timestamp), /^timestamp\.json$/);
      assertCaught(verdict, 'invalid', new RegExp(`timestamp version ${version(old.timestamp)} is lower than current version ${version(cur.timestamp)}`));
    });

    void it('snapshot, real: the older timestamp and snapshot together are caught at the timestamp', async () => {
      const store = await cacheThatSawNewest();
      const verdict = await checkWith(store, serveRepo(repo.gun, { ...old, root: cur.root }), /^timestamp\.json$/);
      assertCaught(verdict, 'invalid', /timestamp version \d+ is lower than current version/);
    });

    void it('snapshot: the hostile server re-signs the older snapshot under a fresh timestamp', async () => {
      const store = await cacheThatSawNewest(serveKeyed(keyed));
      const rolledBack = serverSigned(cur, keyed.root, serverKeys, { snapshotBase: old.snapshot, timestampVersion: version(cur.timestamp) + 1 });
      const verdict = await checkWith(store, serveKeyed(rolledBack), /^snapshot\./);
      assertCaught(verdict, 'invalid', new RegExp(`snapshot version ${version(old.snapshot)} is lower than current version ${version(cur.snapshot)}`));
    });

    void it('targets: the hostile server vouches for the real older targets (the owner\'s genuine signature)', async () => {
      const store = await cacheThatSawNewest(serveKeyed(keyed));
      const rolledBack = serverSigned(cur, keyed.root, serverKeys, {
        vouchFor: { targets: old.targets }, snapshotVersion: version(cur.snapshot) + 1, timestampVersion: version(cur.timestamp) + 1,
      });
      const verdict = await checkWith(store, serveKeyed(rolledBack), /^targets\./);
      assertCaught(verdict, 'invalid', new RegExp(`targets version ${version(old.targets)} is lower than current version ${version(cur.targets)}`));
    });

    void it('targets/releases: the hostile server vouches for alice\'s real older release file', async () => {
      const store = await cacheThatSawNewest(serveKeyed(keyed));
      const rolledBack = serverSigned(cur, keyed.root, serverKeys, {
        vouchFor: { 'targets/releases': old.delegations.get('targets/releases')! },
        snapshotVersion: version(cur.snapshot) + 1, timestampVersion: version(cur.timestamp) + 1,
      });
      const verdict = await checkWith(store, serveKeyed(rolledBack), /^targets\/releases\./);
      assertCaught(verdict, 'invalid', /targets\/releases version \d+ is lower than current version \d+/);
    });

    void it('targets, all real: the owner\'s snapshot key publishes a snapshot naming the older targets, and notary-server serves it', async () => {
      const victim = await buildTargetsOnly(f.ownerStack, { repository: 'attack/owner-snapshot' });
      const before = await fetchRepoFiles(f.server.upstream, victim.gun);
      const v2 = await pushImage(f.stack.registry, victim.repository, 'v2');
      await f.owner.addHash(victim.gun, 'v2', v2.size, hexOf(v2.digest));
      await f.owner.publish(victim.gun);
      const store = new FileMetadataStore(`${cacheDir.path}/${++stores}`);
      const victimRef = `${victim.gun}:v1`;
      assertSigned(await f.trustLens.check(victimRef, { store }), victim.images.v1!.digest);
      const now = await fetchRepoFiles(f.server.upstream, victim.gun);
      const snapshotKey = await ownerRoleKey(f.owner, victim.gun, 'snapshot');
      const snapshot = editAndSign(now.snapshot, [snapshotKey], (s) => {
        s.meta.targets = fileMeta(before.targets);
        s.version += 1;
      });
      await publishFiles(f.stack.notary, victim.gun, { snapshot });
      // The real server now points at the older targets through its own fresh timestamp.
      const served = await fetchRepoFiles(f.server.upstream, victim.gun);
      assert.deepEqual(served.targets, before.targets);
      assert.ok(version(served.timestamp) > version(now.timestamp));
      const verdict = await f.trustLens.check(victimRef, { store });
      assertCaught(verdict, 'invalid', new RegExp(`targets version ${version(before.targets)} is lower than current version ${version(now.targets)}`));
    });
  });

  void describe('rollback of the root, and freeze', () => {
    void it('root: a bad timestamp forces a root refresh, and the real older root version 1 is served', async () => {
      const store = await cacheThatSawNewest();
      const rootV1 = (await f.server.upstream(repo.gun, '1.root.json')).body;
      assert.equal(version(rootV1), 1);
      const tamper = firstOf(editFile(repo.gun, 'timestamp', (b) => flipSignatureByte(b)), editFile(repo.gun, 'root', () => rootV1));
      const verdict = await checkWith(store, tamper, /^root\.json$/);
      assertCaught(verdict, 'invalid', new RegExp(`root version 1 is lower than current version ${version(cur.root)}`));
    });

    void it('freeze: the hostile server signs a timestamp that has already expired', async () => {
      const store = await cacheThatSawNewest(serveKeyed(keyed));
      const stale = editAndSign(keyed.timestamp, [serverKeys.timestamp], (s) => {
        s.expires = `${new Date(Date.now() - 86_400_000).toISOString().slice(0, 19)}Z`;
        s.version += 1;
      });
      const verdict = await checkWith(store, serveKeyed({ ...keyed, timestamp: stale }), /^timestamp\.json$/);
      assertCaught(verdict, 'expired', /timestamp expired at/);
    });

    void it('freeze: the real timestamp, read by a client whose clock is 15 days on', async () => {
      const store = await cacheThatSawNewest();
      assertCaught(await f.trustLens.check(ref, { store, clock: offsetClock(systemClock, 15 * 86_400_000) }), 'expired', /timestamp expired at/);
    });
  });

  void describe('4. a hash mismatch (bytes altered, still well-formed, same length)', () => {
    void it('targets: the digest the owner signed for v2 is swapped for another', async () => {
      f.tamper(editFile(repo.gun, 'targets', (b) => replaceOnce(b, targetHash(b, 'v2'), otherHash(targetHash(b, 'v2')))));
      assertCaught(await f.trustLens.check(ref), 'invalid', /sha256 checksum for targets did not match/);
    });

    void it('targets/releases: the digest alice signed for v1 is swapped', async () => {
      f.tamper(editFile(repo.gun, 'targets/releases', (b) => replaceOnce(b, targetHash(b, 'v1'), otherHash(targetHash(b, 'v1')))));
      assertCaught(await f.trustLens.check(ref), 'invalid', /sha256 checksum for targets\/releases did not match/);
    });

    void it('snapshot: the targets hash inside it is changed', async () => {
      f.tamper(editFile(repo.gun, 'snapshot', (b) => {
        const hash = parseFile(b).signed.meta.targets.hashes.sha256 as string;
        return replaceOnce(b, hash, otherHash(hash));
      }));
      assertCaught(await f.trustLens.check(ref), 'invalid', /sha256 checksum for snapshot did not match/);
    });

    void it('snapshot: sha256 matches but the sha512 the timestamp also carries does not', async () => {
      const files = serverSigned(cur, keyed.root, serverKeys);
      const timestamp = editAndSign(files.timestamp, [serverKeys.timestamp], (s) => {
        s.meta.snapshot.hashes.sha512 = createHash('sha512').update('another snapshot').digest('base64');
      });
      f.tamper(serveKeyed({ ...files, timestamp }));
      assertCaught(await f.trustLens.check(ref), 'invalid', /sha512 checksum for snapshot did not match/);
    });
  });

  void describe('5. mix-and-match', () => {
    void it('the real older targets.json served with the current snapshot', async () => {
      f.tamper(editFile(repo.gun, 'targets', () => old.targets));
      assertCaught(await f.trustLens.check(ref), 'invalid', swappedFile('targets'));
    });

    void it('the real older snapshot served with the current timestamp', async () => {
      f.tamper(editFile(repo.gun, 'snapshot', () => old.snapshot));
      assertCaught(await f.trustLens.check(ref), 'invalid', swappedFile('snapshot'));
    });

    void it('the real snapshot of another repository served with this one\'s timestamp', async () => {
      f.tamper(editFile(repo.gun, 'snapshot', () => otherFiles.snapshot));
      assertCaught(await f.trustLens.check(ref), 'invalid', swappedFile('snapshot'));
    });

    void it('the real timestamp of another repository: signed by a key this root does not list', async () => {
      f.tamper(firstOf(
        editFile(repo.gun, 'timestamp', () => otherFiles.timestamp),
        editFile(repo.gun, 'snapshot', () => otherFiles.snapshot),
      ));
      assertCaught(await f.trustLens.check(ref), 'invalid', /threshold for timestamp: 0 of 1 \(.*unknown-key\)/);
    });

    void it('the hostile server vouches for the real snapshot of another repository: signed by that repository\'s key', async () => {
      const files = serverSigned(cur, keyed.root, serverKeys);
      const timestamp = editAndSign(files.timestamp, [serverKeys.timestamp], (s) => { s.meta.snapshot = fileMeta(otherFiles.snapshot); });
      const extra = new Map([[consistentPath('snapshot', otherFiles.snapshot), otherFiles.snapshot]]);
      f.tamper(serveRepo(repo.gun, { ...files, timestamp }, extra));
      assertCaught(await f.trustLens.check(ref), 'invalid', /threshold for snapshot: 0 of 1 \(.*unknown-key\)/);
    });
  });
});
