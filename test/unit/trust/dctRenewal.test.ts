import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanDockerfile } from '../../../src/core/parse/dockerfile';
import type { EvaluatedResult } from '../../../src/core/trust/checkResult';
import { dctSignature } from '../../../src/core/trust/dct/dctSignature';
import type { RepositoryOutcome } from '../../../src/core/trust/dct/outcome';
import { dctRenewal, renewalContext, type RenewalContext } from '../../../src/core/trust/dct/renewal';
import type { TrustData, VerifiedRole, VerifiedTargetsRole } from '../../../src/core/trust/dct/tuf/verifiedData';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
const GUN = '127.0.0.1:5000/acme/app';
const HEX = '1'.repeat(64);

function role(name: string, days: number): VerifiedRole {
  const expiresAt = NOW + days * DAY;
  return { name, version: 2, expires: new Date(expiresAt).toISOString(), expiresAt, keys: [], threshold: 1, signedBy: [] };
}

function targetsRole(name: string, days: number, tags: string[] = []): VerifiedTargetsRole {
  const targets = Object.create(null) as Record<string, { sha256: string; length: number }>;
  for (const t of tags) targets[t] = { sha256: HEX, length: 10 };
  return { ...role(name, days), paths: [''], targets: targets as VerifiedTargetsRole['targets'], delegations: [] };
}

/** Trust data delegating to `signers` (and the release role when there are any), `v1` released. */
function data(signers: string[]): TrustData {
  const names = signers.length > 0 ? ['targets/releases', ...signers.map((s) => `targets/${s}`)] : [];
  return {
    gun: GUN,
    root: { ...role('root', 3650), consistentSnapshot: false },
    timestamp: role('timestamp', 14),
    snapshot: role('snapshot', 1000),
    targets: { ...targetsRole('targets', 1000, signers.length > 0 ? [] : ['v1']), delegations: names.map((name) => ({ name, keys: [], threshold: 1, declaredPaths: [''], paths: [''] })) },
    delegations: names.map((n, i) => targetsRole(n, 10 + i, ['v1'])),
    problems: [],
    absent: [],
  };
}

const context = (d: TrustData, rest: Partial<RenewalContext> = {}): RenewalContext => ({ data: d, tag: 'v1', signers: ['alice'], ...rest });

