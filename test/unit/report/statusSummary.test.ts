import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanDockerfile } from '../../../src/core/parse/dockerfile';
import { GLANCE_ORDER, GLANCE_SHORT, STATUS_WORDS, headline, statusSummary } from '../../../src/core/report/statusSummary';
import type { CheckResult, TrustStatus } from '../../../src/core/trust/checkResult';
import type { Finding } from '../../../src/core/model/findings';
import { verdictOf } from '../../../src/core/trust/verdict';

/** The finding each status comes with by default, as a check gives it. */
const FINDING: Partial<Record<TrustStatus, Finding>> = {
  unsigned: { code: 'unsigned-tag', severity: 'error', message: 'not signed' },
  'not-released': { code: 'not-released', severity: 'error', message: 'not released' },
  'no-trust-data': { code: 'no-trust-data', severity: 'error', message: 'no trust data' },
  'digest-mismatch': { code: 'digest-mismatch', severity: 'error', message: 'mismatch' },
  expired: { code: 'expired-metadata', severity: 'error', message: 'expired' },
  invalid: { code: 'invalid-trust-data', severity: 'error', message: 'invalid' },
  unverifiable: { code: 'unverifiable', severity: 'error', message: 'offline' },
};

const MISSING_QA: Finding = { code: 'missing-required-signer', severity: 'error', message: 'Policy requires ci and qa to sign, but qa has not signed' };

function results(statuses: TrustStatus[], extra: Partial<CheckResult>[] = []): CheckResult[] {
  const scan = scanDockerfile('Dockerfile', `${statuses.map((_, i) => `FROM alpine:3.${i}`).join('\n')}\nFROM scratch\n`);
  const references = scan.references.map((occurrence, i): CheckResult => {
    const findings = extra[i]?.findings ?? (FINDING[statuses[i]!] ? [FINDING[statuses[i]!]!] : []);
    return {
      target: { kind: 'reference', occurrence }, status: statuses[i]!, signedDigest: null, role: null, signers: [], expires: null,
      ...extra[i], findings, verdict: verdictOf(findings),
    };
  });
  const skipped = scan.skipped.map((s): CheckResult => ({ target: { kind: 'skipped', skipped: s }, status: 'skipped', verdict: 'pass', signedDigest: null, role: null, signers: [], expires: null, findings: [] }));
  return [...references, ...skipped];
}

void describe('statusSummary', () => {
  void it('leads with the worst verdict, then counts references per status, signed first', () => {
    const s = statusSummary(results(['unsigned', 'signed', 'signed', 'signed']));
    assert.equal(s.text, 'Fail — 3 signed · 1 unsigned');
    assert.equal(s.verdict, 'fail');
    assert.deepEqual(s.verdicts, { fail: 1, pass: 3 });
    assert.equal(s.total, 4);
    assert.deepEqual(s.counts, { signed: 3, unsigned: 1 });
    assert.equal(statusSummary(results(['signed'])).text, 'Pass — 1 signed');
    const expiring = results(['signed'], [{ findings: [{ code: 'expiring-soon', severity: 'warning', message: 'soon' }] }]);
    assert.equal(statusSummary(expiring).text, 'Warn — 1 signed');
  });

  void it('never counts a signed tag that misses a required signer as signed', () => {
    const r = results(['signed', 'signed'], [{ findings: [MISSING_QA], requiredSigners: ['ci', 'qa'], missingSigners: ['qa'] }]);
    const s = statusSummary(r);
    assert.equal(s.text, 'Fail — 1 signed · 1 policy not met');
    assert.deepEqual(s.counts, { signed: 1, 'policy-not-met': 1 });
    assert.deepEqual(s.lines, ['1 signed', '1 policy not met']);
  });

  void it('names every status and leaves out values that are not images', () => {
    const s = statusSummary(results(['unverifiable', 'digest-mismatch', 'no-trust-data', 'not-released', 'expired', 'invalid', 'skipped']));
    assert.equal(s.text, 'Fail — 1 not released · 1 no trust data · 1 digest mismatch · 1 expired · 1 invalid · 1 unverifiable · 1 not checked');
    assert.equal(s.total, 7, 'FROM scratch is not counted');
  });

  void it('says so when there is nothing to count', () => {
    assert.equal(statusSummary([]).text, 'no images');
    assert.equal(statusSummary(results([])).text, 'no images');
  });

  void it('has words for every status', () => {
    assert.equal(GLANCE_ORDER.length, new Set(GLANCE_ORDER).size);
    for (const s of GLANCE_ORDER) assert.ok(GLANCE_SHORT[s]);
    for (const s of GLANCE_ORDER) if (s !== 'policy-not-met') assert.ok(STATUS_WORDS[s as TrustStatus]);
  });
});

void describe('headline', () => {
  void it('says what the policy wants when a required signer has not signed', () => {
    const [one, two] = results(['signed', 'signed'], [
      { findings: [MISSING_QA], requiredSigners: ['ci', 'qa'], missingSigners: ['qa'] },
      { findings: [MISSING_QA], requiredSigners: ['ci', 'qa', 'sec'], missingSigners: ['qa', 'sec'] },
    ]);
    assert.equal(headline(one!), 'Signed, but the policy requires ci and qa; qa has not signed');
    assert.equal(headline(two!), 'Signed, but the policy requires ci, qa and sec; qa and sec have not signed');
  });

  void it('says which policy finding fails a signed tag', () => {
    const [r] = results(['signed'], [{ findings: [{ code: 'expiring-soon', severity: 'error', message: 'soon' }] }]);
    assert.equal(headline(r!), 'Signed, but the policy fails it: signature expires soon');
    assert.equal(statusSummary([r!]).text, 'Fail — 1 policy not met');
  });

  void it('uses the status words otherwise', () => {
    const [signed, unsigned] = results(['signed', 'unsigned']);
    assert.equal(headline(signed!), 'Signed');
    assert.equal(headline(unsigned!), 'Not signed');
  });
});
