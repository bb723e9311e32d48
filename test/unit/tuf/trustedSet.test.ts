import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TrustedSet, type TrustedSetOptions } from '../../../src/core/trust/dct/tuf/trustedSet';
import { TufError, type TufErrorCode } from '../../../src/core/trust/dct/tuf/tufErrors';
import { ecdsaKey, ed25519Key, keyJson, rsaKey, sha256Hex, signedFile, type TestKey } from '../../helpers/tufRepo';
import { feedAll, TestRepo, type RepoFiles } from '../../helpers/tufRepoBuilder';
import { NOTARY03_FILES, NOTARY03_GUN, NOTARY03_VALID_AT } from '../../helpers/tufVectors';

const GUN = 'docker.io/library/alpine';
const NOW = new Date('2026-03-01T12:00:00Z');
const DAY = 24 * 3600_000;
const DIGEST = 'a'.repeat(64);
const clockAt = (ms: number) => ({ now: () => new Date(NOW.getTime() + ms) });

function newSet(repo: TestRepo, over: Partial<TrustedSetOptions> = {}): TrustedSet {
  return new TrustedSet({ gun: repo.gun, clock: clockAt(0), ...over });
}

function fails(fn: () => unknown, code: TufErrorCode, role?: string): TufError {
  let caught: unknown;
  assert.throws(fn, (e: unknown) => {
    caught = e;
    return TufError.isTuf(e, code) && (role === undefined || e.role === role);
  });
  return caught as TufError;
}

/** Loads root, timestamp and snapshot, so that `updateTargets` is next. */
function upToTargets(set: TrustedSet, files: RepoFiles): void {
  set.loadRoot(files.root);
  set.updateTimestamp(files.timestamp);
  set.updateSnapshot(files.snapshot);
}

void describe('TrustedSet: a complete update', () => {
  void it('loads a generated repository in notary order and exposes the verified data', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    repo.addTarget('targets', 'v1', DIGEST, 1357);
    const files = repo.build();
    const set = newSet(repo);
    const paths = feedAll(set, files);
    assert.deepEqual(paths, ['root.json', 'timestamp.json', `snapshot.${sha256Hex(files.snapshot)}.json`, `targets.${sha256Hex(files.targets)}.json`]);
    const data = set.result();
    assert.equal(data.gun, GUN);
    assert.deepEqual(data.root.keys, [{ id: repo.keys.root.id, keytype: 'ecdsa-x509', canonicalId: data.root.keys[0]?.canonicalId }]);
    assert.notEqual(data.root.keys[0]?.canonicalId, repo.keys.root.id);
    assert.deepEqual(data.root.signedBy, [repo.keys.root.id]);
    assert.deepEqual(data.targets.keys, [{ id: repo.keys.targets.id, keytype: 'ecdsa', canonicalId: repo.keys.targets.id }]);
    assert.deepEqual(data.timestamp.signedBy, [repo.keys.timestamp.id]);
    assert.equal(data.timestamp.expires, repo.timestamp.expires);
    assert.deepEqual({ ...data.targets.targets }, { v1: { sha256: DIGEST, length: 1357 } });
    assert.deepEqual(data.targets.paths, ['']);
    assert.deepEqual([data.delegations, data.problems, data.absent], [[], [], []]);
  });

  void it('names sizes to cap downloads: 1 MiB for timestamp, the meta length after', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const files = repo.build();
    const set = newSet(repo);
    set.loadRoot(files.root);
    assert.deepEqual(set.nextRequest(), { role: 'timestamp', path: 'timestamp.json', maxBytes: 1 << 20, expected: undefined });
    set.updateTimestamp(files.timestamp);
    assert.equal(set.nextRequest()?.maxBytes, files.snapshot.length);
  });

  void it('verifies real notary 0.3 metadata', () => {
    const set = new TrustedSet({ gun: NOTARY03_GUN, clock: { now: () => NOTARY03_VALID_AT } });
    const paths = feedAll(set, { ...NOTARY03_FILES, delegations: {} });
    // The timestamp vouches for the snapshot with sha256 MKlZ…xBo= (base64).
    assert.equal(paths[2], `snapshot.${Buffer.from('MKlZyV0NXrJ60hOb+Lp4RZFShMnZM8AWiT36JFYaxBo=', 'base64').toString('hex')}.json`);
    const data = set.result();
    assert.deepEqual([data.root.version, data.timestamp.version, data.snapshot.version, data.targets.version], [1, 1, 2, 2]);
    assert.deepEqual(data.targets.targets.LICENSE, {
      length: 11309,
      sha256: Buffer.from('k5W6xvzLJry1XvsIPRtLD+cqHCX5WfBWwBYSCzu1amI=', 'base64').toString('hex'),
      sha512: Buffer.from('oQ+9Z23BUvcZjTgmDUPzWWfLtFHWZ+LkRPYObGHWBsQlfgsc1c7tprb/r5anoYT1IpqXFIx3zET+0EE0010Nww==', 'base64').toString('hex'),
    });
  });

  void it('accepts ECDSA DER signatures, and Ed25519 and RSA-PSS role keys', () => {
    const der = new TestRepo({ gun: GUN, now: NOW });
    feedAll(newSet(der), der.build({ derEcdsa: true }));
    const mixed = new TestRepo({ gun: GUN, now: NOW, keys: { timestamp: ed25519Key(), snapshot: rsaKey(), targets: ed25519Key() } });
    const set = newSet(mixed);
    feedAll(set, mixed.build());
    assert.deepEqual(set.result().snapshot.keys.map((k) => k.keytype), ['rsa']);
  });
});

