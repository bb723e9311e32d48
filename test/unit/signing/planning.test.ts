import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nullLogger, systemClock } from '../../../src/core/ports';
import { MemoryMetadataStore } from '../../../src/core/trust/dct/metadataStore';
import { canonicalKeyId } from '../../../src/core/trust/dct/tuf/keys';
import { loadRepoState } from '../../../src/core/trust/dct/signing/loadState';
import { planInit } from '../../../src/core/trust/dct/signing/planInit';
import { planSignTag } from '../../../src/core/trust/dct/signing/planTagSigning';
import { planAddSigner, planRemoveSigner } from '../../../src/core/trust/dct/signing/planSigners';
import { planRevokeTag } from '../../../src/core/trust/dct/signing/planRevoke';
import { fileMetaOf, nextSnapshot, signPlan } from '../../../src/core/trust/dct/signing/signUploads';
import type { RepoState } from '../../../src/core/trust/dct/signing/repoState';
import { dockerTarget, keyDocOf } from '../../../src/core/trust/dct/signing/targetsEdit';
import { SigningError } from '../../../src/core/trust/dct/signing/signingErrors';
import { TrustPublisher } from '../../../src/core/trust/dct/signing/trustPublisher';
import { rootNearExpiry, withRootRefresh } from '../../../src/core/trust/dct/signing/rootRefresh';
import { formatGoUtc } from '../../../src/core/trust/dct/signing/expiry';
import { FakeNotary } from './fakeNotary';
import { generateKey, MemoryKeys, publicKeyPem } from './memoryKeys';

const GUN = '127.0.0.1:5000/team/app';
const NOW = new Date();
const TARGET = dockerTarget('c'.repeat(64), 525);

/** A verified state of a repository made by the publisher on a fake server. */
async function repoWith(setup: (p: TrustPublisher) => Promise<unknown>, keys = new MemoryKeys()) {
  const server = new FakeNotary();
  const options = { httpFor: () => server, store: new MemoryMetadataStore(), clock: systemClock, logger: nullLogger, timeoutMs: 1000 };
  const publisher = new TrustPublisher({ ...options, keys, trustServerFor: () => 'https://n' });
  await setup(publisher);
  const loaded = await loadRepoState(options, { server: 'https://n', gun: GUN, registry: '127.0.0.1:5000' });
  assert.equal(loaded.kind, 'verified');
  const held = new Set(await keys.listKeyIds());
  return { state: (loaded as { state: RepoState }).state, keys, held };
}

