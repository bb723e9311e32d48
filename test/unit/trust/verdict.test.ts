import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanText } from '../../../src/core/parse/scanText';
import { defaultPolicy, type Policy } from '../../../src/core/policy/policy';
import { toSarif } from '../../../src/core/report/sarif';
import { systemClock } from '../../../src/core/ports';
import { checkResultJson } from '../../../src/core/trust/checkResult';
import type { RepositoryKey, RepositoryOutcome } from '../../../src/core/trust/dct/outcome';
import { DctTrustBackend as TrustService, type RepositoryUpdater as TrustBackend } from '../../../src/core/trust/dct/dctBackend';
import { verdictOf, worstVerdict } from '../../../src/core/trust/verdict';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** Every repository has no trust data: an `error` finding unless the policy lowers it. */
const noTrustData: TrustBackend = {
  id: 'fake',
  update: async (_key: RepositoryKey): Promise<RepositoryOutcome> => ({ kind: 'no-trust-data', message: 'none' }),
  snapshotServerManaged: async () => undefined,
};

const DOCKERFILE = [
  'FROM 127.0.0.1:5000/team/failing:1.0',
  'FROM 127.0.0.1:5000/team/warned:1.0',
  'FROM 127.0.0.1:5000/team/ignored:1.0',
  'FROM ${UNSET}',
  '',
].join('\n');

const POLICY: Policy = {
  ...defaultPolicy(),
  ignore: ['127.0.0.1:5000/team/ignored'],
  rules: [{ images: ['127.0.0.1:5000/team/warned'], requireSigners: [], severity: { 'no-trust-data': 'warning' } }],
};

async function checked() {
  const service = new TrustService({ backend: noTrustData, clock: systemClock, logger: quiet, env: {} });
  return service.check(scanText('Dockerfile', 'dockerfile', DOCKERFILE), { policy: POLICY });
}

void describe('verdict', () => {
  void it('is fail on an error finding, warn on a warning, else pass (info, hint and ignore pass)', () => {
    assert.equal(verdictOf([]), 'pass');
    assert.equal(verdictOf([{ severity: 'info' }, { severity: 'hint' }, { severity: 'ignore' }]), 'pass');
    assert.equal(verdictOf([{ severity: 'info' }, { severity: 'warning' }]), 'warn');
    assert.equal(verdictOf([{ severity: 'warning' }, { severity: 'error' }]), 'fail');
    assert.equal(worstVerdict([]), 'pass');
    assert.equal(worstVerdict(['pass', 'warn', 'pass']), 'warn');
    assert.equal(worstVerdict(['warn', 'fail', 'pass']), 'fail');
  });

  void it('every result of a check carries one, from its findings after the policy', async () => {
    const results = await checked();
    assert.deepEqual(results.map((r) => [r.status, r.verdict]), [
      ['no-trust-data', 'fail'],
      ['no-trust-data', 'warn'],
      ['skipped', 'pass'],
      // A variable with no value is an error finding: what cannot be resolved never passes.
      ['skipped', 'fail'],
    ]);
  });

  void it('JSON carries it beside the status', async () => {
    const json = (await checked()).map(checkResultJson);
    assert.deepEqual(json.map((r) => r.verdict), ['fail', 'warn', 'pass', 'fail']);
  });

  void it('SARIF carries it on every result, and the run carries the counts and the worst', async () => {
    const sarif = toSarif(await checked(), '1.0.0') as {
      runs: { properties: { verdict: string; verdicts: Record<string, number> }; results: { ruleId: string; properties: { verdict: string; status: string } }[] }[];
    };
    const run = sarif.runs[0]!;
    assert.deepEqual(run.results.map((r) => [r.ruleId, r.properties.verdict, r.properties.status]), [
      ['no-trust-data', 'fail', 'no-trust-data'],
      ['no-trust-data', 'warn', 'no-trust-data'],
      ['variable-unresolved', 'fail', 'skipped'],
    ]);
    assert.equal(run.properties.verdict, 'fail');
    assert.deepEqual(run.properties.verdicts, { fail: 2, warn: 1, pass: 1 });
  });
});
