import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanDockerfile } from '../../../src/core/parse/dockerfile';
import { defaultPolicy, effectivePolicy, type Policy } from '../../../src/core/policy/policy';
import { evaluateReference } from '../../../src/core/trust/dct/evaluate';
import type { RepositoryOutcome } from '../../../src/core/trust/dct/outcome';
import type { TrustData, VerifiedRole, VerifiedTargetsRole } from '../../../src/core/trust/dct/tuf/verifiedData';

const NOW = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

function role(name: string, expiresInDays: number): VerifiedRole {
  const expiresAt = NOW.getTime() + expiresInDays * DAY;
  return { name, version: 1, expires: new Date(expiresAt).toISOString(), expiresAt, keys: [{ id: `${name}-key`, keytype: 'ecdsa', canonicalId: `${name}-key` }], threshold: 1, signedBy: [`${name}-key`] };
}

function targetsRole(name: string, tags: Record<string, string>, children: string[] = [], expiresInDays = 1000): VerifiedTargetsRole {
  const targets = Object.create(null) as VerifiedTargetsRole['targets'];
  for (const [tag, digest] of Object.entries(tags)) (targets as Record<string, unknown>)[tag] = { sha256: digest.slice(7), length: 500 };
  return {
    ...role(name, expiresInDays),
    paths: [''],
    targets,
    delegations: children.map((c) => ({ name: c, keys: [], threshold: 1, declaredPaths: [''], paths: [''] })),
  };
}

/** Trust data shaped like docker's: targets delegating to releases and one role per signer. */
function data(options: { targets?: Record<string, string>; releases?: Record<string, string>; signers?: Record<string, Record<string, string>>; targetsDays?: number; problems?: TrustData['problems'] }): TrustData {
  const delegations = [
    ...(options.releases ? [targetsRole('targets/releases', options.releases)] : []),
    ...Object.entries(options.signers ?? {}).map(([name, tags]) => targetsRole(`targets/${name}`, tags)),
  ];
  return {
    gun: 'registry.example.com/acme/app',
    root: { ...role('root', 3650), consistentSnapshot: false },
    timestamp: role('timestamp', 3),
    snapshot: role('snapshot', 1000),
    targets: targetsRole('targets', options.targets ?? {}, delegations.map((d) => d.name), options.targetsDays ?? 1000),
    delegations,
    problems: options.problems ?? [],
    absent: [],
  };
}

function verified(d: TrustData): RepositoryOutcome {
  return { kind: 'verified', data: d, firstUse: false, pinnedAt: undefined, verifiedAt: NOW.toISOString(), requests: 0 };
}

function check(text: string, outcome: RepositoryOutcome, policy: Policy = defaultPolicy(), server = SERVER) {
  const scan = scanDockerfile('Dockerfile', `FROM ${text}\n`);
  const occurrence = scan.references[0]!;
  return evaluateReference(occurrence, outcome, { policy: effectivePolicy(policy, occurrence.ref.repository), now: NOW, server });
}

const codes = (r: ReturnType<typeof check>) => r.findings.map((f) => f.code);
const IMG = 'registry.example.com/acme/app';
const SERVER = 'https://notary.example.com';

