/**
 * Attack matrix, root of trust: a root rotation the pinned root did not sign, a root certificate
 * whose CN is not the GUN, and an expired root certificate. Real repositories from the real notary
 * CLI; the owner's real root key re-signs roots where a case needs a changed one, and keys the test
 * makes stand for an attacker's (or for the new key of a legitimate rotation).
 */
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { MemoryMetadataStore } from '../../src/core/trust/dct/metadataStore';
import { offsetClock, systemClock } from '../../src/core/ports';
import { buildReleases, buildTargetsOnly, type Scenario } from '../helpers/stack/scenarios';
import { assertCaught, assertSigned, startAttackFixture, type AttackFixture } from '../helpers/attack/fixture';
import { editAndSign, fetchRepoFiles, parseFile, type RepoFiles } from '../helpers/attack/metadataFiles';
import { ownerRootKey, reissuedRootKey, type OwnerRootKey } from '../helpers/attack/ownerKeys';
import { newServerKeys, serverSigned, setRoleKey, type ServerKeys } from '../helpers/attack/serverKeys';
import { editFile, impersonate, serveRepo } from '../helpers/attack/tampers';
import { ecdsaKey, rootCertKey, type TestKey } from '../helpers/tufRepo';

const DAY = 86_400_000;

void describe('attacks on the root of trust: rotation, CN, certificate expiry', () => {
  let f: AttackFixture;
  let repo: Scenario;
  let neighbour: Scenario;
  let ref: string;
  let digest: string;
  let real: RepoFiles;
  let owner: OwnerRootKey;
  let serverKeys: ServerKeys;
  let newRootKey: TestKey;
  let rootVersion: number;

  before(async () => {
    f = await startAttackFixture();
    repo = await buildReleases(f.ownerStack, { repository: 'attack/root' });
    neighbour = await buildTargetsOnly(f.ownerStack, { repository: 'attack/neighbour' });
    ref = `${repo.gun}:v1`;
    digest = repo.images.v1!.digest;
    real = await fetchRepoFiles(f.server.upstream, repo.gun);
    owner = await ownerRootKey(f.owner, real.root);
    serverKeys = newServerKeys();
    newRootKey = rootCertKey(repo.gun, new Date());
    rootVersion = parseFile(real.root).signed.version as number;
  });
  after(async () => {
    await f?.stop();
  });
  beforeEach(() => f.honest());

  /** A store that pinned the real root through the honest proxy. */
  const pinnedStore = async () => {
    const store = new MemoryMetadataStore();
    assertSigned(await f.trustLens.check(ref, { store }), digest);
    return store;
  };
  /** The real root rotated to `newRootKey` (and the server keys) at `version`, signed by `signers`. */
  const rotatedRoot = (signers: readonly TestKey[], version = rootVersion + 1, edit?: (s: ReturnType<typeof parseFile>['signed']) => void, rootKey = newRootKey) =>
    editAndSign(real.root, signers, (s) => {
      setRoleKey(s, 'root', rootKey);
      setRoleKey(s, 'timestamp', serverKeys.timestamp);
      setRoleKey(s, 'snapshot', serverKeys.snapshot);
      edit?.(s);
      s.version = version;
    });

  void describe('10. root rotation not signed by the pinned root', () => {
    void it('control: a rotation signed by the pinned root key and the new key is followed', async () => {
      const store = await pinnedStore();
      f.tamper(serveRepo(repo.gun, serverSigned(real, rotatedRoot([owner, newRootKey]), serverKeys)));
      const verdict = await f.trustLens.check(ref, { store });
      assertSigned(verdict, digest);
      assert.match(verdict.log.text, /refreshing the root of/);
    });

    void it('the same new root signed only by the new key', async () => {
      const store = await pinnedStore();
      f.tamper(serveRepo(repo.gun, serverSigned(real, rotatedRoot([newRootKey]), serverKeys)));
      assertCaught(await f.trustLens.check(ref, { store }), 'invalid',
        /could not rotate trust to a new trusted root: failed to validate data with current trusted certificates/);
    });

    void it('a takeover: new root, targets and server keys, and v1 re-signed to the attacker\'s digest', async () => {
      const store = await pinnedStore();
      const targetsKey = ecdsaKey();
      const root = rotatedRoot([newRootKey], rootVersion + 1, (s) => setRoleKey(s, 'targets', targetsKey));
      const evilDigest = createHash('sha256').update('attacker image').digest();
      const targets = editAndSign(real.targets, [targetsKey], (s) => {
        s.targets.v1 = { hashes: { sha256: evilDigest.toString('base64') }, length: 401 };
        s.delegations = { keys: {}, roles: [] };
        s.version += 1;
      });
      f.tamper(serveRepo(repo.gun, serverSigned(real, root, serverKeys, { vouchFor: { targets } })));
      assertCaught(await f.trustLens.check(ref, { store }), 'invalid', /could not rotate trust to a new trusted root/);
    });

    void it('control: a chain of rotations, each root signed by its predecessor\'s key and its own, is followed', async () => {
      const store = await pinnedStore();
      const keys = [owner, rootCertKey(repo.gun, new Date()), rootCertKey(repo.gun, new Date()), rootCertKey(repo.gun, new Date())];
      const roots = [1, 2, 3].map((i) => rotatedRoot([keys[i - 1]!, keys[i]!], rootVersion + i, undefined, keys[i]!));
      const chain = new Map([[`${rootVersion + 1}.root.json`, roots[0]!], [`${rootVersion + 2}.root.json`, roots[1]!]]);
      f.tamper(serveRepo(repo.gun, serverSigned(real, roots[2]!, serverKeys), chain));
      const verdict = await f.trustLens.check(ref, { store });
      assertSigned(verdict, digest);
      assert.match(verdict.log.text, /walking the root rotation chain/);
    });

    void it('a chain of rotations (<v>.root.json) each signed only by the new key', async () => {
      const store = await pinnedStore();
      const chain = new Map<string, Uint8Array>();
      for (let v = rootVersion + 1; v < rootVersion + 3; v++) chain.set(`${v}.root.json`, rotatedRoot([newRootKey], v));
      const newest = rotatedRoot([newRootKey], rootVersion + 3);
      f.tamper(serveRepo(repo.gun, serverSigned(real, newest, serverKeys), chain));
      const verdict = await f.trustLens.check(ref, { store });
      assert.ok(f.server.served.some((s) => s.file === `${rootVersion + 1}.root.json`), 'the rotation chain was not walked');
      assertCaught(verdict, 'invalid', /could not rotate trust to a new trusted root/);
    });
    void it('a long claimed chain: the walk stops at the first intermediate the pinned root did not sign, as notary\'s does', async () => {
      const store = await pinnedStore();
      const claimed = rootVersion + 60;
      const chain = new Map<string, Uint8Array>();
      for (let v = rootVersion + 1; v < claimed; v++) chain.set(`${v}.root.json`, rotatedRoot([newRootKey], v));
      f.tamper(serveRepo(repo.gun, serverSigned(real, rotatedRoot([newRootKey], claimed), serverKeys), chain));
      assertCaught(await f.trustLens.check(ref, { store }), 'invalid', /could not rotate trust to a new trusted root/);
      // Each intermediate may be up to 100 MiB: fetching all of them before checking any lets a
      // server make a client hold gigabytes.
      const fetched = f.server.served.filter((s) => /^\d+\.root\.json$/.test(s.file)).map((s) => s.file);
      assert.deepEqual(fetched, [`${rootVersion + 1}.root.json`]);
    });
  });

  void describe('11. certificate CN is not the GUN', () => {
    void it('control: the neighbouring repository verifies under its own name', async () => {
      assertSigned(await f.trustLens.check(`${neighbour.gun}:v1`), neighbour.images.v1!.digest);
    });

    void it('the neighbour\'s real, validly signed trust data served under another GUN', async () => {
      const impostor = `${f.stack.registry.host}/attack/impostor`;
      f.tamper(impersonate(impostor, neighbour.gun));
      const verdict = await f.trustLens.check(`${impostor}:v1`);
      assert.ok(f.server.served.some((s) => s.gun === impostor && s.file === 'root.json' && s.status === 200));
      assertCaught(verdict, 'invalid', new RegExp(`unable to retrieve valid leaf certificates for ${impostor} \\(CN "${neighbour.gun}": cn-mismatch\\)`));
    });

    void it('the real root re-signed by the owner\'s root key under a certificate naming another repository', async () => {
      const now = new Date();
      const cert = reissuedRootKey(owner, { cn: neighbour.gun, notBefore: now, notAfter: new Date(now.getTime() + 3650 * DAY) });
      const root = editAndSign(real.root, [cert], (s) => setRoleKey(s, 'root', cert));
      f.tamper(editFile(repo.gun, 'root', () => root));
      assertCaught(await f.trustLens.check(ref), 'invalid', /unable to retrieve valid leaf certificates .*cn-mismatch/);
    });
  });

  void describe('12. an expired root certificate', () => {
    const beyondNotAfter = offsetClock(systemClock, 3651 * DAY);

    void it('control: the real root re-signed under a re-issued, valid certificate verifies', async () => {
      const now = Date.now();
      const cert = reissuedRootKey(owner, { cn: repo.gun, notBefore: new Date(now - DAY), notAfter: new Date(now + 3650 * DAY) });
      const root = editAndSign(real.root, [cert], (s) => {
        setRoleKey(s, 'root', cert);
        setRoleKey(s, 'timestamp', serverKeys.timestamp);
        setRoleKey(s, 'snapshot', serverKeys.snapshot);
      });
      f.tamper(serveRepo(repo.gun, serverSigned(real, root, serverKeys)));
      assertSigned(await f.trustLens.check(ref), digest);
    });

    void it('first use with the clock moved past the real certificate\'s NotAfter', async () => {
      assertCaught(await f.trustLens.check(ref, { clock: beyondNotAfter }), 'expired',
        /could not validate the path to a trusted root: unable to retrieve valid leaf certificates .*expired/);
    });

    void it('a root pinned while valid, checked once its certificate has expired', async () => {
      const store = await pinnedStore();
      assertCaught(await f.trustLens.check(ref, { store, clock: beyondNotAfter }), 'expired', /unable to retrieve valid leaf certificates .*expired/);
    });

    void it('the real root re-signed under a certificate for the GUN that expired yesterday', async () => {
      const now = Date.now();
      const cert = reissuedRootKey(owner, { cn: repo.gun, notBefore: new Date(now - 30 * DAY), notAfter: new Date(now - DAY) });
      f.tamper(editFile(repo.gun, 'root', () => editAndSign(real.root, [cert], (s) => setRoleKey(s, 'root', cert))));
      assertCaught(await f.trustLens.check(ref), 'expired', /unable to retrieve valid leaf certificates .*expired/);
    });

    void it('a certificate not valid until two days from now (beyond the one day of leeway)', async () => {
      const now = Date.now();
      const cert = reissuedRootKey(owner, { cn: repo.gun, notBefore: new Date(now + 2 * DAY), notAfter: new Date(now + 3650 * DAY) });
      f.tamper(editFile(repo.gun, 'root', () => editAndSign(real.root, [cert], (s) => setRoleKey(s, 'root', cert))));
      assertCaught(await f.trustLens.check(ref), 'expired', /unable to retrieve valid leaf certificates .*expired/);
    });
  });
});
