import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TargetsDoc } from '../../../src/core/trust/dct/signing/goShapes';
import {
  bumped, dockerTarget, emptyTargets, withDelegationKeys, withoutDelegation, withoutDelegationKeys, withoutTarget, withTarget,
} from '../../../src/core/trust/dct/signing/targetsEdit';
import { generateKey } from './memoryKeys';

const NOW = new Date('2026-03-01T00:00:00Z');
const plain = (doc: TargetsDoc) => JSON.parse(JSON.stringify(doc)) as TargetsDoc;

void describe('targets edits', () => {
  const alice = generateKey().publicKey;
  const bob = generateKey().publicKey;

  void it('starts like notary NewTargets: version 0, empty maps, expiry 3 years out', () => {
    assert.deepEqual(plain(emptyTargets(NOW)), {
      _type: 'Targets', delegations: { keys: {}, roles: [] }, expires: '2029-02-28T00:00:00Z', targets: {}, version: 0,
    });
  });

  void it('writes a docker target: sha256 of the manifest as base64, length = manifest size', () => {
    const meta = dockerTarget('74d4bf'.padEnd(64, '0'), 1357);
    assert.deepEqual(meta, { hashes: { sha256: Buffer.from('74d4bf'.padEnd(64, '0'), 'hex').toString('base64') }, length: 1357 });
  });

  void it('adds a signer as docker does: own role first, then releases; keys appended to an existing role', () => {
    let doc = withDelegationKeys(emptyTargets(NOW), 'targets/alice', [alice], ['']);
    doc = withDelegationKeys(doc, 'targets/releases', [alice], ['']);
    doc = withDelegationKeys(doc, 'targets/releases', [bob], ['']);
    assert.deepEqual(doc.delegations.roles, [
      { keyids: [alice.id], name: 'targets/alice', paths: [''], threshold: 1 },
      { keyids: [alice.id, bob.id], name: 'targets/releases', paths: [''], threshold: 1 },
    ]);
    assert.deepEqual(Object.keys(doc.delegations.keys ?? {}).sort(), [alice.id, bob.id].sort());
    assert.equal(doc.delegations.keys?.[alice.id]?.keyval.private, null);
  });

  void it('removes keys (keyids null when none is left), deletes roles, and prunes unused keys', () => {
    let doc = withDelegationKeys(emptyTargets(NOW), 'targets/alice', [alice], ['']);
    doc = withDelegationKeys(doc, 'targets/releases', [alice], ['']);
    doc = withoutDelegationKeys(doc, 'targets/releases', [alice.id]);
    assert.deepEqual(doc.delegations.roles?.[1], { keyids: null, name: 'targets/releases', paths: [''], threshold: 1 });
    assert.ok(doc.delegations.keys?.[alice.id], 'alice still signs targets/alice');
    doc = withoutDelegation(doc, 'targets/alice');
    assert.deepEqual(doc.delegations.roles?.map((r) => r.name), ['targets/releases']);
    assert.deepEqual(doc.delegations.keys, {});
    assert.equal(withoutDelegation(doc, 'targets/releases').delegations.roles, null);
  });

  void it('sets, replaces and removes targets without touching the input', () => {
    const empty = emptyTargets(NOW);
    const one = withTarget(empty, 'v1', dockerTarget('a'.repeat(64), 1));
    const replaced = withTarget(one, 'v1', dockerTarget('b'.repeat(64), 2));
    assert.deepEqual(empty.targets, {});
    assert.equal(replaced.targets?.v1?.length, 2);
    assert.deepEqual(withoutTarget(replaced, 'v1').targets, {});
  });

  void it('bumps version by one and renews the expiry from now', () => {
    const doc = bumped({ ...emptyTargets(NOW), version: 4, expires: '2020-01-01T00:00:00Z' }, 'targets/releases', new Date('2027-01-01T00:00:00Z'));
    assert.equal(doc.version, 5);
    assert.equal(doc.expires, '2029-12-31T00:00:00Z');
  });
});
