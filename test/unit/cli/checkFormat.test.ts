import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatCheckText } from '../../../src/cli/checkFormat';
import { formatRefsText } from '../../../src/cli/refsCommand';
import { scanText } from '../../../src/core/parse/scanText';
import type { CheckResult, TrustStatus } from '../../../src/core/trust/checkResult';
import type { Finding } from '../../../src/core/model/findings';
import { verdictOf } from '../../../src/core/trust/verdict';

const D1 = `sha256:${'1'.repeat(64)}`;

/** The results of `FROM <image>` lines of one file, each with a status and findings. */
function file(name: string, rows: [image: string, status: TrustStatus, findings: Finding[], extra?: Partial<CheckResult>][]): CheckResult[] {
  const scan = scanText(name, 'dockerfile', rows.map(([image]) => `FROM ${image}`).join('\n'));
  return scan.references.map((occurrence, i): CheckResult => {
    const [, status, findings, extra] = rows[i]!;
    return {
      target: { kind: 'reference', occurrence }, status, signedDigest: null, role: null, signers: [], expires: null, findings,
      verdict: verdictOf(findings), ...extra,
    };
  });
}

const missingQa: Finding = { code: 'missing-required-signer', severity: 'error', message: 'Policy requires ci and qa to sign a:1, but qa has not signed' };
const unsigned: Finding = { code: 'unsigned-tag', severity: 'error', message: 'b:1 is not signed' };
const soon: Finding = { code: 'expiring-soon', severity: 'warning', message: 'expires soon' };

void describe('formatCheckText', () => {
  const one = file('Dockerfile', [
    ['127.0.0.1:5000/a:1', 'signed', [missingQa], { signedDigest: D1, role: 'targets/releases', signers: ['ci'], requiredSigners: ['ci', 'qa'], missingSigners: ['qa'] }],
    ['127.0.0.1:5000/b:1', 'unsigned', [unsigned]],
    ['127.0.0.1:5000/c:1', 'signed', [soon], { signedDigest: D1, role: 'targets', signers: [] }],
    ['127.0.0.1:5000/d:1', 'signed', [], { signedDigest: D1, role: 'targets', signers: [] }],
  ]);

  void it('leads every line with the verdict, and never calls a tag the policy fails "signed"', () => {
    const lines = formatCheckText(one, []).split('\n');
    assert.match(lines[0]!, /^✖ Fail {2}policy not met  +Dockerfile:1:6 {2}127\.0\.0\.1:5000\/a:1 {2}\(digest sha256:1{12}… in targets\/releases by ci\)$/);
    assert.match(lines[1]!, /^ {4}error: \[missing-required-signer\] Policy requires ci and qa/);
    assert.match(lines[2]!, /^✖ Fail {2}unsigned  +Dockerfile:2:6 {2}127\.0\.0\.1:5000\/b:1$/);
    assert.match(lines[4]!, /^! Warn {2}signed  +Dockerfile:3:6 {2}/);
    assert.match(lines[6]!, /^✔ Pass {2}signed  +Dockerfile:4:6 {2}/);
    assert.doesNotMatch(lines[0]!, /\bsigned\b/);
  });

  void it('shows a finding\'s detail on the line under it', () => {
    const offline: Finding = { code: 'unverifiable', severity: 'error', message: 'Could not verify e:1: the trust server https://127.0.0.1:9 refused the connection.', detail: 'cannot reach https://127.0.0.1:9/v2/ (GET): connect ECONNREFUSED 127.0.0.1:9' };
    const lines = formatCheckText(file('Dockerfile', [['127.0.0.1:9/e:1', 'unverifiable', [offline]]]), []).split('\n');
    assert.deepEqual(lines.slice(1, 3), [`    error: [unverifiable] ${offline.message}`, `      detail: ${offline.detail}`]);
  });

  void it('ends with the counts per verdict, then per status', () => {
    const text = formatCheckText(one, []);
    assert.equal(text.trimEnd().split('\n').at(-1), '4 results: 2 fail · 1 warn · 1 pass — 2 signed · 1 policy not met · 1 unsigned; 2 error findings');
    assert.doesNotMatch(text, /^Per file/m, 'one file needs no per-file counts');
  });

  void it('counts per file when there are several', () => {
    const two = [...one, ...file('svc/Dockerfile', [['127.0.0.1:5000/e:1', 'signed', [], { signedDigest: D1, role: 'targets' }]])];
    const text = formatCheckText(two, [{ file: 'bad/compose.yaml', message: 'invalid YAML' }]);
    const tail = text.trimEnd().split('\n').slice(-5);
    assert.deepEqual(tail, [
      'Per file:',
      '  Dockerfile: 2 fail · 1 warn · 1 pass',
      '  svc/Dockerfile: 1 pass',
      '  bad/compose.yaml: 1 file error',
      '5 results: 2 fail · 1 warn · 2 pass — 3 signed · 1 policy not met · 1 unsigned; 2 error findings; 1 file error',
    ]);
  });
});

void describe('formatRefsText', () => {
  void it('counts per file when there are several', () => {
    const a = scanText('Dockerfile', 'dockerfile', 'FROM alpine:3.19\nFROM scratch\n');
    const b = scanText('compose.yaml', 'compose', 'services:\n  web:\n    image: nginx:1.27\n  api:\n    image: ghcr.io/acme/api:2\n');
    const both = { references: [...a.references, ...b.references], skipped: [...a.skipped, ...b.skipped], errors: [...a.errors, ...b.errors] };
    const tail = formatRefsText(both).trimEnd().split('\n').slice(-4);
    assert.deepEqual(tail, ['Per file:', '  Dockerfile: 1 reference, 1 skipped, 0 errors', '  compose.yaml: 2 references, 0 skipped, 0 errors', '3 references, 1 skipped, 0 errors']);
    assert.equal(formatRefsText(a).trimEnd().split('\n').at(-1), '1 reference, 1 skipped, 0 errors');
    assert.doesNotMatch(formatRefsText(a), /Per file/);
  });
});
