/**
 * Which schemes a reference's verdict rests on: `require` (every scheme listed), `anyOf` (one of
 * them), or, with neither, any scheme that checked it. Evidence of the other schemes stays in the
 * result, as information (absent) or a warning (broken), and never fails it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/model/findings';
import { scanText } from '../../../src/core/parse/scanText';
import { defaultPolicy, effectivePolicy, type Policy } from '../../../src/core/policy/policy';
import type { SignatureResult, TrustStatus } from '../../../src/core/trust/checkResult';
import { mergeSignatures } from '../../../src/core/trust/trustService';
import { verdictOf, withVerdict } from '../../../src/core/trust/verdict';
import { checkResultJson } from '../../../src/core/trust/checkResult';
import { toSarif } from '../../../src/core/report/sarif';

const occurrence = scanText('Dockerfile', 'dockerfile', 'FROM registry.example.com/team/app:1.0\n').references[0]!;

function evidence(scheme: string, status: TrustStatus, findings: Finding[] = []): SignatureResult {
  return { scheme, status, signedDigest: status === 'signed' ? `sha256:${'a'.repeat(64)}` : null, signers: status === 'signed' ? [{ name: `${scheme}-signer`, keyIds: [] }] : [], expires: [], findings, source: { kind: 'registry', url: `${scheme}://x` } };
}
const dctNoData = evidence('dct', 'unverifiable', [{ code: 'unverifiable', severity: 'error', message: 'trust server unreachable' }]);
const dctSigned = evidence('dct', 'signed');
const notationSigned = evidence('notation', 'signed');
const notationInvalid = evidence('notation', 'invalid', [{ code: 'notation-invalid', severity: 'error', message: 'bad signature' }]);
const notationUnsigned = evidence('notation', 'unsigned', [{ code: 'notation-unsigned', severity: 'info', message: 'no signature' }]);

function merged(signatures: SignatureResult[], rule: Partial<Policy['rules'][number]> = {}) {
  const policy: Policy = { ...defaultPolicy(), rules: Object.keys(rule).length > 0 ? [{ images: ['**'], requireSigners: [], severity: {}, ...rule }] : [] };
  const r = mergeSignatures(occurrence, signatures, effectivePolicy(policy, occurrence.ref.repository));
  return { status: r.status, verdict: verdictOf(r.findings), signers: r.signers, findings: r.findings.map((f) => [f.code, f.severity]) };
}

describe('schemes a verdict rests on', () => {
  it('with no rule, one scheme\'s trusted signature is enough; the other scheme\'s missing data is information in its own entry', () => {
    assert.deepEqual(merged([dctNoData, notationSigned]), { status: 'signed', verdict: 'pass', signers: ['notation-signer'], findings: [] });
    const policy = effectivePolicy(defaultPolicy(), occurrence.ref.repository);
    assert.deepEqual(mergeSignatures(occurrence, [dctNoData, notationSigned], policy).signatures?.[0]?.findings.map((f) => [f.code, f.severity]), [['unverifiable', 'info']]);
  });

  it('with no rule and nothing signed, every scheme\'s findings count (control)', () => {
    assert.deepEqual(merged([dctNoData, notationInvalid]).verdict, 'fail');
  });

  it('with no rule, a broken signature beside a trusted one is a warning, not hidden', () => {
    assert.deepEqual(merged([dctSigned, notationInvalid]), { status: 'signed', verdict: 'warn', signers: ['dct-signer'], findings: [['notation-invalid', 'warning']] });
  });

  it('require: [notation] fails a DCT-signed image without a Notation signature, and passes a Notation-signed one', () => {
    assert.deepEqual(merged([dctSigned, notationUnsigned], { require: ['notation'] }), {
      status: 'unsigned', verdict: 'fail', signers: [], findings: [['notation-unsigned', 'info'], ['missing-required-scheme', 'error']],
    });
    assert.deepEqual(merged([dctNoData, notationSigned], { require: ['notation'] }).verdict, 'pass');
  });

  it('require: [dct, notation] needs both', () => {
    assert.equal(merged([dctSigned, notationSigned], { require: ['dct', 'notation'] }).verdict, 'pass');
    assert.equal(merged([dctSigned, notationInvalid], { require: ['dct', 'notation'] }).verdict, 'fail');
    assert.equal(merged([dctNoData, notationSigned], { require: ['dct', 'notation'] }).verdict, 'fail');
  });

  it('anyOf: [dct, notation] takes either, and fails when neither signed', () => {
    assert.equal(merged([dctNoData, notationSigned], { anyOf: ['dct', 'notation'] }).verdict, 'pass');
    assert.equal(merged([dctSigned, notationInvalid], { anyOf: ['dct', 'notation'] }).verdict, 'warn');
    assert.equal(merged([dctNoData, notationUnsigned], { anyOf: ['dct', 'notation'] }).verdict, 'fail');
  });

  it('a required scheme that nothing checks fails closed, naming it', () => {
    const r = merged([dctSigned], { require: ['cosign'] });
    assert.equal(r.verdict, 'fail');
    assert.deepEqual(r.findings.at(-1), ['missing-required-scheme', 'error']);
  });
});

describe('the scheme in JSON and SARIF', () => {
  it('names the scheme of each signature in JSON, and of each finding in SARIF', () => {
    const policy = effectivePolicy({ ...defaultPolicy(), rules: [{ images: ['**'], requireSigners: [], severity: {}, require: ['dct', 'notation'] }] }, occurrence.ref.repository);
    const result = withVerdict(mergeSignatures(occurrence, [dctNoData, notationInvalid], policy));
    assert.deepEqual(checkResultJson(result).signatures.map((s) => s.scheme), ['dct', 'notation']);
    const sarif = toSarif([result], 'test') as { runs: { results: { ruleId: string; properties: { scheme?: string } }[] }[] };
    assert.deepEqual(sarif.runs[0]!.results.map((r) => [r.ruleId, r.properties.scheme]), [['unverifiable', 'dct'], ['notation-invalid', 'notation']]);
  });
});

describe('the scheme a failing verdict leads with', () => {
  it('is the one with evidence: a failed signature before no signature before no answer', () => {
    assert.equal(merged([dctNoData, notationInvalid]).status, 'invalid');
    assert.equal(merged([dctNoData, evidence('notation', 'unsigned', [{ code: 'notation-unsigned', severity: 'error', message: 'none' }])]).status, 'unsigned');
    assert.equal(merged([evidence('dct', 'invalid', [{ code: 'invalid-trust-data', severity: 'error', message: 'bad' }]), notationInvalid]).status, 'invalid');
  });
});
