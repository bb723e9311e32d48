import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RepoState } from '../../../src/core/trust/dct/signing/repoState';
import { describeWhoCanSign, SigningError } from '../../../src/core/trust/dct/signing/signingErrors';
import { FakeNotary } from './fakeNotary';
import { client, hex } from './publisherClient';
import { publicKeyPem } from './memoryKeys';

const GUN = '127.0.0.1:5000/team/app';

function tagsOf(state: RepoState, role: string): Record<string, string | undefined> {
  const verified = role === 'targets' ? state.data.targets : state.data.delegations.find((d) => d.name === role);
  return Object.fromEntries(Object.entries(verified?.targets ?? {}).map(([tag, t]) => [tag, t.sha256]));
}

const versions = (state: RepoState) => Object.fromEntries([
  ['root', state.data.root.version], ['targets', state.data.targets.version],
  ...state.data.delegations.map((d) => [d.name, d.version]),
]);

void describe('TrustPublisher against an in-memory notary-server', () => {
  void it('creates the repository with a first signer, then signs into targets/releases and the signer role', async () => {
    const server = new FakeNotary();
    const { publisher } = client(server);
    const result = await publisher.signTag(`${GUN}:v1`, { signer: 'alice' });
    assert.equal(result.initialized, true);
    assert.deepEqual(result.signedRoles, ['targets/releases', 'targets/alice']);
    assert.equal(result.released, true);
    assert.equal(result.digest, `sha256:${hex('team/app:v1')}`);
    assert.deepEqual(server.posts.map((p) => p.roles), [['root', 'targets'], ['targets/releases', 'targets/alice']]);
    assert.deepEqual(versions(result.state), { root: 1, targets: 1, 'targets/releases': 1, 'targets/alice': 1 });
    assert.deepEqual(tagsOf(result.state, 'targets/releases'), { v1: hex('team/app:v1') });
    assert.deepEqual(tagsOf(result.state, 'targets/alice'), { v1: hex('team/app:v1') });
    assert.deepEqual(result.state.targets.delegations.roles?.map((r) => r.name), ['targets/alice', 'targets/releases']);
  });

  void it('signs into targets when the repository has no delegations, as docker does', async () => {
    const server = new FakeNotary();
    const { publisher } = client(server);
    await publisher.initRepository(GUN);
    const result = await publisher.signTag(`${GUN}:v1`);
    assert.deepEqual(result.signedRoles, ['targets']);
    assert.deepEqual(versions(result.state), { root: 1, targets: 2 });
    assert.deepEqual(tagsOf(result.state, 'targets'), { v1: hex('team/app:v1') });
  });

  void it('re-applies its change on fresh data after a 400 VERSION conflict, so both signatures survive', async () => {
    const server = new FakeNotary();
    const owner = client(server);
    await owner.publisher.signTag(`${GUN}:v1`, { signer: 'alice' });
    const bob = client(server);
    const bobKey = await bob.keys.signerKey('bob', { create: true });
    await owner.publisher.addSigner('bob', GUN, publicKeyPem(bobKey!.publicKey));
    // Bob publishes v2 between alice's read and alice's upload.
    server.onPost = async () => {
      await bob.publisher.signTag(`${GUN}:v2`, { signer: 'bob' });
    };
    const result = await owner.publisher.signTag(`${GUN}:v3`, { signer: 'alice' });
    assert.equal(result.attempts, 2);
    assert.deepEqual(server.posts.map((p) => p.status).slice(-3), [200, 400, 200]);
    assert.deepEqual(Object.keys(tagsOf(result.state, 'targets/releases')).sort(), ['v1', 'v2', 'v3']);
    assert.deepEqual(Object.keys(tagsOf(result.state, 'targets/bob')), ['v2']);
    assert.deepEqual(Object.keys(tagsOf(result.state, 'targets/alice')).sort(), ['v1', 'v3']);
  });

  void it('gives up after the configured number of conflicting attempts', async () => {
    const server = new FakeNotary();
    const { publisher } = client(server);
    await publisher.signTag(`${GUN}:v1`, { signer: 'alice' });
    // A rival always stores a newer targets/releases just before this client's upload.
    const raceForever = async () => {
      server.onPost = raceForever;
      server.raiseStoredVersion(GUN, 'targets/releases');
    };
    server.onPost = raceForever;
    await assert.rejects(publisher.signTag(`${GUN}:v2`, { signer: 'alice' }), (e: unknown) => SigningError.is(e, 'conflict'));
  });

  void it('removes a signer only with force when released tags would stop verifying, pruning its key', async () => {
    const server = new FakeNotary();
    const { publisher, keys } = client(server);
    await publisher.signTag(`${GUN}:v1`, { signer: 'alice' });
    const aliceId = (await keys.signerKey('alice', { create: false }))!.publicKey.id;
    const refused = await publisher.removeSigner('alice', GUN);
    assert.deepEqual([refused.removed, refused.releasesBelowThreshold, refused.uploaded.length], [false, true, 0]);
    const removed = await publisher.removeSigner('alice', GUN, { force: true });
    assert.deepEqual([removed.removed, removed.releasesBelowThreshold], [true, true]);
    const releases = removed.state.targets.delegations.roles?.find((r) => r.name === 'targets/releases');
    assert.equal(releases?.keyids, null);
    assert.equal(removed.state.targets.delegations.keys?.[aliceId], undefined);
    assert.ok(!removed.state.targets.delegations.roles?.some((r) => r.name === 'targets/alice'));
  });

  void it('re-delegating a removed signer name to a new key supersedes its stale file instead of conflicting forever', async () => {
    const server = new FakeNotary();
    const owner = client(server);
    await owner.publisher.signTag(`${GUN}:v1`, { signer: 'alice' });
    await owner.publisher.signTag(`${GUN}:v2`, { signer: 'alice' });
    await owner.publisher.removeSigner('alice', GUN, { force: true });
    // A new alice with a new key: the server still serves the old targets/alice (v2), signed by the old key.
    const newAlice = client(server);
    const key = await newAlice.keys.signerKey('alice', { create: true });
    await owner.publisher.addSigner('alice', GUN, publicKeyPem(key!.publicKey));
    const result = await newAlice.publisher.signTag(`${GUN}:v3`, { signer: 'alice' });
    assert.equal(result.attempts, 1);
    assert.equal(result.state.data.delegations.find((d) => d.name === 'targets/alice')?.version, 3);
    assert.deepEqual(Object.keys(tagsOf(result.state, 'targets/alice')), ['v3'], 'nothing of the untrusted old file is kept');
  });

  void it('revokes a tag from every role holding it', async () => {
    const server = new FakeNotary();
    const { publisher } = client(server);
    await publisher.signTag(`${GUN}:v1`, { signer: 'alice' });
    await publisher.signTag(`${GUN}:v2`, { signer: 'alice' });
    const result = await publisher.revokeTag(`${GUN}:v1`);
    assert.deepEqual([...result.revokedRoles].sort(), ['targets/alice', 'targets/releases']);
    assert.deepEqual(Object.keys(tagsOf(result.state, 'targets/releases')), ['v2']);
    await assert.rejects(publisher.revokeTag(`${GUN}:v1`), (e: unknown) => SigningError.is(e, 'no-such-target'));
  });

  void it('refuses what docker refuses: digests, missing tags, bad signer names, no signing key', async () => {
    const server = new FakeNotary();
    const owner = client(server);
    await owner.publisher.signTag(`${GUN}:v1`, { signer: 'alice' });
    const is = (code: string) => (e: unknown) => SigningError.is(e, code);
    await assert.rejects(owner.publisher.signTag(`${GUN}@sha256:${'a'.repeat(64)}`), is('invalid-reference'));
    await assert.rejects(owner.publisher.signTag(GUN), is('invalid-reference'));
    await assert.rejects(owner.publisher.signTag(`${GUN}:v1`, { signer: 'releases' }), is('invalid-signer'));
    const stranger = client(server);
    await assert.rejects(stranger.publisher.signTag(`${GUN}:v2`), is('no-signing-key'));
    await assert.rejects(stranger.publisher.signTag(`${GUN}:v2`, { signer: 'carol' }), is('no-signing-key'));
    await assert.rejects(stranger.publisher.addSigner('carol', GUN, publicKeyPem((await stranger.keys.signerKey('carol', { create: true }))!.publicKey)), is('no-signing-key'));
  });

  void it('names who can sign a repository when no held key can', async () => {
    const server = new FakeNotary();
    const owner = client(server);
    const signed = await owner.publisher.signTag(`${GUN}:v1`, { signer: 'alice' });
    const alice = signed.state.data.targets.delegations.find((d) => d.name === 'targets/alice')!.keys.map((k) => k.canonicalId ?? k.id);
    const repositoryKey = signed.state.data.targets.keys.map((k) => k.id);
    const stranger = client(server);
    const refused = await stranger.publisher.signTag(`${GUN}:v2`).then(() => undefined, (e: unknown) => e);
    assert.ok(SigningError.is(refused, 'no-signing-key'), String(refused));
    const who = (refused as SigningError).whoCanSign;
    assert.deepEqual(who, { gun: GUN, signers: [{ name: 'alice', keyIds: alice }], repositoryKeyIds: repositoryKey });
    assert.equal(describeWhoCanSign(who!), `its signer is alice (key ${alice[0]!.slice(0, 7)})`);
    assert.equal(describeWhoCanSign({ gun: GUN, signers: [], repositoryKeyIds: ['9'.repeat(64)] }), 'only its repository key 9999999 signs it');
    assert.equal(describeWhoCanSign({ gun: GUN, signers: [{ name: 'ci', keyIds: ['a'.repeat(64)] }, { name: 'qa', keyIds: ['b'.repeat(64)] }], repositoryKeyIds: [] }),
      'its signers are ci (key aaaaaaa) and qa (key bbbbbbb)');
  });

  void it('builds on nothing it cannot verify: tampered targets make publishing fail', async () => {
    const server = new FakeNotary();
    const { publisher, keys } = client(server);
    await publisher.signTag(`${GUN}:v1`, { signer: 'alice' });
    server.tamper(GUN, 'targets/releases', (text) => text.replace('"length":1002', '"length":1003'));
    // The same keys without the cache, which still holds the authentic file the snapshot vouches for.
    const uncached = client(server, keys);
    await assert.rejects(uncached.publisher.signTag(`${GUN}:v2`, { signer: 'alice' }), (e: unknown) => SigningError.is(e, 'untrusted-data'));
    assert.equal(server.posts.length, 2, 'nothing was uploaded');
  });
});

