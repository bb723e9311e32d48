import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../../src/core/ports';
import { MemoryMetadataStore } from '../../../src/core/trust/dct/metadataStore';
import { checkRotationInput, replaceBaseKeys } from '../../../src/core/trust/dct/signing/planRotation';
import type { RootDoc } from '../../../src/core/trust/dct/signing/goShapes';
import { SigningError } from '../../../src/core/trust/dct/signing/signingErrors';
import { validateRoot } from '../../../src/core/trust/dct/tuf/rootValidation';
import { canonicalKeyId } from '../../../src/core/trust/dct/tuf/keys';
import { FakeNotary } from './fakeNotary';
import { client, hex } from './publisherClient';
import { generateKey, MemoryKeys, publicKeyPem } from './memoryKeys';

const GUN = '127.0.0.1:5000/team/app';

const signedIds = (bytes: Uint8Array | undefined) => (JSON.parse(Buffer.from(bytes ?? new Uint8Array()).toString('utf8')) as { signatures: Array<{ keyid: string }> }).signatures.map((s) => s.keyid);

void describe('key rotation (planning and publishing against an in-memory notary-server)', () => {
  void it('replaceBaseKeys drops keys no other role lists, but keeps an old root certificate, as notary does', () => {
    const [a, b, c] = [generateKey().publicKey, generateKey().publicKey, generateKey().publicKey];
    const root: RootDoc = {
      _type: 'Root', consistent_snapshot: false, expires: '2035-01-01T00:00:00Z', version: 3,
      keys: { [a.id]: { keytype: 'ecdsa', keyval: { private: null, public: 'YQ==' } }, [b.id]: { keytype: 'ecdsa', keyval: { private: null, public: 'Yg==' } } },
      roles: { root: { keyids: [a.id], threshold: 1 }, targets: { keyids: [b.id], threshold: 1 }, snapshot: { keyids: [b.id], threshold: 1 }, timestamp: { keyids: [a.id], threshold: 1 } },
    };
    const targets = replaceBaseKeys(root, 'targets', [c]);
    assert.deepEqual(targets.roles?.targets, { keyids: [c.id], threshold: 1 });
    assert.deepEqual(Object.keys(targets.keys ?? {}).sort(), [a.id, b.id, c.id].sort(), 'b is still the snapshot key');
    const snapshot = replaceBaseKeys(targets, 'snapshot', [c]);
    assert.deepEqual(Object.keys(snapshot.keys ?? {}).sort(), [a.id, c.id].sort(), 'b is used by no role any more');
    const rooted = replaceBaseKeys(root, 'root', [c]);
    assert.ok(rooted.keys?.[a.id], 'the old root key stays (still the timestamp key here)');
    const rootOnly = replaceBaseKeys({ ...root, roles: { ...root.roles, timestamp: { keyids: [b.id], threshold: 1 } } }, 'root', [c]);
    assert.ok(rootOnly.keys?.[a.id], 'an old root certificate is kept even when no role lists it');
    assert.equal(root.roles?.targets?.keyids?.[0], b.id, 'the input is untouched');
  });

  void it('checkRotationInput allows what notary allows, with a reason otherwise', () => {
    for (const [role, remote] of [['root', false], ['targets', false], ['snapshot', false], ['snapshot', true], ['timestamp', true]] as const) {
      assert.doesNotThrow(() => checkRotationInput(role, remote), `${role} ${remote}`);
    }
    const refused = (role: string, remote: boolean, message: RegExp) =>
      assert.throws(() => checkRotationInput(role, remote), (e: unknown) => SigningError.is(e, 'invalid-key') && message.test((e as Error).message));
    refused('timestamp', false, /always held by the server: rotate it with --server-managed/);
    refused('targets', true, /only the snapshot and timestamp keys can be server-managed/);
    refused('root', true, /only the snapshot and timestamp keys can be server-managed/);
    refused('targets/releases', false, /signer rotate/);
  });

  void it('targets: a new repository key in root v2, targets re-signed with it, released tags kept, the old key deleted', async () => {
    const server = new FakeNotary();
    const { publisher, keys } = client(server);
    await publisher.initRepository(GUN);
    await publisher.signTag(`${GUN}:v1`);
    const before = await publisher.initRepository(GUN);
    const oldId = before.state.root.roles?.targets?.keyids?.[0] as string;
    assert.ok((await keys.listKeyIds()).includes(oldId));

    const result = await publisher.rotateKey(GUN, 'targets');
    assert.deepEqual(result.uploaded, ['root', 'targets']);
    assert.deepEqual(result.replacedKeyIds, [oldId]);
    assert.deepEqual(result.removedKeyIds, [oldId]);
    assert.equal(result.state.data.root.version, 2);
    assert.deepEqual(result.state.root.roles?.targets?.keyids, [result.newKeyId]);
    assert.equal(result.state.root.keys?.[oldId], undefined, 'the old key left root');
    assert.deepEqual(signedIds(server.file(GUN, 'targets')), [result.newKeyId]);
    assert.equal(result.state.data.targets.version, before.state.data.targets.version + 1);
    assert.equal(result.state.data.targets.targets.v1?.sha256, hex('team/app:v1'));
    const held = await keys.listKeyIds();
    assert.ok(held.includes(result.newKeyId) && !held.includes(oldId));
    // The same client keeps signing with the new key.
    const signed = await publisher.signTag(`${GUN}:v2`);
    assert.deepEqual(signed.signedRoles, ['targets']);
  });

  void it('root: the new root is signed by the old and the new root key; a client that pinned the old root follows', async () => {
    const server = new FakeNotary();
    const { publisher, keys } = client(server);
    await publisher.signTag(`${GUN}:v1`, { signer: 'alice' });
    const pinned = server.file(GUN, 'root') as Uint8Array;
    const oldRootId = JSON.parse(Buffer.from(pinned).toString('utf8')).signed.roles.root.keyids[0] as string;
    const reader = client(server, keys, new MemoryMetadataStore());
    await reader.publisher.initRepository(GUN); // pins root v1

    const result = await publisher.rotateKey(GUN, 'root');
    assert.deepEqual(result.uploaded, ['root']);
    const newRoot = server.file(GUN, 'root') as Uint8Array;
    const newRootId = result.state.root.roles?.root?.keyids?.[0] as string;
    assert.notEqual(newRootId, oldRootId);
    assert.equal(canonicalKeyId({ keytype: 'ecdsa-x509', public: new Uint8Array(Buffer.from(result.state.root.keys?.[newRootId]?.keyval.public ?? '', 'base64')), id: newRootId }), result.newKeyId);
    assert.deepEqual(signedIds(newRoot).sort(), [oldRootId, newRootId].sort());
    assert.ok(result.state.root.keys?.[oldRootId], 'the old root certificate stays in root, as notary keeps it');
    assert.deepEqual(result.removedKeyIds, [], 'root keys are never deleted');
    const previous = validateRoot(pinned, { gun: GUN, clock: systemClock, minVersion: 1, allowExpired: false });
    assert.equal(validateRoot(newRoot, { gun: GUN, clock: systemClock, previous, minVersion: 2, allowExpired: false }).root.version, 2);
    const followed = await reader.publisher.initRepository(GUN);
    assert.equal(followed.state.data.root.version, 2, 'the client that pinned root v1 moved to v2');
    // Root is rotated again with the new key alone (the old one no longer in the root role).
    assert.deepEqual((await publisher.rotateKey(GUN, 'root')).state.data.root.version, 3);
  });

  void it('snapshot --server-managed asks the server for a new key and uploads root alone; a local snapshot key is re-signed', async () => {
    const server = new FakeNotary();
    const { publisher, keys } = client(server);
    await publisher.signTag(`${GUN}:v1`);
    const local = await publisher.rotateKey(GUN, 'snapshot');
    assert.deepEqual(local.uploaded, ['root', 'snapshot'], 'the client now holds the snapshot key and signs the snapshot');
    assert.deepEqual(signedIds(server.file(GUN, 'snapshot')), [local.newKeyId]);
    assert.ok((await keys.listKeyIds()).includes(local.newKeyId));

    const remote = await publisher.rotateKey(GUN, 'snapshot', { serverManaged: true });
    assert.deepEqual(server.keyRotations, [{ gun: GUN, role: 'snapshot' }]);
    assert.deepEqual(remote.uploaded, ['root'], 'no snapshot: the server signs it');
    assert.equal(remote.serverManaged, true);
    assert.deepEqual(remote.removedKeyIds, [local.newKeyId], 'the local snapshot key is deleted, as notary does');
    assert.deepEqual(signedIds(server.file(GUN, 'snapshot')), [remote.newKeyId]);
    const ts = await publisher.rotateKey(GUN, 'timestamp', { serverManaged: true });
    assert.deepEqual(signedIds(server.file(GUN, 'timestamp')), [ts.newKeyId]);
  });

  void it('without the root key nothing is made or published; a rotation that fails before it is stored deletes its new key', async () => {
    const server = new FakeNotary();
    const owner = client(server);
    await owner.publisher.signTag(`${GUN}:v1`);
    const stranger = client(server, new MemoryKeys());
    await assert.rejects(stranger.publisher.rotateKey(GUN, 'targets'), (e: unknown) => SigningError.is(e, 'no-signing-key') && /root key, which is not held/.test((e as Error).message));
    assert.deepEqual(await stranger.keys.listKeyIds(), []);
    const posts = server.posts.length;

    const heldBefore = [...await owner.keys.listKeyIds()].sort();
    const raceForever = async () => {
      server.onPost = raceForever;
      server.raiseStoredVersion(GUN, 'root');
    };
    server.onPost = raceForever;
    await assert.rejects(owner.publisher.rotateKey(GUN, 'targets'), (e: unknown) => SigningError.is(e, 'conflict'));
    server.onPost = undefined;
    assert.deepEqual([...await owner.keys.listKeyIds()].sort(), heldBefore, 'the unpublished new key is gone, the old one kept');
    assert.ok(server.posts.slice(posts).every((p) => p.status === 400));
  });

  void it('signer rotate re-signs the signer\'s files with the new key when it is held', async () => {
    const server = new FakeNotary();
    const { publisher, keys } = client(server);
    await publisher.signTag(`${GUN}:v1`, { signer: 'alice' });
    const oldAlice = (await keys.signerKey('alice', { create: false }))!.publicKey.id;
    const next = generateKey();
    keys.add('alice-2', next.privateKey, next.publicKey);
    const result = await publisher.rotateSigner('alice', GUN, publicKeyPem(next.publicKey));
    assert.equal(result.rotated, true);
    assert.deepEqual(result.oldKeyIds, [oldAlice]);
    assert.deepEqual(result.uploaded, ['targets', 'targets/releases', 'targets/alice']);
    assert.deepEqual(result.resigned, ['targets/releases', 'targets/alice']);
    assert.deepEqual(result.stopsVerifying, []);
    for (const role of ['targets/releases', 'targets/alice']) {
      assert.deepEqual(result.state.targets.delegations.roles?.find((r) => r.name === role)?.keyids, [next.publicKey.id], role);
      assert.deepEqual(signedIds(server.file(GUN, role)), [next.publicKey.id], role);
      assert.equal(result.state.data.delegations.find((d) => d.name === role)?.targets.v1?.sha256, hex('team/app:v1'), role);
    }
    assert.equal(result.state.targets.delegations.keys?.[oldAlice], undefined, 'the old key is pruned');
  });

  void it('signer rotate without the new private key names the tags that stop verifying and publishes only with force', async () => {
    const server = new FakeNotary();
    const { publisher } = client(server);
    await publisher.signTag(`${GUN}:v1`, { signer: 'alice' });
    await publisher.signTag(`${GUN}:v2`, { signer: 'alice' });
    const next = generateKey().publicKey;
    const posts = server.posts.length;
    const refused = await publisher.rotateSigner('alice', GUN, publicKeyPem(next));
    assert.equal(refused.rotated, false);
    assert.deepEqual(refused.stopsVerifying, [{ role: 'targets/releases', tags: ['v1', 'v2'] }, { role: 'targets/alice', tags: ['v1', 'v2'] }]);
    assert.equal(server.posts.length, posts, 'nothing published');

    const forced = await publisher.rotateSigner('alice', GUN, publicKeyPem(next), { force: true });
    assert.equal(forced.rotated, true);
    assert.deepEqual(forced.uploaded, ['targets']);
    assert.deepEqual(forced.state.data.delegations.map((d) => d.name), [], 'both files fail their threshold now');
    assert.deepEqual([...forced.state.ignored.keys()].sort(), ['targets/alice', 'targets/releases']);
    await assert.rejects(publisher.rotateSigner('bob', GUN, publicKeyPem(next)), (e: unknown) => SigningError.is(e, 'no-such-signer'));
    await assert.rejects(publisher.rotateSigner('alice', GUN, publicKeyPem(next)), (e: unknown) => SigningError.is(e, 'invalid-key'));
  });
});
