import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanDockerfile } from '../../../src/core/parse/dockerfile';
import { STATUS_ORDER, STATUS_SHORT, STATUS_WORDS, statusSummary } from '../../../src/core/report/statusSummary';
import type { CheckResult, TrustStatus } from '../../../src/core/trust/checkResult';

function results(statuses: TrustStatus[]): CheckResult[] {
  const scan = scanDockerfile('Dockerfile', `${statuses.map((_, i) => `FROM alpine:3.${i}`).join('\n')}\nFROM scratch\n`);
  const references = scan.references.map((occurrence, i): CheckResult => ({
    target: { kind: 'reference', occurrence }, status: statuses[i]!, signedDigest: null, role: null, signers: [], expires: null, findings: [],
  }));
  const skipped = scan.skipped.map((s): CheckResult => ({ target: { kind: 'skipped', skipped: s }, status: 'skipped', signedDigest: null, role: null, signers: [], expires: null, findings: [] }));
  return [...references, ...skipped];
}

void describe('statusSummary', () => {
  void it('counts references per status, signed first', () => {
    const s = statusSummary(results(['unsigned', 'signed', 'signed', 'signed']));
    assert.equal(s.text, '3 signed · 1 unsigned');
    assert.equal(s.total, 4);
    assert.deepEqual(s.counts, { signed: 3, unsigned: 1 });
  });

  void it('names every status and leaves out values that are not images', () => {
    const s = statusSummary(results(['unverifiable', 'digest-mismatch', 'no-trust-data', 'not-released', 'expired', 'invalid', 'skipped']));
    assert.equal(s.text, '1 not released · 1 no trust data · 1 digest mismatch · 1 expired · 1 invalid · 1 unverifiable · 1 not checked');
    assert.equal(s.total, 7, 'FROM scratch is not counted');
  });

  void it('says so when there is nothing to count', () => {
    assert.equal(statusSummary([]).text, 'no images');
    assert.equal(statusSummary(results([])).text, 'no images');
  });

  void it('has words for every status', () => {
    assert.equal(STATUS_ORDER.length, new Set(STATUS_ORDER).size);
    for (const s of STATUS_ORDER) assert.ok(STATUS_SHORT[s] && STATUS_WORDS[s]);
  });
});
