/**
 * The gate fails closed on what it cannot read: the built CLI, run as a process. An unparsable file and
 * an invalid reference are error findings (exit 1) in text, JSON and SARIF; a path with nothing to check
 * is a usage error (exit 2); one hostile file never costs the rest of the run. No trust server is
 * needed: nothing here has a valid reference to verify, or the references are on a closed port.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Finding { code: string; severity: string; message: string }
interface Result { file: string; kind: string; line: number; column: number; endLine: number; endColumn: number; text: string; status: string; reason?: string; message?: string; findings: Finding[] }
interface Sarif { runs: { results: { ruleId: string; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[] }[] }

let work: string;

function trustlens(args: string[]) {
  const r = spawnSync(process.execPath, [join(process.cwd(), 'dist', 'cli.js'), ...args], {
    encoding: 'utf8', cwd: work, env: { PATH: process.env.PATH ?? '' }, timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(path: string, text: string): void {
  mkdirSync(join(work, path, '..'), { recursive: true });
  writeFileSync(join(work, path), text);
}

const check = (dir: string, format: string, extra: string[] = []) => trustlens(['check', dir, '--format', format, '--cache-dir', join(work, '.cache'), ...extra]);

before(() => {
  work = mkdtempSync(join(tmpdir(), 'trustlens-gate-'));
  write('broken/compose.yaml', 'services:\n  web:\n    image: nginx:1.25\n   bad: [unclosed\n');
  write('invalid/Dockerfile', 'FROM 127.0.0.1:5000/Demo/web:1.0\nFROM alpine@sha256:abc\n');
  write('empty/README.md', 'nothing to check here\n');
});

after(() => rmSync(work, { recursive: true, force: true }));

void describe('trustlens check fails closed', () => {
  void it('an unparsable compose file is an unparsable-file result at the error, counted, in text, JSON and SARIF (exit 1)', () => {
    const json = check('broken', 'json');
    assert.equal(json.status, 1, json.stderr);
    const doc = JSON.parse(json.stdout) as { results: Result[]; errors: { file: string; line: number }[] };
    const [result] = doc.results;
    assert.equal(doc.results.length, 1);
    assert.deepEqual([result!.file, result!.kind, result!.line, result!.status, result!.reason], [join('broken', 'compose.yaml'), 'file', 4, 'skipped', 'unparsable-file']);
    assert.deepEqual(result!.findings.map((f) => [f.code, f.severity]), [['unparsable-file', 'error']]);
    assert.match(result!.findings[0]!.message, /^invalid YAML: /);
    assert.deepEqual(doc.errors.map((e) => [e.file, e.line]), [[join('broken', 'compose.yaml'), 4]], 'errors are kept for compatibility');

    const sarif = JSON.parse(check('broken', 'sarif').stdout) as Sarif;
    const [located] = sarif.runs[0]!.results;
    assert.equal(located!.ruleId, 'unparsable-file');
    assert.equal(located!.level, 'error');
    assert.deepEqual([located!.locations[0]!.physicalLocation.artifactLocation.uri, located!.locations[0]!.physicalLocation.region.startLine], ['broken/compose.yaml', 4]);

    const text = check('broken', 'text');
    assert.equal(text.status, 1);
    assert.match(text.stdout, /error: \[unparsable-file\] invalid YAML: /);
    assert.match(text.stdout, /1 error finding$/m);
  });

  void it('an invalid reference is an invalid-reference finding with the exact reason, in text, JSON (with message) and SARIF (exit 1)', () => {
    const json = check('invalid', 'json');
    assert.equal(json.status, 1, json.stderr);
    const results = (JSON.parse(json.stdout) as { results: Result[] }).results;
    assert.deepEqual(results.map((r) => [r.text, r.line, r.column, r.reason, r.findings.map((f) => `${f.code} ${f.severity}`)]), [
      ['127.0.0.1:5000/Demo/web:1.0', 1, 6, 'invalid-reference', ['invalid-reference error']],
      ['alpine@sha256:abc', 2, 6, 'invalid-reference', ['invalid-reference error']],
    ]);
    assert.equal(results[0]!.message, 'invalid reference "127.0.0.1:5000/Demo/web:1.0": repository name must be lowercase');
    assert.match(results[0]!.findings[0]!.message, /repository name must be lowercase/);
    assert.match(results[1]!.findings[0]!.message, /invalid digest "sha256:abc"/);

    const sarif = JSON.parse(check('invalid', 'sarif').stdout) as Sarif;
    assert.deepEqual(sarif.runs[0]!.results.map((r) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.region.startLine]), [
      ['invalid-reference', 'error', 1], ['invalid-reference', 'error', 2],
    ]);
    const text = check('invalid', 'text');
    assert.match(text.stdout, /error: \[invalid-reference\] 127\.0\.0\.1:5000\/Demo\/web:1\.0 is not a valid image reference: .*must be lowercase/);
  });

  void it('a PATH with no Dockerfile or compose file, or that does not exist, exits 2 (check and refs)', () => {
    for (const command of ['check', 'refs']) {
      const none = trustlens([command, 'empty']);
      assert.equal(none.status, 2, `${command}: ${none.stdout}${none.stderr}`);
      assert.match(none.stderr, /no Dockerfile, compose file, Kubernetes manifest, kustomization, Helm values, devcontainer or CI file under empty/);
      const missing = trustlens([command, 'does-not-exist']);
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /cannot read does-not-exist: ENOENT/);
    }
  });

  void it('--max-file-bytes refuses a larger file as unparsable-file naming the limit', () => {
    const r = check('invalid', 'json', ['--max-file-bytes', '20']);
    assert.equal(r.status, 1);
    const [result] = (JSON.parse(r.stdout) as { results: Result[] }).results;
    assert.match(result!.findings[0]!.message, /^not read: the file is 56 bytes, over the limit of 20 bytes \(setting trustlens\.limits\.maxFileBytes, option --max-file-bytes\)$/);
    assert.equal(trustlens(['check', 'invalid', '--max-file-bytes', 'lots']).status, 2);
  });

  void it('a policy file over 256 KB is not read: a finding on it, and the gate fails', () => {
    write('bigpolicy/.trustlens.yaml', `# ${'x'.repeat(300_000)}\n`);
    write('bigpolicy/Dockerfile', 'FROM scratch\n');
    const r = check('bigpolicy', 'json');
    assert.equal(r.status, 1);
    const policy = (JSON.parse(r.stdout) as { results: Result[] }).results.find((x) => x.kind === 'file')!;
    assert.equal(policy.findings[0]!.message, 'not read: the policy file is 300,003 bytes, over the limit of 262,144 bytes for policy files');
  });
});

void describe('no file loses the rest of a run', () => {
  void it('every hostile shape gets its finding naming the limit, and the good file beside them is still reported', () => {
    let doubling = 'A0=xxxxxxxxxxxxxxxx\n';
    for (let i = 1; i <= 25; i += 1) doubling += `A${i}=\${A${i - 1}}\${A${i - 1}}\n`;
    write('run/doubling/.env', doubling);
    write('run/doubling/compose.yaml', 'services:\n  a:\n    image: nginx:${A3}\n');
    write('run/nesting/.env', `X=${'${X:-'.repeat(3000)}${'}'.repeat(3000)}\n`);
    write('run/nesting/compose.yaml', 'services:\n  a:\n    image: nginx:1.27\n');
    let bomb = 'x: &a {image: nginx}\n';
    for (let level = 1; level < 7; level += 1) bomb += `${'abcdefg'[level]}: &${'abcdefg'[level]} {<<: [${Array(10).fill(`*${'abcdefg'[level - 1]}`).join(', ')}]}\n`;
    write('run/bomb/compose.yaml', `${bomb}services:\n  s: *g\n`);
    write('run/flags/Dockerfile', `FROM alpine\nCOPY ${'--from=x '.repeat(40_000)}a b\n`);
    write('run/good/Dockerfile', 'FROM alpine:3.19\n');
    const r = trustlens(['refs', 'run', '--format', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { references: { file: string; reference: string }[]; errors: { file: string; message: string }[] };
    assert.deepEqual(doc.errors.map((e) => [e.file, e.message.replace(/[\d,]+ nodes, [\d,]+ of them/, 'N nodes, M of them')]), [
      [join('run', 'bomb', 'compose.yaml'), 'not read: YAML aliases and merge keys expand to N nodes, M of them through aliases: compose refuses this ("document contains excessive aliasing")'],
      [join('run', 'doubling', '.env'), 'not read: a variable expansion produces more than 65,536 characters'],
      [join('run', 'flags', 'Dockerfile'), 'not read: the Dockerfile has more than 10,000 flags'],
      [join('run', 'nesting', '.env'), 'not read: variable substitutions are nested more than 32 deep'],
    ]);
    assert.deepEqual(doc.references.map((x) => `${x.file} ${x.reference}`), [
      `${join('run', 'doubling', 'compose.yaml')} docker.io/library/nginx:${'x'.repeat(128)}`,
      `${join('run', 'good', 'Dockerfile')} docker.io/library/alpine:3.19`,
      `${join('run', 'nesting', 'compose.yaml')} docker.io/library/nginx:1.27`,
    ]);
  });

  void it('a .env compose refuses is a finding at its line, and check still reports the other files (exit 1)', () => {
    write('env/.env', 'TAG=1.0\nINVALID LINE\n');
    write('env/compose.yaml', 'services:\n  a:\n    image: 127.0.0.1:15099/team/app:${TAG}\n');
    write('env/.trustlens.yaml', 'trustServers:\n  "127.0.0.1:15099": https://127.0.0.1:9\n');
    const r = check('env', 'json');
    assert.equal(r.status, 1, r.stderr);
    const results = (JSON.parse(r.stdout) as { results: Result[] }).results;
    const env = results.find((x) => x.kind === 'file')!;
    assert.deepEqual([env.file, env.line, env.findings.map((f) => f.code)], [join('env', '.env'), 2, ['unparsable-file']]);
    assert.match(env.findings[0]!.message, /compose refuses this \.env file: line 2: key cannot contain a space/);
    const app = results.find((x) => x.kind === 'compose-image')!;
    assert.equal(app.text, '127.0.0.1:15099/team/app:${TAG}', 'the variables before the bad line still count');
    assert.equal(app.status, 'unverifiable');
  });
});