void describe('planning', () => {
  void it('init: root v1 with the four keys at threshold 1, consistent_snapshot false; targets v1 delegating to the first signer', () => {
    const k = { root: generateKey().publicKey, targets: generateKey().publicKey, snapshot: generateKey().publicKey, timestamp: generateKey().publicKey };
    const signer = generateKey().publicKey;
    const plan = planInit(GUN, k, { name: 'alice', key: signer }, NOW);
    assert.deepEqual(plan.updates.map((u) => [u.role, u.doc.version]), [['root', 1], ['targets', 1]]);
    assert.equal(plan.root.consistent_snapshot, false);
    assert.deepEqual(plan.root.roles?.snapshot, { keyids: [k.snapshot.id], threshold: 1 });
    assert.deepEqual(plan.root.keys?.[k.targets.id], keyDocOf(k.targets));
    assert.deepEqual(plan.targets.delegations.roles?.map((r) => [r.name, r.keyids, r.paths]), [
      ['targets/alice', [signer.id], ['']], ['targets/releases', [signer.id], ['']],
    ]);
  });

  void it('sign: bumps only the roles it touches, starting unpublished roles at version 1', async () => {
    const { state, keys, held } = await repoWith((p) => p.initRepository(GUN, { signer: 'alice' }));
    const plan = planSignTag(state, { tag: 'v1', target: TARGET }, held, NOW);
    assert.deepEqual(plan.signedRoles, ['targets/alice', 'targets/releases']);
    assert.deepEqual(plan.updates.map((u) => [u.role, u.doc.version]), [['targets/alice', 1], ['targets/releases', 1]]);
    const bob = generateKey();
    const withBob = new Set([...held, keys.add('bob', bob.privateKey, bob.publicKey)]);
    const again = planSignTag(state, { tag: 'v1', target: TARGET, signer: { name: 'bob', key: bob.publicKey } }, withBob, NOW);
    assert.deepEqual(again.updates.map((u) => [u.role, u.doc.version]), [['targets', 2], ['targets/releases', 1], ['targets/bob', 1]]);
    assert.deepEqual(again.notes, ['created signer bob']);
  });

  void it('sign: notes when the tag cannot be released because releases is not signable', async () => {
    const keys = new MemoryKeys();
    const { state } = await repoWith(async (p) => {
      await p.initRepository(GUN);
      await p.addSigner('alice', GUN, publicKeyPem((await keys.signerKey('alice', { create: true }))!.publicKey));
    }, keys);
    const aliceOnly = new Set([canonicalKeyId((await keys.signerKey('alice', { create: false }))!.publicKey) as string]);
    const withoutReleases = { ...state, targets: { ...state.targets, delegations: { ...state.targets.delegations, roles: state.targets.delegations.roles!.filter((r) => r.name !== 'targets/releases') } } };
    const plan = planSignTag(withoutReleases, { tag: 'v1', target: TARGET, signer: { name: 'alice', key: generateKey().publicKey } }, aliceOnly, NOW);
    assert.deepEqual(plan.signedRoles, ['targets/alice']);
    assert.match(plan.notes.join(), /docker will not trust it/);
  });

  void it('signer add and remove change targets.json only; remove flags releases dropping below threshold', async () => {
    const { state, held } = await repoWith((p) => p.signTag(`${GUN}:v1`, { signer: 'alice', target: { digest: `sha256:${'c'.repeat(64)}`, size: 525 } }));
    const bob = generateKey().publicKey;
    const add = planAddSigner(state, 'bob', [bob], held, NOW);
    assert.deepEqual(add.updates.map((u) => u.role), ['targets']);
    assert.equal(add.updates[0]?.doc.version, state.data.targets.version + 1);
    const remove = planRemoveSigner(state, 'alice', held, NOW);
    assert.equal(remove.releasesBelowThreshold, true);
    assert.deepEqual(remove.deletedRoles, ['targets/alice']);
    assert.throws(() => planRemoveSigner(state, 'nobody', held, NOW), (e: unknown) => SigningError.is(e, 'no-such-signer'));
    assert.throws(() => planAddSigner(state, 'Bad', [bob], held, NOW), (e: unknown) => SigningError.is(e, 'invalid-signer'));
  });

  void it('revoke: needs a released tag and a key for a role holding it', async () => {
    const { state, held } = await repoWith((p) => p.signTag(`${GUN}:v1`, { signer: 'alice', target: { digest: `sha256:${'c'.repeat(64)}`, size: 525 } }));
    const plan = planRevokeTag(state, 'v1', held, NOW);
    assert.deepEqual(plan.updates.map((u) => [u.role, u.doc.version]), [['targets/alice', 2], ['targets/releases', 2]]);
    assert.throws(() => planRevokeTag(state, 'v9', held, NOW), (e: unknown) => SigningError.is(e, 'no-such-target'));
    assert.throws(() => planRevokeTag(state, 'v1', new Set(), NOW), (e: unknown) => SigningError.is(e, 'no-signing-key'));
  });

  void it('signs a snapshot only when the client holds the snapshot key, with sha256+sha512 of each new file', async () => {
    const { state, keys, held } = await repoWith((p) => p.initRepository(GUN, { signer: 'alice' }));
    const plan = planSignTag(state, { tag: 'v1', target: TARGET }, held, NOW);
    const serverSigned = await signPlan(plan, state, { keys, held, open: [] }, NOW);
    assert.deepEqual(serverSigned.map((f) => f.role), ['targets/alice', 'targets/releases']);
    // The same repository, but with a snapshot key this client holds.
    const snap = generateKey();
    const snapId = keys.add('snapshot', snap.privateKey, snap.publicKey);
    const root = structuredClone(state.root);
    root.keys = { ...root.keys, [snap.publicKey.id]: keyDocOf(snap.publicKey) };
    root.roles = { ...root.roles, snapshot: { keyids: [snap.publicKey.id], threshold: 1 } };
    const clientSnapshot = { ...state, root };
    const files = await signPlan({ ...plan, root }, clientSnapshot, { keys, held: new Set([...held, snapId]), open: [] }, NOW);
    assert.deepEqual(files.map((f) => f.role), ['targets/alice', 'targets/releases', 'snapshot']);
    const snapshot = JSON.parse(Buffer.from(files[2]!.bytes).toString('utf8')) as { signed: { version: number; meta: Record<string, unknown> } };
    assert.equal(snapshot.signed.version, state.data.snapshot.version + 1);
    assert.deepEqual(snapshot.signed.meta['targets/releases'], fileMetaOf(files[1]!.bytes));
    assert.deepEqual(snapshot.signed.meta.root, state.snapshot.meta?.root);
    assert.equal(nextSnapshot(state.snapshot, [], ['targets/alice'], NOW).meta?.['targets/alice'], undefined);
  });

  void it('refuses to sign a role with fewer held keys than its threshold', async () => {
    const { state, keys, held } = await repoWith((p) => p.initRepository(GUN, { signer: 'alice' }));
    const plan = planSignTag(state, { tag: 'v1', target: TARGET }, held, NOW);
    const releases = plan.targets.delegations.roles!.find((r) => r.name === 'targets/releases')!;
    releases.threshold = 2;
    await assert.rejects(signPlan(plan, state, { keys, held, open: [] }, NOW), (e: unknown) => SigningError.is(e, 'insufficient-keys'));
  });

  void it('re-signs root with the next version when it expires within six months and a root key is held', async () => {
    const { state, keys, held } = await repoWith((p) => p.initRepository(GUN, { signer: 'alice' }));
    const now = new Date('2026-03-01T00:00:00Z');
    assert.equal(rootNearExpiry('2026-08-31T00:00:00Z', now), true);
    assert.equal(rootNearExpiry('2026-09-02T00:00:00Z', now), false);
    const plan = planSignTag(state, { tag: 'v1', target: TARGET }, held, now);
    assert.equal(withRootRefresh(plan, state, held, now), plan, 'root far from expiry is left alone');
    const soon = { ...state, root: { ...state.root, expires: formatGoUtc(new Date(now.getTime() + 30 * 86_400_000)) } };
    const refreshed = withRootRefresh({ ...plan, root: soon.root }, soon, held, now);
    assert.deepEqual(refreshed.updates.map((u) => [u.role, u.doc.version]), [['root', 2], ['targets/alice', 1], ['targets/releases', 1]]);
    assert.equal(refreshed.updates[0]?.doc.expires, '2036-02-27T00:00:00Z');
    const files = await signPlan(refreshed, soon, { keys, held, open: [] }, now);
    const rootFile = JSON.parse(Buffer.from(files[0]!.bytes).toString('utf8')) as { signatures: Array<{ keyid: string }> };
    assert.deepEqual(rootFile.signatures.map((sig) => sig.keyid), state.root.roles?.root?.keyids, 'signed under the certificate key ID');
    const withoutRootKey = new Set([...held].filter((id) => !keys.isRoot(id)));
    assert.equal(withRootRefresh(plan, soon, withoutRootKey, now), plan, 'no root key, no root change');
  });
});
