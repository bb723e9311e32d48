import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanDockerfile } from '../../../src/core/parse/dockerfile';
import { defaultPolicy, type Policy } from '../../../src/core/policy/policy';
import { toSarif } from '../../../src/core/report/sarif';
import { fileErrorResult, skippedResult, withVariableEmpty } from '../../../src/core/trust/scanFindings';
import { DEFAULT_SEVERITY } from '../../../src/core/model/findings';
import { withVerdict } from '../../../src/core/trust/verdict';

const scan = scanDockerfile('Dockerfile', 'FROM Alpine:3\nFROM scratch\nCOPY --from=$X /a /b\nFROM python:3.12${FLAVOR}\nFROM node:${TAG}\n');

void describe('findings about what a scan found', () => {
  void it('docker would refuse it: invalid-reference or variable-unresolved, severity error; a stage or scratch has none', () => {
    const results = scan.skipped.map((s) => skippedResult(s, defaultPolicy()));
    assert.deepEqual(results.map((r) => [r.target.kind === 'skipped' && r.target.skipped.reason, r.status, r.findings.map((f) => `${f.code} ${f.severity}`)]), [
      ['invalid-reference', 'skipped', ['invalid-reference error']],
      ['scratch', 'skipped', []],
      ['variable-in-from', 'skipped', ['invalid-reference error']],
      ['variable-unresolved', 'skipped', ['variable-unresolved error']],
    ]);
    assert.match(results[2]!.findings[0]!.message, /^buildkit refuses \$X: variable expansion is not supported for --from/);
  });

  void it('takes severities from the rules for every image (`**`), as the editor settings are applied', () => {
    const policy: Policy = { ...defaultPolicy(), rules: [
      { images: ['**'], requireSigners: [], severity: { 'invalid-reference': 'warning' } },
      { images: ['docker.io/**'], requireSigners: [], severity: { 'invalid-reference': 'ignore' } },
    ] };
    assert.equal(skippedResult(scan.skipped[0]!, policy).findings[0]!.severity, 'warning');
  });

  void it('a file error is a result of kind file with an unparsable-file finding at the problem; SARIF locates it there', () => {
    const range = { start: { line: 3, character: 2 }, end: { line: 3, character: 9 } };
    const result = fileErrorResult({ file: 'dir/compose.yaml', message: 'invalid YAML: oops', range }, defaultPolicy());
    assert.deepEqual(result.findings, [{ code: 'unparsable-file', severity: 'error', message: 'invalid YAML: oops' }]);
    const sarif = toSarif([withVerdict(result)], '1.0.0') as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[] }[] }[] };
    const [located] = sarif.runs[0]!.results;
    assert.equal(located!.ruleId, 'unparsable-file');
    assert.deepEqual(located!.locations[0]!.physicalLocation.region.startLine, 4);
    assert.equal(located!.locations[0]!.physicalLocation.artifactLocation.uri, 'dir/compose.yaml');
  });

  void it('variable-empty is information naming the variable and the image checked', () => {
    const occurrence = scan.references.find((r) => r.emptyVariables)!;
    const base = { target: { kind: 'reference' as const, occurrence }, status: 'signed' as const, signedDigest: null, role: null, signers: [], expires: null, findings: [] };
    const result = withVariableEmpty(base, occurrence, DEFAULT_SEVERITY);
    assert.deepEqual(result.findings, [{ code: 'variable-empty', severity: 'info', message: 'FLAVOR has no value, so it expands to nothing: python:3.12${FLAVOR} is docker.io/library/python:3.12.' }]);
  });
});