void describe('TrustedSet: signatures and keys', () => {
  void it('refuses a timestamp with a flipped signature byte', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const files = repo.build();
    const text = Buffer.from(files.timestamp).toString();
    const sig = /"sig":"([^"]+)"/.exec(text)?.[1] ?? '';
    const raw = Buffer.from(sig, 'base64');
    raw[0] = (raw[0] as number) ^ 0x01;
    const set = newSet(repo);
    set.loadRoot(files.root);
    const e = fails(() => set.updateTimestamp(Buffer.from(text.replace(sig, raw.toString('base64')))), 'threshold-not-met', 'timestamp');
    assert.equal(e.rejections[0]?.reason, 'bad-signature');
  });

  void it('refuses metadata signed by a key of another role', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const files = repo.build({ signers: { timestamp: [repo.keys.snapshot] } });
    const set = newSet(repo);
    set.loadRoot(files.root);
    assert.equal(fails(() => set.updateTimestamp(files.timestamp), 'threshold-not-met').rejections[0]?.reason, 'unknown-key');
  });

  void it('refuses targets below a threshold of 2', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const second = ecdsaKey();
    repo.root.keys[second.id] = keyJson(second);
    repo.root.roles.targets = { keyids: [repo.keys.targets.id, second.id], threshold: 2 };
    const files = repo.build();
    const set = newSet(repo);
    upToTargets(set, files);
    fails(() => set.updateTargets(files.targets), 'threshold-not-met', 'targets');
    const both = newSet(repo);
    feedAll(both, repo.build({ signers: { targets: [repo.keys.targets, second] } }));
    assert.equal(both.result().targets.signedBy.length, 2);
  });

  void it('refuses a signature naming a key filed under an ID that does not match its content', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const wrongId = 'f'.repeat(64);
    delete repo.root.keys[repo.keys.timestamp.id];
    repo.root.keys[wrongId] = keyJson(repo.keys.timestamp);
    repo.root.roles.timestamp = { keyids: [wrongId], threshold: 1 };
    const lying: TestKey = { ...repo.keys.timestamp, id: wrongId };
    const files = repo.build({ signers: { timestamp: [lying] } });
    const set = newSet(repo);
    set.loadRoot(files.root);
    fails(() => set.updateTimestamp(files.timestamp), 'invalid-key-id', 'timestamp');
  });

  void it('does not count a signature whose method does not fit the key type', () => {
    const ed = ed25519Key();
    const repo = new TestRepo({ gun: GUN, now: NOW, keys: { timestamp: ed } });
    const files = repo.build({ signers: { timestamp: [{ ...ed, method: 'ecdsa' }] } });
    const set = newSet(repo);
    set.loadRoot(files.root);
    assert.equal(fails(() => set.updateTimestamp(files.timestamp), 'threshold-not-met').rejections[0]?.reason, 'wrong-key-type');
  });

  void it('refuses the wrong _type even when correctly signed', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const files = repo.build();
    const fake = signedFile({ _type: 'Snapshot', expires: repo.timestamp.expires, meta: { snapshot: { hashes: {}, length: 1 } }, version: 1 }, [repo.keys.timestamp]);
    const set = newSet(repo);
    set.loadRoot(files.root);
    fails(() => set.updateTimestamp(fake), 'wrong-type', 'timestamp');
  });

  void it('reports garbage as malformed, never crashing', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    for (const junk of [Buffer.from('not json'), Buffer.from('{}'), Buffer.from('{"signed":{},"signatures":[{"sig":7}]}'), new Uint8Array(0)]) {
      const set = newSet(repo);
      set.loadRoot(repo.build().root);
      fails(() => set.updateTimestamp(junk), 'malformed', 'timestamp');
    }
  });
});

