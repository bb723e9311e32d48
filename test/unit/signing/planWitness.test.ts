import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nullLogger, systemClock } from '../../../src/core/ports';
import { MemoryMetadataStore } from '../../../src/core/trust/dct/metadataStore';
import { canonicalKeyId } from '../../../src/core/trust/dct/tuf/keys';
import { loadRepoState } from '../../../src/core/trust/dct/signing/loadState';
import { notWitnessable, planWitness } from '../../../src/core/trust/dct/signing/planWitness';
import type { RepoState } from '../../../src/core/trust/dct/signing/repoState';
import { SigningError } from '../../../src/core/trust/dct/signing/signingErrors';
import { TrustPublisher } from '../../../src/core/trust/dct/signing/trustPublisher';
import { dockerTarget } from '../../../src/core/trust/dct/signing/targetsEdit';
import { FakeNotary } from './fakeNotary';
import { MemoryKeys } from './memoryKeys';

const GUN = '127.0.0.1:5000/team/app';
const LATER = new Date(Date.now() + 400 * 86_400_000);

/** A repository with signer alice and tag v1 signed by her, made by the publisher on a fake server. */
async function signedRepository(): Promise<{ state: RepoState; keys: MemoryKeys; held: Set<string> }> {
  const server = new FakeNotary();
  const keys = new MemoryKeys();
  const options = { httpFor: () => server, store: new MemoryMetadataStore(), clock: systemClock, logger: nullLogger, timeoutMs: 1000 };
  const publisher = new TrustPublisher({ ...options, keys, trustServerFor: () => 'https://n' });
  await publisher.initRepository(GUN, { signer: 'alice' });
  await publisher.signTag(`${GUN}:v1`, { signer: 'alice', target: { digest: `sha256:${'c'.repeat(64)}`, size: 525 } });
  const loaded = await loadRepoState(options, { server: 'https://n', gun: GUN, registry: '127.0.0.1:5000' });
  assert.equal(loaded.kind, 'verified');
  return { state: (loaded as { state: RepoState }).state, keys, held: new Set(await keys.listKeyIds()) };
}

void describe('planWitness (notary witness)', () => {
  void it('re-signs each role as it is: version + 1, a fresh expiry, the content unchanged; parents first', async () => {
    const { state, held } = await signedRepository();
    const plan = planWitness(state, ['targets/alice', 'targets', 'targets/releases', 'targets'], held, LATER);
    assert.deepEqual(plan.updates.map((u) => u.role), ['targets', 'targets/alice', 'targets/releases']);
    for (const u of plan.updates) {
      const before = u.role === 'targets' ? state.targets : state.delegations.get(u.role)!;
      assert.equal(u.doc.version, before.version + 1, u.role);
      assert.ok(Date.parse(u.doc.expires) > Date.parse(before.expires), `${u.role}: a later expiry`);
      assert.deepEqual({ ...u.doc, version: 0, expires: '' }, { ...before, version: 0, expires: '' }, `${u.role}: nothing else changes`);
    }
    assert.deepEqual((plan.updates.find((u) => u.role === 'targets/alice')!.doc as { targets?: unknown }).targets, { v1: dockerTarget('c'.repeat(64), 525) });
  });

  void it('needs a key of each role: without the repository key, targets is refused; a signer key re-signs its roles', async () => {
    const { state, keys } = await signedRepository();
    const alice = canonicalKeyId((await keys.signerKey('alice', { create: false }))!.publicKey)!;
    assert.throws(() => planWitness(state, ['targets'], new Set([alice]), LATER), (e: unknown) => e instanceof SigningError && e.code === 'no-signing-key' && /repository \(targets\) key is not held/.test(e.message));
    assert.deepEqual(planWitness(state, ['targets/alice', 'targets/releases'], new Set([alice]), LATER).updates.map((u) => u.role), ['targets/alice', 'targets/releases']);
    assert.throws(() => planWitness(state, ['targets/bob'], new Set([alice]), LATER), /has no role targets\/bob/);
  });

  void it('an expired delegation (the read side verified its signatures, then set it aside) is re-signed with its content; one that fails its threshold is refused', async () => {
    const { state, held } = await signedRepository();
    const aside = (code: 'expired' | 'threshold-not-met'): RepoState => {
      const delegations = new Map(state.delegations);
      delegations.delete('targets/alice');
      return { ...state, delegations, ignored: new Map([['targets/alice', { code, doc: state.delegations.get('targets/alice')! }]]) };
    };
    const plan = planWitness(aside('expired'), ['targets/alice'], held, LATER);
    assert.equal(plan.updates[0]!.doc.version, state.delegations.get('targets/alice')!.version + 1);
    assert.deepEqual((plan.updates[0]!.doc as { targets?: unknown }).targets, { v1: dockerTarget('c'.repeat(64), 525) }, 'it keeps its tags');
    assert.throws(() => planWitness(aside('threshold-not-met'), ['targets/alice'], held, LATER), /does not meet its signature threshold/);
  });

  void it('root, snapshot and timestamp are renewed otherwise, and say how', () => {
    assert.match(notWitnessable('root', GUN) ?? '', /trustlens key rotate 127\.0\.0\.1:5000\/team\/app root/);
    assert.match(notWitnessable('snapshot', GUN) ?? '', /every publish/);
    assert.match(notWitnessable('timestamp', GUN) ?? '', /trust server/);
    assert.match(notWitnessable('releases', GUN) ?? '', /not a role/);
    assert.equal(notWitnessable('targets', GUN), undefined);
    assert.equal(notWitnessable('targets/releases', GUN), undefined);
  });
});