void describe('evaluateReference', () => {
  void it('signs a released tag with its signers', () => {
    const r = check(`${IMG}:1.0`, verified(data({ releases: { '1.0': D1 }, signers: { alice: { '1.0': D1 }, bob: { '1.0': D2 } } })));
    assert.equal(r.status, 'signed');
    assert.equal(r.signedDigest, D1);
    assert.equal(r.role, 'targets/releases');
    assert.deepEqual(r.signers, ['alice'], 'bob signed another digest');
    assert.deepEqual(codes(r), []);
    assert.equal(r.expires, new Date(NOW.getTime() + 1000 * DAY).toISOString());
  });

  void it('counts a tag in targets as released by the repository key', () => {
    const r = check(`${IMG}:1.0`, verified(data({ targets: { '1.0': D1 } })));
    assert.equal(r.status, 'signed');
    assert.equal(r.role, 'targets');
    assert.deepEqual(r.signers, []);
  });

  void it('reports a tag only a signer holds as not released, naming the signer', () => {
    const r = check(`${IMG}:2.0`, verified(data({ releases: { '1.0': D1 }, signers: { alice: { '2.0': D2 } } })));
    assert.equal(r.status, 'not-released');
    assert.equal(r.role, 'targets/alice');
    assert.deepEqual(r.signers, ['alice']);
    assert.equal(r.signedDigest, D2);
    assert.deepEqual(codes(r), ['not-released']);
    assert.match(r.findings[0]!.message, /signed only by alice \(targets\/alice\)/);
  });

  void it('reports an unsigned tag with what is signed', () => {
    const r = check(`${IMG}:9.9`, verified(data({ releases: { '1.0': D1, '1.1': D2 } })));
    assert.equal(r.status, 'unsigned');
    assert.deepEqual(codes(r), ['unsigned-tag']);
    assert.match(r.findings[0]!.message, /acme\/app:9\.9 is not signed in registry\.example\.com\/acme\/app \(trust data has 2 signed tags: 1\.0, 1\.1\)/);
    assert.equal(r.findings[0]!.severity, 'error');
  });

  void it('checks a pinned digest against the signed one', () => {
    assert.equal(check(`${IMG}:1.0@${D1}`, verified(data({ releases: { '1.0': D1 } }))).status, 'signed');
    const wrong = check(`${IMG}:1.0@${D2}`, verified(data({ releases: { '1.0': D1 } })));
    assert.equal(wrong.status, 'digest-mismatch');
    assert.equal(wrong.signedDigest, D1);
    assert.deepEqual(codes(wrong), ['digest-mismatch']);
  });

  void it('matches a digest-only reference against every released target', () => {
    const d = data({ releases: { '1.0': D1 }, signers: { alice: { x: D2 } } });
    assert.equal(check(`${IMG}@${D1}`, verified(d)).status, 'signed');
    assert.equal(check(`${IMG}@${D2}`, verified(d)).status, 'unsigned', 'a digest only a signer holds is not released');
  });

  void it('maps every failed outcome to its own status, never signed', () => {
    const cases: [RepositoryOutcome, string, string][] = [
      [{ kind: 'unverifiable', message: 'timed out' }, 'unverifiable', 'unverifiable'],
      [{ kind: 'no-trust-data', message: 'none' }, 'no-trust-data', 'no-trust-data'],
      [{ kind: 'expired', role: 'timestamp', message: 'timestamp expired at …' }, 'expired', 'expired-metadata'],
      [{ kind: 'invalid', code: 'threshold-not-met', role: 'targets', message: 'signatures did not meet threshold' }, 'invalid', 'invalid-trust-data'],
    ];
    for (const [outcome, status, code] of cases) {
      const r = check(`${IMG}:1.0`, outcome);
      assert.equal(r.status, status);
      assert.deepEqual(codes(r), [code]);
      assert.equal(r.signedDigest, null);
    }
    assert.match(check(`${IMG}:1.0`, { kind: 'unverifiable', message: 'timed out' }).findings[0]!.message, /says nothing about whether it is signed/);
  });

  void it('says why an unreachable trust server could not be asked in a few words, and keeps the URL and error code as the detail', () => {
    const message = 'cannot reach https://127.0.0.1:9/v2/127.0.0.1%3A9/team/app/_trust/tuf/root.json (GET): connect ECONNREFUSED 127.0.0.1:9';
    const r = check(`${IMG}:1.0`, { kind: 'unverifiable', message, reason: 'refused the connection' });
    assert.equal(r.status, 'unverifiable');
    assert.deepEqual(r.findings.map((f) => [f.code, f.message, f.detail]), [[
      'unverifiable',
      `Could not verify ${IMG}:1.0: the trust server ${SERVER} refused the connection. This says nothing about whether it is signed.`,
      message,
    ]]);
    // Without a reason the message itself is the cause, and there is no separate detail.
    const other = check(`${IMG}:1.0`, { kind: 'unverifiable', message: 'GET https://x/root.json returned 503' }).findings[0]!;
    assert.equal(other.message, `Could not verify ${IMG}:1.0: GET https://x/root.json returned 503 (trust server ${SERVER}). This says nothing about whether it is signed.`);
    assert.equal(other.detail, undefined);
  });

  void it('does not let an ignored releases role turn a digest-only reference into unsigned, as by tag', () => {
    for (const [code, status, finding] of [['expired', 'expired', 'expired-metadata'], ['threshold-not-met', 'invalid', 'invalid-trust-data']] as const) {
      const problems = [{ role: 'targets/releases', code, message: `targets/releases ${code}` }];
      const d = data({ signers: { alice: { '1.0': D1 } }, problems });
      for (const ref of [`${IMG}@${D1}`, `${IMG}@${D2}`, `${IMG}:1.0`]) {
        const r = check(ref, verified(d));
        assert.equal(r.status, status, `${ref} with ${code} releases`);
        assert.deepEqual(codes(r), [finding], ref);
        assert.equal(r.signedDigest, null);
        assert.match(r.findings[0]!.message, new RegExp(`targets/releases of ${IMG} was ignored \\(targets/releases ${code}\\)`));
      }
    }
    // A digest the repository key released in targets is still signed when releases was ignored, as by tag.
    const inTargets = data({ targets: { '2.0': D2 }, problems: [{ role: 'targets/releases', code: 'expired', message: 'expired' }] });
    assert.equal(check(`${IMG}@${D2}`, verified(inTargets)).status, 'signed');
    assert.equal(check(`${IMG}:2.0`, verified(inTargets)).status, 'signed');
  });

  void it('does not let an ignored releases role turn into unsigned', () => {
    const r = check(`${IMG}:1.0`, verified(data({ problems: [{ role: 'targets/releases', code: 'expired', message: 'targets/releases expired' }] })));
    assert.equal(r.status, 'expired');
    assert.deepEqual(codes(r), ['expired-metadata']);
  });

  void it('warns before owner-held signatures expire, never for the timestamp', () => {
    const r = check(`${IMG}:1.0`, verified(data({ releases: { '1.0': D1 }, targetsDays: 10 })));
    assert.equal(r.status, 'signed');
    assert.deepEqual(codes(r), ['expiring-soon']);
    assert.match(r.findings[0]!.message, /The targets signature of .* expires on \d{4}-\d{2}-\d{2} \(in 10 days\)/);
    const policy = { ...defaultPolicy(), expiryWarningDays: 5 };
    assert.deepEqual(codes(check(`${IMG}:1.0`, verified(data({ releases: { '1.0': D1 }, targetsDays: 10 })), policy)), []);
  });

  void it('requires every signer a policy names to sign the released digest', () => {
    const policy: Policy = { ...defaultPolicy(), rules: [{ images: ['registry.example.com/**'], requireSigners: ['ci', 'qa'], severity: {} }] };
    const both = data({ releases: { '1.0': D1 }, signers: { ci: { '1.0': D1 }, qa: { '1.0': D1 } } });
    assert.deepEqual(codes(check(`${IMG}:1.0`, verified(both), policy)), []);
    const qaOther = data({ releases: { '1.0': D1 }, signers: { ci: { '1.0': D1 }, qa: { '1.0': D2 } } });
    const r = check(`${IMG}:1.0`, verified(qaOther), policy);
    assert.deepEqual(codes(r), ['missing-required-signer']);
    assert.match(r.findings[0]!.message, /qa has not signed .*; qa signed a different digest/);
    assert.deepEqual([r.requiredSigners, r.missingSigners], [['ci', 'qa'], ['qa']], 'the result names them for headlines');
    assert.deepEqual([check(`${IMG}:1.0`, verified(both), policy).missingSigners], [[]]);
  });

  void it('flags implicit latest and notary.docker.io', () => {
    const r = check('alpine', verified(data({ releases: { latest: D1 } })), defaultPolicy(), 'https://notary.docker.io');
    assert.equal(r.status, 'signed');
    assert.deepEqual(codes(r).sort(), ['dct-retired', 'implicit-latest']);
    assert.match(r.findings.find((f) => f.code === 'dct-retired')!.message, /shuts down on 2026-12-08/);
  });

  void it('lets the policy change severities', () => {
    const policy: Policy = { ...defaultPolicy(), rules: [{ images: ['**'], requireSigners: [], severity: { 'unsigned-tag': 'warning' } }] };
    assert.equal(check(`${IMG}:9`, verified(data({ releases: {} })), policy).findings[0]!.severity, 'warning');
  });
});
