import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TrustedSet } from '../../../src/core/trust/dct/tuf/trustedSet';
import { TufError, type TufErrorCode } from '../../../src/core/trust/dct/tuf/tufErrors';
import { keyJson, rootCertKey, type TestKey } from '../../helpers/tufRepo';
import { TestRepo } from '../../helpers/tufRepoBuilder';

const GUN = 'docker.io/acme/app';
const NOW = new Date('2026-03-01T12:00:00Z');
const YEAR = 365 * 24 * 3600_000;
const set = (over: { cachedVersions?: Record<string, number>; at?: Date } = {}) =>
  new TrustedSet({ gun: GUN, clock: { now: () => over.at ?? NOW }, ...(over.cachedVersions ? { cachedVersions: over.cachedVersions } : {}) });

function fails(fn: () => unknown, code: TufErrorCode): void {
  assert.throws(fn, (e: unknown) => TufError.isTuf(e, code) && e.role === 'root');
}

/** Root versions 1..n, each rotating to a new root key and signed by the previous and the new key. */
function rootChain(n: number): { repo: TestRepo; roots: Uint8Array[]; keys: TestKey[] } {
  const repo = new TestRepo({ gun: GUN, now: NOW });
  const keys = [repo.keys.root];
  const roots = [repo.build().root];
  for (let v = 2; v <= n; v++) {
    const prev = keys[keys.length - 1] as TestKey;
    const next = rootCertKey(GUN, NOW);
    delete repo.root.keys[prev.id];
    repo.root.keys[next.id] = keyJson(next);
    repo.root.roles.root = { keyids: [next.id], threshold: 1 };
    repo.root.version = v;
    keys.push(next);
    roots.push(repo.build({ signers: { root: [prev, next] } }).root);
  }
  return { repo, roots, keys };
}

void describe('TrustedSet.loadRoot: pinning and rotation', () => {
  void it('trusts on first use when nothing is pinned', () => {
    const { roots } = rootChain(3);
    assert.equal(set().loadRoot(roots[2] as Uint8Array).version, 3);
  });

  void it('accepts the next root signed by the pinned root, and the pinned root itself', () => {
    const { roots } = rootChain(2);
    assert.equal(set().loadRoot(roots[1] as Uint8Array, { trustedRoot: roots[0] as Uint8Array }).version, 2);
    assert.equal(set().loadRoot(roots[0] as Uint8Array, { trustedRoot: roots[0] as Uint8Array }).version, 1);
  });

  void it('needs the intermediate <v>.root.json files when more than one version behind', () => {
    const { roots } = rootChain(4);
    const [v1, v2, v3, v4] = roots as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    fails(() => set().loadRoot(v4, { trustedRoot: v1 }), 'root-rotation-invalid');
    assert.equal(set().loadRoot(v4, { trustedRoot: v1, intermediateRoots: [v2, v3] }).version, 4);
    fails(() => set().loadRoot(v4, { trustedRoot: v1, intermediateRoots: [v3] }), 'root-rotation-invalid');
    fails(() => set().loadRoot(v4, { trustedRoot: v1, intermediateRoots: [v2, v2, v3] }), 'rollback');
  });

  void it('refuses a rotation that the pinned root did not sign', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const v1 = repo.build().root;
    const intruder = rootCertKey(GUN, NOW);
    repo.root.keys = { ...repo.root.keys, [intruder.id]: keyJson(intruder) };
    repo.root.roles.root = { keyids: [intruder.id], threshold: 1 };
    repo.root.version = 2;
    fails(() => set().loadRoot(repo.build({ signers: { root: [intruder] } }).root, { trustedRoot: v1 }), 'root-rotation-invalid');
  });

  void it('refuses a root older than the pinned or cached one', () => {
    // Same keys, so the old root passes the signature checks and only its version gives it away.
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const v1 = repo.build().root;
    repo.root.version = 2;
    const v2 = repo.build().root;
    fails(() => set().loadRoot(v1, { trustedRoot: v2 }), 'rollback');
    fails(() => set({ cachedVersions: { root: 5 } }).loadRoot(v2), 'rollback');
    assert.equal(set({ cachedVersions: { root: 2 } }).loadRoot(v2).version, 2);
  });

  void it('accepts an expired pinned root but not an expired new root', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    repo.root.expires = repo.expiresIn(YEAR);
    const v1 = repo.build().root;
    repo.root.version = 2;
    repo.root.expires = repo.expiresIn(5 * YEAR);
    const v2 = repo.build().root;
    const later = new Date(NOW.getTime() + 2 * YEAR);
    assert.equal(set({ at: later }).loadRoot(v2, { trustedRoot: v1 }).version, 2);
    fails(() => set({ at: later }).loadRoot(v1), 'expired');
  });

  void it('fails hard when the pinned root certificate has expired', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW, keys: { root: rootCertKey(GUN, NOW, { notAfter: new Date(NOW.getTime() + YEAR) }) } });
    const v1 = repo.build().root;
    fails(() => set({ at: new Date(NOW.getTime() + 2 * YEAR) }).loadRoot(v1, { trustedRoot: v1 }), 'certificate-expired');
  });

  void it('loads a root only once', () => {
    const { roots } = rootChain(1);
    const s = set();
    s.loadRoot(roots[0] as Uint8Array);
    assert.throws(() => s.loadRoot(roots[0] as Uint8Array), (e: unknown) => TufError.isTuf(e, 'out-of-order'));
  });
});