void describe('who renews each DCT role, and with which command', () => {
  void it('the trust server renews the timestamp, and the snapshot whose key it holds (or, not asked, says so), with no command', () => {
    const c = context(data(['alice']));
    assert.deepEqual(dctRenewal('timestamp', c), { renewedBy: 'the trust server, automatically' });
    assert.deepEqual(dctRenewal('snapshot', c), { renewedBy: 'the trust server, automatically, when it holds the snapshot key (as docker trust sets it up); else the repository owner\'s next publish' });
    assert.deepEqual(dctRenewal('snapshot', { ...c, snapshotServerManaged: true }), { renewedBy: 'the trust server, automatically (it holds the snapshot key)' });
  });

  void it('a snapshot the owner signs is renewed by their next publish', () => {
    assert.deepEqual(dctRenewal('snapshot', context(data([]), { snapshotServerManaged: false, signers: [] })), {
      renewedBy: 'the repository owner: every publish re-signs it, e.g. signing a tag again', renewCommand: `trustlens sign ${GUN}:v1`,
    });
  });

  void it('root: the root key holder, by rotating the root key', () => {
    assert.deepEqual(dctRenewal('root', context(data(['alice']))), { renewedBy: 'the root key holder, by rotating the root key', renewCommand: `trustlens key rotate ${GUN} root` });
  });

  void it('targets: the repository key holder, signing it again as it is, whether or not signers are delegated', () => {
    const witness = { renewedBy: 'the repository key holder, by signing targets again as it is', renewCommand: `trustlens witness ${GUN} targets` };
    assert.deepEqual(dctRenewal('targets', context(data([]), { signers: [] })), witness);
    assert.deepEqual(dctRenewal('targets', context(data(['alice', 'bob']), { signers: ['bob'] })), witness);
    assert.deepEqual(dctRenewal('targets', context(data(['alice']), { tag: null })), witness, 'no tag needed');
  });

  void it('the release role and a signer\'s role: that signer signing the tag again', () => {
    const c = context(data(['alice', 'bob']), { signers: ['alice', 'bob'] });
    assert.deepEqual(dctRenewal('targets/releases', c), { renewedBy: 'a signer of the release role (alice, bob), by signing the tag again', renewCommand: `trustlens sign ${GUN}:v1 --signer alice` });
    assert.deepEqual(dctRenewal('targets/bob', c), { renewedBy: 'signer bob, by signing the tag again', renewCommand: `trustlens sign ${GUN}:v1 --signer bob` });
  });

  void it('a nested delegation, or a signer role without a tag to sign: signing the role again as it is', () => {
    assert.deepEqual(dctRenewal('targets/alice/ci', context(data(['alice']))), { renewedBy: 'a holder of a targets/alice/ci key, by signing it again as it is', renewCommand: `trustlens witness ${GUN} targets/alice/ci` });
    assert.deepEqual(dctRenewal('targets/alice', context(data(['alice']), { tag: null })), { renewedBy: 'signer alice, by signing its role again as it is', renewCommand: `trustlens witness ${GUN} targets/alice` });
    assert.deepEqual(dctRenewal('targets/releases', context(data(['alice']), { tag: null })), { renewedBy: 'a holder of a release role key, by signing the role again as it is', renewCommand: `trustlens witness ${GUN} targets/releases` });
  });

  void it('no command when a name from the trust data could be read by a shell or taken for an option', () => {
    for (const name of ['a;b', '-x', '--force', 'a b']) {
      const renewal = dctRenewal(`targets/${name}`, context(data(['alice']), { signers: [name] }));
      assert.equal(renewal.renewCommand, undefined, name);
      assert.equal(dctRenewal('targets/releases', context(data([name]), { signers: [name] })).renewCommand, undefined, name);
    }
  });

  void it('a digest-only reference is renewed through a released tag of its digest', () => {
    const occurrence = scanDockerfile('Dockerfile', `FROM ${GUN}@sha256:${HEX}\n`).references[0]!;
    const c = renewalContext({ target: { kind: 'reference', occurrence }, signedDigest: `sha256:${HEX}`, signers: ['alice'] }, data(['alice']));
    assert.equal(c.tag, 'v1');
  });

  void it('the evidence carries it for every owner-held role, and an owner-held snapshot once the server said so', () => {
    const d = data(['alice']);
    const occurrence = scanDockerfile('Dockerfile', `FROM ${GUN}:v1\n`).references[0]!;
    const result: EvaluatedResult = {
      target: { kind: 'reference', occurrence }, status: 'signed', signedDigest: `sha256:${HEX}`, role: 'targets/releases', signers: ['alice'],
      expires: new Date(NOW + 10 * DAY).toISOString(), findings: [], trustServer: 'https://127.0.0.1:4443',
    };
    const outcome: RepositoryOutcome = { kind: 'verified', data: d, firstUse: false, pinnedAt: undefined, verifiedAt: new Date(NOW).toISOString(), requests: 0 };
    const evidence = dctSignature(result, outcome);
    assert.deepEqual(evidence.expires.map((e) => [e.what, e.renewCommand]), [
      ['targets/releases', `trustlens sign ${GUN}:v1 --signer alice`],
      ['targets/alice', `trustlens sign ${GUN}:v1 --signer alice`],
      ['targets', `trustlens witness ${GUN} targets`],
      ['root', `trustlens key rotate ${GUN} root`],
    ]);
    const owned = dctSignature(result, outcome, false);
    assert.deepEqual(owned.expires.find((e) => e.what === 'snapshot'), {
      what: 'snapshot', expires: d.snapshot.expires, renewedBy: 'the repository owner: every publish re-signs it, e.g. signing a tag again', renewCommand: `trustlens sign ${GUN}:v1`,
    });
  });
});
