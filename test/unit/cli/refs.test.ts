import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath } from '../../helpers/fixtures';

/** Runs the built CLI bundle as a user would. */
function trustlens(args: string[], env: Record<string, string> = {}, cwd = process.cwd()) {
  const r = spawnSync(process.execPath, [join(process.cwd(), 'dist', 'cli.js'), ...args], {
    encoding: 'utf8',
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(args: string[], env: Record<string, string> = {}) {
  const r = trustlens(['refs', ...args, '--format', 'json'], env);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as {
    references: Record<string, unknown>[];
    skipped: Record<string, unknown>[];
    errors: { file: string; message: string }[];
  };
}

void describe('trustlens refs', () => {
  void it('walks directories for Dockerfiles and compose files, skipping node_modules and .git', () => {
    const work = mkdtempSync(join(tmpdir(), 'trustlens-refs-'));
    try {
      cpSync(fixturePath('tree'), join(work, 'tree'), { recursive: true });
      for (const hidden of ['tree/.git', 'tree/app/node_modules/dep']) {
        mkdirSync(join(work, hidden), { recursive: true });
        writeFileSync(join(work, hidden, 'Dockerfile'), 'FROM should/not:be-found\n');
      }
      const r = trustlens(['refs', 'tree', '--format', 'json'], {}, work);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { references: { file: string; reference: string }[] };
      assert.deepEqual(out.references.map((ref) => `${ref.file} ${ref.reference}`), [
        'tree/app/Dockerfile docker.io/library/node:20',
        'tree/app/Dockerfile.dev docker.io/library/node:20-alpine',
        'tree/app/api.Dockerfile docker.io/library/python:3.12',
        'tree/svc/Containerfile docker.io/library/fedora:40',
        'tree/svc/compose.override.yml docker.io/library/fedora:41',
      ]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  void it('prints exactly the documented JSON fields', () => {
    const out = json(['test/fixtures/dockerfiles/forms.Dockerfile']);
    assert.deepEqual(out.references[2], {
      file: 'test/fixtures/dockerfiles/forms.Dockerfile',
      line: 3, column: 29, endLine: 3, endColumn: 67,
      kind: 'from',
      text: 'registry.example.com:5000/team/app:1.0',
      reference: 'registry.example.com:5000/team/app:1.0',
      repository: 'registry.example.com:5000/team/app',
      tag: '1.0', digest: null, platform: 'linux/arm64', stage: 'Pinned',
    });
    assert.deepEqual(out.skipped[0], {
      file: 'test/fixtures/dockerfiles/forms.Dockerfile', line: 9, column: 6, text: 'scratch', reason: 'scratch',
      message: 'scratch is the empty image, not a pulled image',
    });
    assert.deepEqual(out.errors, []);
  });

  void it('reports invalid YAML as an error entry and goes on', () => {
    const out = json(['test/fixtures/compose/invalid.yaml', 'test/fixtures/tree/app/Dockerfile']);
    assert.equal(out.errors.length, 1);
    assert.equal(out.errors[0]!.file, 'test/fixtures/compose/invalid.yaml');
    assert.equal(out.references.length, 1);
  });

  void it('applies --build-arg overrides', () => {
    const out = json(['test/fixtures/dockerfiles/args.Dockerfile', '--build-arg', 'TAG=22', '--build-arg', 'VARIANT=slim']);
    assert.equal(out.references[0]!.reference, 'docker.io/library/node:22-slim');
    assert.equal(out.references[0]!.text, '${IMAGE}:${TAG:-20}${VARIANT:+-$VARIANT}');
  });

  void it('interpolates compose files from .env, with the environment winning', () => {
    const dir = 'test/fixtures/compose/with-env';
    assert.deepEqual(json([dir]).references.map((r) => r.reference), ['ghcr.io/acme/api:2.0', 'docker.io/library/httpd:1.25']);
    assert.deepEqual(json([dir], { FRONT_TAG: '2.4' }).references.map((r) => r.reference), ['ghcr.io/acme/api:2.0', 'docker.io/library/httpd:2.4']);
  });

  void it('prints a readable text report by default', () => {
    const r = trustlens(['refs', 'test/fixtures/dockerfiles/multistage.Dockerfile']);
    assert.equal(r.status, 0);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'test/fixtures/dockerfiles/multistage.Dockerfile:1:10\tsyntax\tdocker.io/docker/dockerfile:1.7');
    assert.match(lines.join('\n'), /:15:13\tskipped\t0\t\(stage-alias: 0 is the index of a build stage\)/);
    assert.equal(lines.at(-1), '5 references, 4 skipped, 0 errors');
  });

  void it('exits with 2 on usage errors and unreadable paths', () => {
    for (const args of [
      ['refs', '--format', 'xml'],
      ['refs', '--bogus'],
      ['refs', '--build-arg', 'NOEQUALS'],
      ['refs', 'test/fixtures/does-not-exist'],
      ['nonsense'],
      [],
    ]) {
      const r = trustlens(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    }
    assert.match(trustlens(['refs', 'test/fixtures/does-not-exist']).stderr, /cannot read test\/fixtures\/does-not-exist: ENOENT/);
    assert.equal(trustlens(['--help']).status, 0);
  });
});

void describe('trustlens check (usage)', () => {
  void it('reports an invalid policy file as an unparsable-file finding at its line, lists the rest, and fails (exit 1)', () => {
    const work = mkdtempSync(join(tmpdir(), 'trustlens-check-'));
    try {
      writeFileSync(join(work, '.trustlens.yaml'), 'rules:\n  - images: [x]\n    bogus: 1\n');
      writeFileSync(join(work, 'Dockerfile'), 'FROM scratch\nFROM 127.0.0.1:15099/team/app:1.0\n');
      const r = trustlens(['check', '.', '--format', 'json', '--cache-dir', join(work, 'cache')], {}, work);
      assert.equal(r.status, 1, r.stdout + r.stderr);
      const doc = JSON.parse(r.stdout) as { results: { file: string; kind: string; line: number; column: number; status: string; reason?: string; findings: { code: string; severity: string; message: string }[] }[]; errors: { file: string; message: string; line?: number }[] };
      const policy = doc.results.find((x) => x.kind === 'file')!;
      assert.deepEqual([policy.file.endsWith('.trustlens.yaml'), policy.line, policy.column, policy.reason], [true, 3, 5, 'unparsable-file']);
      assert.deepEqual(policy.findings.map((f) => [f.code, f.severity, f.message]), [['unparsable-file', 'error', 'invalid policy file: unknown rule key "bogus" (expected images, requireSigners, severity, require, anyOf, cosign, notation)']]);
      assert.equal(doc.errors.length, 1, 'the errors array still lists it');
      // Nothing is checked against a trust server the broken policy may have been meant to name.
      const app = doc.results.find((x) => x.kind === 'from' && x.status !== 'skipped')!;
      assert.deepEqual([app.status, app.findings.map((f) => f.code)], ['unverifiable', ['unverifiable']]);
      assert.ok(doc.results.some((x) => x.reason === 'scratch'));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  void it('exits with 2 on a bad format or ttl', () => {
    assert.equal(trustlens(['check', 'test/fixtures/tree', '--format', 'xml']).status, 2);
    assert.equal(trustlens(['check', 'test/fixtures/tree', '--ttl', '-5']).status, 2);
  });
});
