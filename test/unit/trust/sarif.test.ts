import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanDockerfile } from '../../../src/core/parse/dockerfile';
import { toSarif } from '../../../src/core/report/sarif';
import type { CheckResult } from '../../../src/core/trust/checkResult';
import { FINDING_CODES } from '../../../src/core/model/findings';

void describe('toSarif', () => {
  void it('renders one result per finding with rules for every code', () => {
    const occurrence = scanDockerfile('dir/Dockerfile', 'FROM alpine:3.19\n').references[0]!;
    const result: CheckResult = {
      target: { kind: 'reference', occurrence }, status: 'unsigned', verdict: 'fail', signedDigest: null, role: null, signers: [], expires: null,
      findings: [
        { code: 'unsigned-tag', severity: 'error', message: 'alpine:3.19 is not signed' },
        { code: 'dct-retired', severity: 'info', message: 'retiring' },
        { code: 'implicit-latest', severity: 'ignore', message: 'ignored' },
      ],
    };
    const sarif = toSarif([result], '1.2.3') as {
      version: string;
      runs: { tool: { driver: { rules: { id: string }[]; version: string } }; results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[] }[] }[];
    };
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0]!;
    assert.deepEqual(run.tool.driver.rules.map((r) => r.id), [...FINDING_CODES]);
    assert.equal(run.results.length, 2, 'ignored findings are left out');
    const [first, second] = run.results;
    assert.equal(first!.ruleId, 'unsigned-tag');
    assert.equal(run.tool.driver.rules[first!.ruleIndex]!.id, 'unsigned-tag');
    assert.equal(first!.level, 'error');
    assert.equal(second!.level, 'note');
    assert.equal(first!.locations[0]!.physicalLocation.artifactLocation.uri, 'dir/Dockerfile');
    const region = first!.locations[0]!.physicalLocation.region;
    assert.equal(region.startLine, 1);
    assert.equal(region.startColumn, 6);
    assert.equal(region.endColumn, 17);
  });

  void it('keeps a finding\'s detail in the result\'s properties', () => {
    const occurrence = scanDockerfile('Dockerfile', 'FROM 127.0.0.1:9/team/app:1.0\n').references[0]!;
    const detail = 'cannot reach https://127.0.0.1:9/v2/ (GET): connect ECONNREFUSED 127.0.0.1:9';
    const result: CheckResult = {
      target: { kind: 'reference', occurrence }, status: 'unverifiable', verdict: 'fail', signedDigest: null, role: null, signers: [], expires: null,
      findings: [{ code: 'unverifiable', severity: 'error', message: 'Could not verify 127.0.0.1:9/team/app:1.0: the trust server https://127.0.0.1:9 refused the connection.', detail }],
    };
    const sarif = toSarif([result], '1.2.3') as { runs: { results: { message: { text: string }; properties: Record<string, unknown> }[] }[] };
    const [only] = sarif.runs[0]!.results;
    assert.equal(only!.message.text, result.findings[0]!.message);
    assert.deepEqual(only!.properties, { verdict: 'fail', status: 'unverifiable', detail });
  });
});
