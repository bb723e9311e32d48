import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TrustedSet, type TrustedSetOptions } from '../../../src/core/trust/dct/tuf/trustedSet';
import { TufError, type TufErrorCode } from '../../../src/core/trust/dct/tuf/tufErrors';
import { ecdsaKey, keyJson, rootCertKey, sha256Hex, type TestKey } from '../../helpers/tufRepo';
import { feedAll, TestRepo } from '../../helpers/tufRepoBuilder';

const GUN = 'registry.example.com/team/app';
const NOW = new Date('2026-03-01T12:00:00Z');
const DAY = 24 * 3600_000;
const D1 = '1'.repeat(64);

const newSet = (over: Partial<TrustedSetOptions> = {}) => new TrustedSet({ gun: GUN, clock: { now: () => NOW }, ...over });

function fails(fn: () => unknown, code: TufErrorCode, role?: string): void {
  assert.throws(fn, (e: unknown) => TufError.isTuf(e, code) && (role === undefined || e.role === role));
}

/** A repository as `docker trust signer add` + `docker trust sign` leave it. */
function dockerRepo(): { repo: TestRepo; alice: TestKey; bob: TestKey } {
  const repo = new TestRepo({ gun: GUN, now: NOW });
  const alice = ecdsaKey();
  const bob = ecdsaKey();
  repo.delegate('targets', 'targets/alice', [alice]);
  repo.delegate('targets', 'targets/releases', [alice, bob]);
  repo.delegate('targets', 'targets/bob', [bob]);
  repo.addTarget('targets/releases', 'v1', D1);
  repo.addTarget('targets/alice', 'v1', D1);
  return { repo, alice, bob };
}

