import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCommand } from '../../../src/cli/checkCommand';
import { scanText } from '../../../src/core/parse/scanText';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { nullLogger, systemClock } from '../../../src/core/ports';
import { hoverMarkdown } from '../../../src/core/report/hoverText';
import { toSarif } from '../../../src/core/report/sarif';
import { checkResultJson } from '../../../src/core/trust/checkResult';
import { repositoryKeyOf } from '../../../src/core/trust/repositories';
import { createTrustEngine } from '../../../src/core/trust/trustService';
import { TEST_KEY_ID, TEST_SIGNER, TEST_SOURCE, TestSignerBackend, testDigest } from '../../helpers/backends/testSignerBackend';

const DOCKERFILE = 'FROM 127.0.0.1:5999/team/app:1.0\nFROM busybox:1.36\n';

void describe('a backend from the test tree, through createTrustEngine', () => {
  void it('gives every reference its verdict, evidence and details', async () => {
    const backend = new TestSignerBackend();
    const engine = createTrustEngine({ clock: systemClock, logger: nullLogger, backends: [backend] });
    const results = await engine.check(scanText('Dockerfile', 'dockerfile', DOCKERFILE), { policy: defaultPolicy() });
    assert.deepEqual(backend.asked, ['127.0.0.1:5999/team/app:1.0', 'docker.io/library/busybox:1.36']);
    assert.deepEqual(results.map((r) => [r.status, r.verdict, r.signers, r.signedDigest]), [
      ['signed', 'pass', [TEST_SIGNER], testDigest('127.0.0.1:5999/team/app')],
      ['signed', 'pass', [TEST_SIGNER], testDigest('docker.io/library/busybox')],
    ]);
    const json = checkResultJson(results[0]!);
    assert.deepEqual(json.signatures.map((s) => [s.scheme, s.status, s.signers[0]?.name, s.signers[0]?.keyIds]), [['test', 'signed', TEST_SIGNER, [TEST_KEY_ID]]]);
    assert.equal(json.expires, '2099-01-01T00:00:00.000Z');
    const key = repositoryKeyOf(results[0]!);
    assert.deepEqual(key, { server: TEST_SOURCE, gun: '127.0.0.1:5999/team/app', registry: '127.0.0.1:5999', scheme: 'test' });
    const details = await engine.details(key!, { now: Date.now(), warningDays: 30 });
    assert.equal(details.groups[0]?.items[0]?.kind === 'role' && details.groups[0].items[0].label, TEST_SIGNER);
    const hover = hoverMarkdown({ result: results[0]!, details: details.hoverFor!(results[0]!, Date.now(), 30), now: new Date(), expiryWarningDays: 30 });
    assert.match(hover, /\*\*Pass — Signed\*\*/);
    assert.match(hover, /Signed by: test\\-signer/);
    assert.match(hover, /Test scheme: every reference is signed by test-signer/);
    const sarif = toSarif(results, 'test') as { runs: { results: unknown[]; properties?: Record<string, unknown> }[] };
    assert.equal(sarif.runs[0]!.results.length, 0, 'nothing to report: every reference is signed');
  });

  void it('shows in the CLI: text, JSON and exit status', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trustlens-test-backend-'));
    try {
      writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
      const run = async (format: string) => {
        let stdout = '';
        const code = await checkCommand([dir, '--format', format, '--cache-dir', join(dir, 'cache'), '--docker-config', join(dir, 'docker')],
          { stdout: (t) => (stdout += t), stderr: () => undefined, env: {} }, { backends: [new TestSignerBackend()] });
        return { code, stdout };
      };
      const text = await run('text');
      assert.equal(text.code, 0);
      assert.match(text.stdout, /✔ Pass {2}signed .*127\.0\.0\.1:5999\/team\/app:1\.0 .*by test-signer until 2099-01-01/);
      const json = await run('json');
      const parsed = JSON.parse(json.stdout) as { results: { status: string; signers: string[]; signatures: { scheme: string; signers: { name: string }[] }[] }[] };
      assert.deepEqual(parsed.results.map((r) => [r.status, r.signers, r.signatures.map((s) => `${s.scheme}:${s.signers.map((g) => g.name).join(',')}`)]), [
        ['signed', [TEST_SIGNER], ['test:test-signer']],
        ['signed', [TEST_SIGNER], ['test:test-signer']],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
