/**
 * Attack matrix, signatures: flipped signature bytes, unmet thresholds, wrong key IDs, keys of the
 * wrong type and duplicated signatures. Real repositories made by the real notary CLI on a real
 * notary-server, served through a tampering proxy; TrustLens must never say `signed`.
 */
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buildReleases, type Scenario } from '../helpers/stack/scenarios';
import { createSigner } from '../helpers/stack/signers';
import { assertCaught, assertSigned, startAttackFixture, type AttackFixture } from '../helpers/attack/fixture';
import {
  editAndSign, fetchRepoFiles, flipSignatureByte, parseFile, withSignatures, type RepoFiles,
} from '../helpers/attack/metadataFiles';
import { ownerRootKey, type OwnerRootKey } from '../helpers/attack/ownerKeys';
import { newServerKeys, rootWithServerKeys, serverSigned, type ServerKeys } from '../helpers/attack/serverKeys';
import { editFile, firstOf, serveRepo } from '../helpers/attack/tampers';
import { keyIdOf, keyJson } from '../helpers/tufRepo';

void describe('attacks on signatures: TrustLens never reports a tampered repository as signed', () => {
  let f: AttackFixture;
  let repo: Scenario;
  let ref: string;
  let digest: string;
  let real: RepoFiles;
  let ownerRoot: OwnerRootKey;
  let serverKeys: ServerKeys;
  let keyedRoot: Uint8Array;

  before(async () => {
    f = await startAttackFixture();
    repo = await buildReleases(f.ownerStack, { repository: 'attack/signatures' });
    ref = `${repo.gun}:v1`;
    digest = repo.images.v1!.digest;
    real = await fetchRepoFiles(f.server.upstream, repo.gun);
    ownerRoot = await ownerRootKey(f.owner, real.root);
    serverKeys = newServerKeys();
    keyedRoot = rootWithServerKeys(real.root, ownerRoot, serverKeys);
  });
  after(async () => {
    await f?.stop();
  });
  beforeEach(() => f.honest());

  /** Checks `ref` on first use through the current tamper; asserts which files were served tampered. */
  const check = async (tampered: RegExp) => {
    const verdict = await f.trustLens.check(ref);
    assert.ok(f.server.served.some((s) => s.how !== 'proxied' && tampered.test(s.file)), `no tampered ${tampered} was served`);
    return verdict;
  };
  /** The real root, re-signed by its owner after `edit`. */
  const ownerRootWith = (edit: (signed: ReturnType<typeof parseFile>['signed']) => void, signers = [ownerRoot]) =>
    editAndSign(real.root, signers, edit);
  const serveRoot = (root: Uint8Array) => editFile(repo.gun, 'root', () => root);

  void it('control: the honest proxy, and the repository re-keyed for a hostile server, both verify', async () => {
    assertSigned(await f.trustLens.check(ref), digest);
    f.tamper(serveRepo(repo.gun, serverSigned(real, keyedRoot, serverKeys)));
    assertSigned(await check(/^root\.json$/), digest);
  });

  void describe('1. a flipped signature byte', () => {
    void it('in timestamp.json: the signature no longer verifies', async () => {
      f.tamper(editFile(repo.gun, 'timestamp', (b) => flipSignatureByte(b)));
      assertCaught(await check(/^timestamp\.json$/), 'invalid', /valid signatures did not meet threshold for timestamp: 0 of 1 \(.*bad-signature\)/);
    });

    // Real bytes: the hash that vouches for the file covers its signatures, so that check fires first.
    for (const role of ['snapshot', 'targets', 'targets/releases']) {
      void it(`in ${role} (real bytes): the vouching hash no longer matches`, async () => {
        f.tamper(editFile(repo.gun, role, (b) => flipSignatureByte(b)));
        assertCaught(await check(new RegExp(`^${role}\\.`)), 'invalid', new RegExp(`sha256 checksum for ${role} did not match`));
      });
    }

    void it('in snapshot, vouched for by the server-signed timestamp: the signature check fires', async () => {
      f.tamper(serveRepo(repo.gun, serverSigned(real, keyedRoot, serverKeys, { afterSnapshot: (b) => flipSignatureByte(b) })));
      assertCaught(await check(/^snapshot\./), 'invalid', /valid signatures did not meet threshold for snapshot: 0 of 1 \(.*bad-signature\)/);
    });

    void it('in targets, vouched for by the server-signed snapshot: the signature check fires', async () => {
      const targets = flipSignatureByte(real.targets);
      f.tamper(serveRepo(repo.gun, serverSigned(real, keyedRoot, serverKeys, { vouchFor: { targets } })));
      assertCaught(await check(/^targets\./), 'invalid', /valid signatures did not meet threshold for targets: 0 of 1 \(.*bad-signature\)/);
    });

    void it('in targets/releases, vouched for: the delegation is ignored and v1 (also in targets/alice) is not signed', async () => {
      const releases = flipSignatureByte(real.delegations.get('targets/releases')!);
      f.tamper(serveRepo(repo.gun, serverSigned(real, keyedRoot, serverKeys, { vouchFor: { 'targets/releases': releases } })));
      const verdict = await check(/^targets\/releases\./);
      assertCaught(verdict, 'invalid', /targets\/releases of .* was ignored \(valid signatures did not meet threshold for targets\/releases: 0 of 1/);
      assert.match(verdict.log.text, /Ignoring delegation targets\/releases/);
    });
  });

  void describe('2. a threshold not met', () => {
    void it('root (re-signed by the real root key) raises the timestamp threshold to 2: one real signature is not enough', async () => {
      f.tamper(serveRoot(ownerRootWith((s) => { s.roles.timestamp.threshold = 2; })));
      assertCaught(await check(/^root\.json$/), 'invalid', /valid signatures did not meet threshold for timestamp: 1 of 2/);
    });

    void it('root raises its own threshold to 2 and carries one signature', async () => {
      f.tamper(serveRoot(ownerRootWith((s) => { s.roles.root.threshold = 2; })));
      assertCaught(await check(/^root\.json$/), 'invalid', /failed to validate integrity of roots: valid signatures did not meet threshold for root: 1 of 2/);
    });

    void it('root raises the targets threshold to 2, with the real snapshot: the snapshot no longer vouches for that root', async () => {
      f.tamper(serveRoot(ownerRootWith((s) => { s.roles.targets.threshold = 2; })));
      assertCaught(await check(/^root\.json$/), 'invalid', /sha256 checksum for root did not match/);
    });

    void it('root raises the targets threshold to 2, vouched for by the server-signed snapshot: one targets signature is not enough', async () => {
      const root = rootWithServerKeys(real.root, ownerRoot, serverKeys, { edit: (s) => { s.roles.targets.threshold = 2; } });
      f.tamper(serveRepo(repo.gun, serverSigned(real, root, serverKeys)));
      assertCaught(await check(/^targets\./), 'invalid', /valid signatures did not meet threshold for targets: 1 of 2/);
    });

    void it('targets/releases stays signed by a signer the owner removed from it (all real, no tampering): it is ignored', async () => {
      const removed = await buildReleases(f.ownerStack, { repository: 'attack/signer-removed' });
      const bob = await createSigner(f.ownerStack, 'bob');
      await f.owner.delegationAdd(removed.gun, 'targets/releases', bob.publicKeyPath);
      await f.owner.run(['delegation', 'remove', removed.gun, 'targets/releases', removed.signers[0]!.keyId]);
      await f.owner.publish(removed.gun);
      const listed = await (await f.stack.newNotaryCli()).list(removed.gun);
      assert.ok(!listed.some((t) => t.role === 'targets/releases'), 'notary itself must not trust targets/releases any more');
      const verdict = await f.trustLens.check(`${removed.gun}:v1`);
      assertCaught(verdict, 'invalid', /targets\/releases of .* was ignored \(valid signatures did not meet threshold for targets\/releases: 0 of 1 \(.*unknown-key\)/);
    });
  });

  void describe('8. a wrong key ID', () => {
    void it('the timestamp signature names the snapshot key (a root key, but not the timestamp role\'s)', async () => {
      const snapshotKeyId = parseFile(real.root).signed.roles.snapshot.keyids[0] as string;
      f.tamper(editFile(repo.gun, 'timestamp', (b) => withSignatures(b, (sigs) => sigs.map((s) => ({ ...s, keyid: snapshotKeyId })))));
      assertCaught(await check(/^timestamp\.json$/), 'invalid', /threshold for timestamp: 0 of 1 \(.*unknown-key\)/);
    });

    void it('root files the real timestamp key under an ID that is not its content\'s, and the signature names that ID', async () => {
      const fakeId = createHash('sha256').update('not the key content').digest('hex');
      const root = ownerRootWith((s) => {
        const realId = s.roles.timestamp.keyids[0] as string;
        s.keys[fakeId] = s.keys[realId];
        delete s.keys[realId];
        s.roles.timestamp.keyids = [fakeId];
      });
      const timestamp = editFile(repo.gun, 'timestamp', (b) => withSignatures(b, (sigs) => sigs.map((s) => ({ ...s, keyid: fakeId }))));
      f.tamper(firstOf(serveRoot(root), timestamp));
      assertCaught(await check(/^timestamp\.json$/), 'invalid', new RegExp(`timestamp: key ID ${fakeId} is not valid for its key content`));
    });
  });

  void describe('9. a key of the wrong type', () => {
    void it('the real timestamp signature claims method eddsa while the key is ecdsa', async () => {
      f.tamper(editFile(repo.gun, 'timestamp', (b) => withSignatures(b, (sigs) => sigs.map((s) => ({ ...s, method: 'eddsa' })))));
      assertCaught(await check(/^timestamp\.json$/), 'invalid', /threshold for timestamp: 0 of 1 \(.*wrong-key-type\)/);
    });

    void it('root declares the real timestamp key as ed25519 while its signature is ecdsa', async () => {
      const ts = parseFile(real.root).signed;
      const realId = ts.roles.timestamp.keyids[0] as string;
      const declared = { keytype: 'ed25519', public: Buffer.from(ts.keys[realId].keyval.public as string, 'base64') };
      const declaredId = keyIdOf(declared.keytype, declared.public);
      const root = ownerRootWith((s) => {
        delete s.keys[realId];
        s.keys[declaredId] = keyJson(declared);
        s.roles.timestamp.keyids = [declaredId];
      });
      const timestamp = editFile(repo.gun, 'timestamp', (b) => withSignatures(b, (sigs) => sigs.map((s) => ({ ...s, keyid: declaredId }))));
      f.tamper(firstOf(serveRoot(root), timestamp));
      assertCaught(await check(/^timestamp\.json$/), 'invalid', /threshold for timestamp: 0 of 1 \(.*wrong-key-type\)/);
    });
  });

  void describe('13. duplicate signatures count once', () => {
    void it('timestamp threshold 2, and the one real timestamp signature appears twice', async () => {
      const root = ownerRootWith((s) => { s.roles.timestamp.threshold = 2; });
      const timestamp = editFile(repo.gun, 'timestamp', (b) => withSignatures(b, (sigs) => [...sigs, ...sigs]));
      f.tamper(firstOf(serveRoot(root), timestamp));
      const verdict = await check(/^timestamp\.json$/);
      assertCaught(verdict, 'invalid', /valid signatures did not meet threshold for timestamp: 1 of 2/);
      assert.equal(parseFile(f.server.served.find((s) => s.file === 'timestamp.json')!.body!).signatures.length, 2);
    });

    void it('timestamp threshold 2 with the real timestamp key listed twice, and its signature twice', async () => {
      const root = ownerRootWith((s) => {
        s.roles.timestamp.keyids = [s.roles.timestamp.keyids[0], s.roles.timestamp.keyids[0]];
        s.roles.timestamp.threshold = 2;
      });
      const timestamp = editFile(repo.gun, 'timestamp', (b) => withSignatures(b, (sigs) => [...sigs, ...sigs]));
      f.tamper(firstOf(serveRoot(root), timestamp));
      assertCaught(await check(/^timestamp\.json$/), 'invalid', /valid signatures did not meet threshold for timestamp: 1 of 2/);
    });

    void it('root threshold 2, signed twice by the same real root key (two different valid ECDSA signatures)', async () => {
      const root = ownerRootWith((s) => { s.roles.root.threshold = 2; }, [ownerRoot, ownerRoot]);
      const [a, b] = parseFile(root).signatures;
      assert.ok(a && b && a.keyid === b.keyid && a.sig !== b.sig);
      f.tamper(serveRoot(root));
      assertCaught(await check(/^root\.json$/), 'invalid', /valid signatures did not meet threshold for root: 1 of 2/);
    });
  });
});