void describe('TrustedSet: rollback, freeze and mix-and-match', () => {
  void it('refuses timestamp, snapshot and targets older than the cached versions', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    repo.timestamp.version = 4;
    repo.snapshot.version = 7;
    repo.targets.version = 3;
    const files = repo.build();
    const ok = newSet(repo, { cachedVersions: { timestamp: 4, snapshot: 7, targets: 3 } });
    feedAll(ok, files);
    fails(() => feedAll(newSet(repo, { cachedVersions: { timestamp: 5 } }), files), 'rollback', 'timestamp');
    fails(() => feedAll(newSet(repo, { cachedVersions: { snapshot: 8 } }), files), 'rollback', 'snapshot');
    fails(() => feedAll(newSet(repo, { cachedVersions: { targets: 4 } }), files), 'rollback', 'targets');
  });

  void it('refuses expired timestamp, snapshot and targets as the clock moves', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    repo.timestamp.expires = repo.expiresIn(14 * DAY);
    repo.snapshot.expires = repo.expiresIn(20 * DAY);
    repo.targets.expires = repo.expiresIn(30 * DAY);
    const files = repo.build();
    feedAll(newSet(repo, { clock: clockAt(14 * DAY) }), files);
    fails(() => feedAll(newSet(repo, { clock: clockAt(15 * DAY) }), files), 'expired', 'timestamp');
    repo.timestamp.expires = repo.expiresIn(365 * DAY);
    const later = repo.build();
    fails(() => feedAll(newSet(repo, { clock: clockAt(21 * DAY) }), later), 'expired', 'snapshot');
    repo.snapshot.expires = repo.expiresIn(365 * DAY);
    fails(() => feedAll(newSet(repo, { clock: clockAt(31 * DAY) }), repo.build()), 'expired', 'targets');
  });

  void it('refuses a snapshot that does not match the timestamp (hash and length)', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const files = repo.build();
    repo.snapshot.version = 2; // same length, other bytes
    const other = repo.build().snapshot;
    assert.equal(other.length, files.snapshot.length);
    const set = newSet(repo);
    set.loadRoot(files.root);
    set.updateTimestamp(files.timestamp);
    fails(() => set.updateSnapshot(other), 'hash-mismatch', 'snapshot');
    const longer = newSet(repo);
    longer.loadRoot(files.root);
    longer.updateTimestamp(files.timestamp);
    fails(() => longer.updateSnapshot(Buffer.concat([files.snapshot, Buffer.from(' ')])), 'length-mismatch', 'snapshot');
  });

  void it('refuses old targets served with a new snapshot (mix-and-match)', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    repo.addTarget('targets', 'v1', DIGEST);
    const v1 = repo.build();
    repo.addTarget('targets', 'v1', 'b'.repeat(64));
    repo.targets.version = 2;
    repo.snapshot.version = 2;
    repo.timestamp.version = 2;
    const v2 = repo.build();
    assert.equal(v1.targets.length, v2.targets.length);
    const set = newSet(repo);
    upToTargets(set, v2);
    fails(() => set.updateTargets(v1.targets), 'hash-mismatch', 'targets');
  });

  void it('notices that root changed on the server and names the new root to fetch', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const old = repo.build();
    repo.root.version = 2;
    const current = repo.build();
    const set = newSet(repo);
    set.loadRoot(old.root);
    set.updateTimestamp(current.timestamp);
    fails(() => set.updateSnapshot(current.snapshot), 'hash-mismatch', 'root');
    assert.equal(set.rootMeta?.length, current.root.length);
    const retry = new TrustedSet({ gun: GUN, clock: clockAt(0) });
    assert.equal(retry.loadRoot(current.root, { trustedRoot: old.root, ...(set.rootMeta ? { expected: set.rootMeta } : {}) }).version, 2);
  });
});

void describe('TrustedSet: misuse', () => {
  void it('insists on the notary order and refuses to load a role twice', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const files = repo.build();
    fails(() => newSet(repo).updateTimestamp(files.timestamp), 'out-of-order');
    const set = newSet(repo);
    set.loadRoot(files.root);
    fails(() => set.updateSnapshot(files.snapshot), 'out-of-order');
    const twice = newSet(repo);
    twice.loadRoot(files.root);
    twice.updateTimestamp(files.timestamp);
    fails(() => twice.updateTimestamp(files.timestamp), 'out-of-order');
    fails(() => newSet(repo).result(), 'out-of-order');
    fails(() => newSet(repo).update('targets/', files.targets), 'unknown-role');
  });

  void it('refuses all further input and output after any failure', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const files = repo.build();
    const set = newSet(repo);
    set.loadRoot(files.root);
    fails(() => set.updateTimestamp(files.snapshot), 'threshold-not-met');
    fails(() => set.updateTimestamp(files.timestamp), 'out-of-order');
    fails(() => set.result(), 'out-of-order');
  });
});