void describe('TrustedSet: delegations', () => {
  void it('walks every delegation in pre-order and reports keys, thresholds, paths and signers', () => {
    const { repo, alice, bob } = dockerRepo();
    const files = repo.build();
    const set = newSet();
    const paths = feedAll(set, files);
    assert.deepEqual(paths.slice(4), [
      `targets/alice.${sha256Hex(files.delegations['targets/alice'] as Uint8Array)}.json`,
      `targets/releases.${sha256Hex(files.delegations['targets/releases'] as Uint8Array)}.json`,
      `targets/bob.${sha256Hex(files.delegations['targets/bob'] as Uint8Array)}.json`,
    ]);
    const data = set.result();
    assert.deepEqual(data.targets.delegations.map((d) => [d.name, d.threshold, d.paths, d.keys.map((k) => k.id)]), [
      ['targets/alice', 1, [''], [alice.id]],
      ['targets/releases', 1, [''], [alice.id, bob.id]],
      ['targets/bob', 1, [''], [bob.id]],
    ]);
    const releases = data.delegations.find((d) => d.name === 'targets/releases');
    assert.deepEqual(releases?.signedBy, [alice.id, bob.id]);
    assert.deepEqual(releases?.targets.v1, { sha256: D1, length: 1357 });
    assert.deepEqual(data.problems, []);
  });

  void it('ignores a delegation below its threshold, as notary does, and carries on', () => {
    const { repo, alice } = dockerRepo();
    repo.targets.delegations.roles[1] = { ...(repo.targets.delegations.roles[1] as TestRepo['targets']['delegations']['roles'][0]), threshold: 2 };
    const files = repo.build({ signers: { 'targets/releases': [alice] } });
    const set = newSet();
    feedAll(set, files);
    const data = set.result();
    assert.deepEqual(data.delegations.map((d) => d.name), ['targets/alice', 'targets/bob']);
    assert.equal(data.problems.length, 1);
    assert.equal(data.problems[0]?.role, 'targets/releases');
    assert.equal(data.problems[0]?.code, 'threshold-not-met');
  });

  void it('ignores an expired delegation and its subtree', () => {
    const { repo, alice } = dockerRepo();
    repo.delegate('targets/alice', 'targets/alice/ci', [alice]);
    repo.role('targets/alice').expires = repo.expiresIn(DAY);
    const files = repo.build();
    const set = newSet({ clock: { now: () => new Date(NOW.getTime() + 2 * DAY) } });
    const paths = feedAll(set, files);
    assert.equal(paths.some((p) => p.startsWith('targets/alice/ci')), false);
    const data = set.result();
    assert.deepEqual(data.problems.map((p) => [p.role, p.code]), [['targets/alice', 'expired']]);
    assert.deepEqual(data.delegations.map((d) => d.name), ['targets/releases', 'targets/bob']);
  });

  void it('fails the whole update for a delegation hash mismatch, rollback, missing signatures or a bad key ID', () => {
    const { repo, alice } = dockerRepo();
    const files = repo.build();
    const swapped = { 'targets/releases': files.delegations['targets/bob'] as Uint8Array };
    fails(() => feedAll(newSet(), files, swapped), 'length-mismatch', 'targets/releases');
    fails(() => feedAll(newSet({ cachedVersions: { 'targets/releases': 2 } }), files), 'rollback', 'targets/releases');
    fails(() => feedAll(newSet(), repo.build({ signers: { 'targets/alice': [] } })), 'no-signatures', 'targets/alice');
    // targets files alice's key under a made-up ID for targets/bob, and alice signs under that ID.
    const fake = 'e'.repeat(64);
    repo.targets.delegations.keys[fake] = keyJson(alice);
    repo.targets.delegations.roles[2] = { keyids: [fake], name: 'targets/bob', paths: [''], threshold: 1 };
    const lying = repo.build({ signers: { 'targets/bob': [{ ...alice, id: fake }] } });
    fails(() => feedAll(newSet(), lying), 'invalid-key-id', 'targets/bob');
  });

  void it('skips a declared delegation that has no snapshot entry (never published)', () => {
    const { repo } = dockerRepo();
    const set = newSet();
    const paths = feedAll(set, repo.build({ omitFromSnapshot: ['targets/bob'] }));
    assert.equal(paths.length, 6);
    assert.deepEqual(set.result().absent, ['targets/bob']);
  });

  void it('restricts nested delegation paths to those the ancestors allow', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const k = ecdsaKey();
    repo.delegate('targets', 'targets/releases', [k], { paths: ['v'] });
    repo.delegate('targets/releases', 'targets/releases/qa', [k], { paths: ['v1', 'x', ''] });
    repo.delegate('targets/releases', 'targets/releases/none', [k], { paths: [] });
    const set = newSet();
    feedAll(set, repo.build());
    const data = set.result();
    const releases = data.delegations.find((d) => d.name === 'targets/releases');
    assert.deepEqual(releases?.delegations.map((d) => [d.name, d.declaredPaths, d.paths]), [
      ['targets/releases/qa', ['v1', 'x', ''], ['v1']],
      ['targets/releases/none', [], []],
    ]);
    assert.deepEqual(data.delegations.find((d) => d.name === 'targets/releases/qa')?.paths, ['v1']);
  });

  void it('checks delegation key certificates without their expiry', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const expiredCert = rootCertKey('alice', NOW, { notBefore: new Date('2010-01-01T00:00:00Z'), notAfter: new Date('2011-01-01T00:00:00Z') });
    repo.delegate('targets', 'targets/alice', [expiredCert]);
    const set = newSet();
    feedAll(set, repo.build());
    assert.equal(set.result().delegations.length, 1);
    const sha1 = new TestRepo({ gun: GUN, now: NOW });
    sha1.delegate('targets', 'targets/alice', [rootCertKey('alice', NOW, { sigAlg: 'ecdsa-sha1' })]);
    fails(() => feedAll(newSet(), sha1.build()), 'certificate-invalid', 'targets/alice');
  });

  void it('only accepts delegation files it is waiting for', () => {
    const { repo } = dockerRepo();
    const files = repo.build();
    const set = newSet();
    set.loadRoot(files.root);
    set.updateTimestamp(files.timestamp);
    set.updateSnapshot(files.snapshot);
    fails(() => set.updateDelegation('targets/alice', files.delegations['targets/alice'] as Uint8Array), 'out-of-order');
    const ready = newSet();
    feedAll(ready, files);
    fails(() => ready.updateDelegation('targets/alice', files.delegations['targets/alice'] as Uint8Array), 'out-of-order');
    const early = newSet();
    early.loadRoot(files.root);
    early.updateTimestamp(files.timestamp);
    early.updateSnapshot(files.snapshot);
    early.updateTargets(files.targets);
    fails(() => early.updateDelegation('targets/carol', files.delegations['targets/alice'] as Uint8Array), 'unknown-role');
  });

  void it('takes delegation keys from the parent file, not from root', () => {
    const { repo, alice } = dockerRepo();
    // Listing alice's key in root does not let her sign for a role whose parent names bob only.
    repo.root.keys[alice.id] = keyJson(alice);
    const files = repo.build({ signers: { 'targets/bob': [alice] } });
    const set = newSet();
    feedAll(set, files);
    assert.deepEqual(set.result().problems.map((p) => [p.role, p.code]), [['targets/bob', 'threshold-not-met']]);
  });
});
