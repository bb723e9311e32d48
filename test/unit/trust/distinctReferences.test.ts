/**
 * A file that names the same image many times (a manifest of 500 workloads names a few dozen images)
 * has each distinct reference checked once: the backends are asked once per distinct reference, and
 * every occurrence gets the verdict it would get checked alone, with its own place in the file. The
 * backend here is an in-memory stand-in whose evidence depends on the reference; the real backends
 * are in the integration tests.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageOccurrence, ScanResult } from '../../../src/core/model/occurrence';
import { scanText } from '../../../src/core/parse/scanText';
import { parsePolicy } from '../../../src/core/policy/policyFile';
import { nullLogger, systemClock } from '../../../src/core/ports';
import type { BackendReference, TrustBackend } from '../../../src/core/trust/backend';
import { checkResultJson, type SignatureResult } from '../../../src/core/trust/checkResult';
import { createTrustEngine } from '../../../src/core/trust/trustService';

const DIGEST = `sha256:${'b'.repeat(64)}`;

/** Signs tags starting with `1.`; says what it was asked, as written, in its findings, at the severity the policy gives. */
class ByTagBackend implements TrustBackend {
  readonly asked: string[] = [];
  constructor(readonly scheme: string) {}
  appliesTo(): boolean {
    return true;
  }
  repositoryKey(): never {
    throw new Error('not used');
  }
  async checkReferences(references: readonly BackendReference[]): Promise<SignatureResult[]> {
    return references.map(({ occurrence: o, policy: rule }): SignatureResult => {
      this.asked.push(o.text);
      const signed = o.ref.tag?.startsWith('1.') === true;
      return {
        scheme: this.scheme, status: signed ? 'signed' : 'unsigned', signedDigest: signed ? DIGEST : null, signers: signed ? [{ name: 'ci', keyIds: [] }] : [], expires: [],
        findings: signed ? [] : [{ code: 'unsigned-tag', severity: rule.severity['unsigned-tag'] ?? 'error', message: `${o.text} (${o.kind}) is not signed` }],
        source: { kind: 'registry', url: `${this.scheme}://source` },
      };
    });
  }
  details(): never {
    throw new Error('not used');
  }
  async idle(): Promise<void> {}
}

const policy = parsePolicy('rules:\n  - images: ["registry.example.com/team/quiet"]\n    severity:\n      unsigned-tag: warning\n', '.trustlens.yaml', { baseDir: '/repo' });

function engine() {
  const backends = [new ByTagBackend('dct'), new ByTagBackend('cosign')];
  return { backends, engine: createTrustEngine({ clock: systemClock, logger: nullLogger, backends }) };
}

/** The scan of one occurrence alone. */
const alone = (o: ImageOccurrence): ScanResult => ({ references: [o], skipped: [], errors: [] });

const compose = [
  'services:',
  ...Array.from({ length: 30 }, (_, i) => [
    `  s${i}:`,
    `    image: registry.example.com/team/${['app:1.0', 'app:2.0', 'quiet:2.0', '"app:1.0"'][i % 4]}`,
    ...(i % 5 === 0 ? ['    build: .'] : []),
  ]).flat(),
  '',
].join('\n');

const dockerfile = [
  'ARG BASE=registry.example.com/team/app:1.0',
  'ARG FLAVOR',
  ...Array.from({ length: 40 }, (_, i) => [
    'FROM registry.example.com/team/app:1.0',
    'FROM ${BASE}',
    'FROM registry.example.com/team/app:2.0${FLAVOR}',
    'FROM --platform=linux/arm64 registry.example.com/team/app:2.0',
    'FROM registry.example.com/team/quiet:2.0',
  ][i % 5]!),
  '',
].join('\n');

void describe('each distinct reference of a check is checked once', () => {
  for (const [name, scan] of [['a compose file', scanText('compose.yaml', 'compose', compose)], ['a Dockerfile', scanText('Dockerfile', 'dockerfile', dockerfile)]] as const) {
    void it(`${name}: every occurrence gets the verdict it gets alone, at its own place; the backends are asked once per distinct reference`, async () => {
      const { backends, engine: together } = engine();
      const results = await together.check(scan, { policy });
      assert.equal(results.length, scan.references.length + scan.skipped.length + scan.errors.length);
      const distinct = new Set(scan.references.map((o) => JSON.stringify([o.text, o.kind, o.platform, o.argSource?.text, o.emptyVariables])));
      assert.ok(distinct.size <= scan.references.length / 3, `${distinct.size} distinct of ${scan.references.length}`);
      for (const b of backends) assert.equal(b.asked.length, distinct.size, `${b.scheme} was asked once per distinct reference`);
      const one = engine().engine;
      for (const [i, occurrence] of scan.references.entries()) {
        assert.equal(results[i]!.target.kind === 'reference' && results[i]!.target.occurrence, occurrence, `result ${i} is about its own occurrence`);
        const [expected] = await one.check(alone(occurrence), { policy });
        assert.deepEqual(checkResultJson(results[i]!), checkResultJson(expected!), `occurrence ${i} (${occurrence.text}, line ${occurrence.range.start.line + 1})`);
      }
      const verdicts = new Set(results.slice(0, scan.references.length).map((r) => `${r.status}:${r.verdict}`));
      assert.ok(verdicts.size >= 3, `signed, failing and warned references are all there: ${[...verdicts].join(', ')}`);
    });
  }

  void it('no two results share an array: changing one changes no other', async () => {
    const scan = scanText('Dockerfile', 'dockerfile', 'FROM registry.example.com/team/app:2.0\nFROM registry.example.com/team/app:2.0\n');
    const [a, b] = await engine().engine.check(scan, { policy });
    assert.deepEqual(a!.findings, b!.findings);
    a!.findings.push({ code: 'unverifiable', severity: 'error', message: 'changed' });
    a!.signers.push('someone');
    assert.equal(b!.findings.length, 1);
    assert.deepEqual(b!.signers, []);
  });
});
