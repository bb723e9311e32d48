import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ScanResult } from '../../../src/core/model/occurrence';
import { scanCompose } from '../../../src/core/parse/compose';
import { parseDotenv } from '../../../src/core/parse/dotenv';
import { readFixture } from '../../helpers/fixtures';

function summary(result: ScanResult): string[] {
  return [
    ...result.references.map((r) => `${r.range.start.line + 1}:${r.range.start.character + 1}-${r.range.end.character + 1} ${r.kind} ${r.ref.reference}`),
    ...result.skipped.map((s) => `${s.range.start.line + 1}:${s.range.start.character + 1} ${s.reason} ${s.text}`),
  ];
}

void describe('scanCompose', () => {
  const text = readFixture('compose', 'compose.yaml');

  void it('finds services.*.image with anchors, merge keys and interpolation', () => {
    const result = scanCompose('compose.yaml', text, { lookup: () => undefined });
    assert.deepEqual(summary(result), [
      // the anchored image, written once in x-base and merged into `cache`
      '2:11-32 compose-image docker.io/library/redis:7',
      '7:12-22 compose-image docker.io/library/nginx:1.25',
      // an own key wins over the merged one; ${V-d}
      '16:13-40 compose-image docker.io/library/busybox:1.36',
      '25:12-23 compose-image docker.io/library/alpine:3.19',
      '11:12 variable-unresolved registry.example.com/team/app:${APP_TAG}',
      '18:12 variable-unresolved postgres:${PG_TAG:?PG_TAG must be set}',
      // $$ is a literal dollar, so this is no variable and no valid name
      '23:13 invalid-reference $${NOT_A_VAR}',
    ]);
    assert.match(result.skipped[0]!.message, /interpolates to "registry\.example\.com\/team\/app:".*APP_TAG is not set; set it in the environment or in the \.env file/);
    assert.equal(result.skipped[1]!.message, 'required variable PG_TAG is missing a value: PG_TAG must be set');
    assert.equal(result.references[3]!.platform, 'linux/arm64');
  });

  void it('reports a service with build: and image: as the image it builds', () => {
    const vars: Record<string, string> = { APP_TAG: '2.0', PG_TAG: '16', REDIS_TAG: '7.2' };
    const result = scanCompose('compose.yaml', text, { lookup: (n) => vars[n] });
    const app = result.references.find((r) => r.ref.repository === 'registry.example.com/team/app');
    assert.equal(app?.kind, 'compose-build-image');
    assert.equal(app?.ref.reference, 'registry.example.com/team/app:2.0');
    assert.equal(result.references.find((r) => r.ref.repository.endsWith('/redis'))?.ref.tag, '7.2');
    assert.equal(result.references.filter((r) => r.ref.repository.endsWith('/redis')).length, 1);
  });

  void it('covers exactly the image text as written, quotes excluded', () => {
    const lines = text.split('\n');
    const result = scanCompose('compose.yaml', text);
    for (const r of [...result.references, ...result.skipped]) {
      assert.equal(lines[r.range.start.line]!.slice(r.range.start.character, r.range.end.character), r.text);
    }
    assert.equal(result.references[0]!.text, 'redis:${REDIS_TAG:-7}');
  });

  void it('gives invalid YAML an error entry with its position, not an exception', () => {
    const result = scanCompose('invalid.yaml', readFixture('compose', 'invalid.yaml'));
    assert.equal(result.references.length, 0);
    assert.equal(result.errors.length, 1);
    assert.match(result.errors[0]!.message, /^invalid YAML: /);
    assert.equal(result.errors[0]!.range?.start.line, 3);
  });

  void it('ignores files that are not compose-shaped and non-string images', () => {
    assert.deepEqual(summary(scanCompose('c.yaml', 'just: text\n')), []);
    assert.deepEqual(summary(scanCompose('c.yaml', '- a\n- b\n')), []);
    assert.deepEqual(summary(scanCompose('c.yaml', '')), []);
    assert.deepEqual(summary(scanCompose('c.yaml', 'services:\n  a:\n    image: 5\n')), ['3:12 invalid-reference 5']);
  });

  void it('survives small alias trees', () => {
    const bomb = 'a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nservices:\n  s: {image: nginx}\n';
    assert.equal(scanCompose('c.yaml', bomb).references.length, 1);
  });
});

void describe('parseDotenv', () => {
  void it('reads compose .env syntax', () => {
    const vars = parseDotenv(readFixture('compose', 'with-env', '.env')).vars;
    assert.deepEqual(Object.fromEntries(vars), { API_IMAGE: 'ghcr.io/acme/api:2.0', FRONT_TAG: '1.25', FRONT_IMAGE: 'httpd' });
  });

  void it('handles quotes, escapes, comments and references to earlier keys', () => {
    const vars = parseDotenv('A=1 # comment\nB="x\\"y"\nC=\'$A\'\nD=${A}-2\nE="${A}"\n').vars;
    assert.deepEqual(Object.fromEntries(vars), { A: '1', B: 'x"y', C: '$A', D: '1-2', E: '1' });
  });
});
