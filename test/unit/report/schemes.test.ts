/**
 * Whose evidence each finding is, and which schemes signed a reference, on results merged from
 * several schemes' evidence as a check merges them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/model/findings';
import { scanText } from '../../../src/core/parse/scanText';
import { defaultPolicy, effectivePolicy, type Policy } from '../../../src/core/policy/policy';
import { findingMessage, findingScheme, signedSchemes } from '../../../src/core/report/schemes';
import { toSarif } from '../../../src/core/report/sarif';
import { statusSummary } from '../../../src/core/report/statusSummary';
import type { CheckResult, SignatureResult, TrustStatus } from '../../../src/core/trust/checkResult';
import { mergeSignatures } from '../../../src/core/trust/trustService';
import { withVerdict } from '../../../src/core/trust/verdict';

const tagged = scanText('Dockerfile', 'dockerfile', 'FROM registry.example.com/team/app:1.0\n').references[0]!;
const untagged = scanText('Dockerfile', 'dockerfile', 'FROM registry.example.com/team/app\n').references[0]!;

function evidence(scheme: string, status: TrustStatus, findings: Finding[] = []): SignatureResult {
  return { scheme, status, signedDigest: status === 'signed' ? `sha256:${'a'.repeat(64)}` : null, signers: status === 'signed' ? [{ name: `${scheme}-signer`, keyIds: [] }] : [], expires: [], findings, source: { kind: 'registry', url: `${scheme}://x` } };
}
const LATEST: Finding = { code: 'implicit-latest', severity: 'warning', message: 'registry.example.com/team/app has no tag' };
const dctOffline = (...more: Finding[]) => evidence('dct', 'unverifiable', [{ code: 'unverifiable', severity: 'error', message: 'trust server unreachable' }, ...more]);
const cosignStranger = () => evidence('cosign', 'invalid', [{ code: 'untrusted-signer', severity: 'error', message: 'signed by a key no rule trusts' }]);

function checked(occurrence: typeof tagged, signatures: SignatureResult[], rule: Partial<Policy['rules'][number]> = {}): CheckResult {
  const policy: Policy = { ...defaultPolicy(), rules: Object.keys(rule).length > 0 ? [{ images: ['**'], requireSigners: [], severity: {}, ...rule }] : [] };
  return withVerdict(mergeSignatures(occurrence, signatures, effectivePolicy(policy, occurrence.ref.repository)));
}

void describe('the scheme of a finding', () => {
  void it('is the scheme whose evidence holds it', () => {
    const r = checked(tagged, [dctOffline(), cosignStranger()], { require: ['dct', 'cosign'] });
    assert.deepEqual(r.findings.map((f) => [f.code, findingScheme(r, f)]), [['unverifiable', 'dct'], ['untrusted-signer', 'cosign']]);
  });

  void it('is none for what concerns the reference as written, or the policy\'s rule', () => {
    const latest = checked(untagged, [dctOffline(LATEST), cosignStranger()], { require: ['dct', 'cosign'] });
    assert.deepEqual(latest.findings.map((f) => [f.code, findingScheme(latest, f)]), [['unverifiable', 'dct'], ['implicit-latest', undefined], ['untrusted-signer', 'cosign']]);
    const missing = checked(tagged, [dctOffline()], { require: ['dct', 'notation'] });
    assert.deepEqual(missing.findings.map((f) => [f.code, findingScheme(missing, f)]), [['unverifiable', 'dct'], ['missing-required-scheme', undefined]]);
  });

  void it('is in SARIF exactly where the editor shows it', () => {
    const r = checked(untagged, [dctOffline(LATEST), cosignStranger()], { require: ['dct', 'cosign'] });
    const sarif = toSarif([r], 'test') as { runs: { results: { ruleId: string; properties: { scheme?: string } }[] }[] };
    assert.deepEqual(sarif.runs[0]!.results.map((s) => [s.ruleId, s.properties.scheme]), [['unverifiable', 'dct'], ['implicit-latest', undefined], ['untrusted-signer', 'cosign']]);
  });
});

void describe('a finding\'s message', () => {
  void it('ends with its scheme when several schemes checked the reference', () => {
    const r = checked(untagged, [dctOffline(LATEST), cosignStranger()], { require: ['dct', 'cosign'] });
    assert.deepEqual(r.findings.map((f) => findingMessage(r, f)), [
      'trust server unreachable (dct)',
      'registry.example.com/team/app has no tag',
      'signed by a key no rule trusts (cosign)',
    ]);
  });

  void it('is as the scheme wrote it when only one scheme checked the reference (control)', () => {
    const r = checked(tagged, [cosignStranger()]);
    assert.deepEqual(r.findings.map((f) => findingMessage(r, f)), ['signed by a key no rule trusts']);
  });
});

void describe('the schemes that signed a reference', () => {
  const dctSigned = () => evidence('dct', 'signed');
  const cosignSigned = () => evidence('cosign', 'signed');
  const cosignUnsigned = () => evidence('cosign', 'unsigned', [{ code: 'no-signature', severity: 'error', message: 'no cosign signature' }]);

  void it('are each scheme with a trusted signature, in backend order', () => {
    assert.deepEqual(signedSchemes(checked(tagged, [dctSigned(), cosignSigned()])), ['dct', 'cosign']);
    assert.deepEqual(signedSchemes(checked(tagged, [dctOffline(), cosignSigned()])), ['cosign']);
    assert.deepEqual(signedSchemes(checked(tagged, [dctOffline(), cosignStranger()])), []);
    assert.deepEqual(signedSchemes(checked(tagged, [dctSigned()], { require: ['dct', 'notation'] })), ['dct'], 'signed, though the policy is not met');
  });

  void it('are counted in the status bar\'s summary for every reference that reads as signed, and only those', () => {
    const missingQa: Finding = { code: 'missing-required-signer', severity: 'error', message: 'Policy requires ci and qa to sign, but qa has not signed' };
    const results = [
      checked(tagged, [dctSigned(), cosignSigned()]),
      checked(tagged, [dctOffline(), cosignSigned()]),
      checked(tagged, [dctSigned(), cosignUnsigned()]),
      // Signed with DCT, but without a signer the policy requires: it never counts as signed.
      checked(tagged, [{ ...dctSigned(), findings: [missingQa], requiredSigners: ['ci', 'qa'], missingSigners: ['qa'] }], { require: ['dct'] }),
      checked(tagged, [dctOffline(), cosignStranger()]),
    ];
    const summary = statusSummary(results);
    assert.deepEqual(summary.counts, { signed: 3, 'policy-not-met': 1, invalid: 1 });
    assert.deepEqual(summary.signedBy, { dct: 2, cosign: 2 });
  });
});
