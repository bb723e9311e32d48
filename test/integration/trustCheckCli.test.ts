/**
 * `trustlens check` end to end: the built CLI, run as a process on a project directory, against the
 * real notary-server, with the trust server mapped by a policy file, the server CA in a docker config
 * directory and a private metadata cache. Checks the JSON and SARIF shapes and the exit status.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FINDING_CODES } from '../../src/core/model/findings';
import { buildSignerOnly, type Scenario } from '../helpers/stack/scenarios';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { runCli } from '../helpers/trust/cli';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';
import { composeWith, dockerfileFrom, policyYaml } from '../helpers/trust/documents';

/** Every field of a `check --format json` result: the `refs` fields, then the verdict. */
const RESULT_KEYS = [
  'file', 'line', 'column', 'endLine', 'endColumn', 'kind', 'text', 'reference', 'repository', 'tag', 'digest', 'platform', 'stage',
  'status', 'verdict', 'signedDigest', 'role', 'signers', 'expires', 'findings', 'trustServer', 'signatures',
].sort();

interface JsonResult {
  file: string; line: number; column: number; endLine: number; endColumn: number; kind: string; text: string;
  reference: string; repository: string; tag: string | null; digest: string | null; platform: string | null; stage: string | null;
  status: string; verdict: string; signedDigest: string | null; role: string | null; signers: string[]; expires: string | null;
  findings: Array<{ code: string; severity: string; message: string }>; trustServer: string | null;
  signatures: Array<{
    scheme: string; status: string; signedDigest: string | null; signers: Array<{ name: string; keyIds: string[]; role?: string }>;
    expires: Array<{ what: string; expires: string; renewedBy?: string; renewCommand?: string }>; findings: Array<{ code: string; severity: string; message: string }>;
    source: { kind: string; url: string } | null;
  }>;
}

void describe('trustlens check (the CLI) on the real stack', () => {
  let stack: Stack;
  let s: Scenario;
  let docker: TestDockerConfig;
  let project: TempDir;
  let cacheDir: TempDir;
  const args = (dir: string, format: string, extra: string[] = []) => [
    'check', dir, '--format', format, '--config', 'policy.yaml', '--cache-dir', cacheDir.path, '--docker-config', docker.path, ...extra,
  ];
  const cli = (dir: string, format: string, extra?: string[]) => runCli(args(dir, format, extra), { cwd: project.path });

  /** Where `text` is written in a project file, 1-based, end exclusive. */
  const positionOf = async (file: string, text: string) => {
    const lines = (await readFile(join(project.path, file), 'utf8')).split('\n');
    // The whole image text: followed by a space, a closing quote or the end of the line.
    const at = lines.map((l) => [...l.matchAll(/[^\s"]+/g)].find((m) => m[0] === text)?.index);
    const index = at.findIndex((i) => i !== undefined);
    assert.ok(index >= 0 && at.filter((i) => i !== undefined).length === 1, `${text} is not written once in ${file}`);
    const column = at[index]! + 1;
    return { line: index + 1, column, endLine: index + 1, endColumn: column + text.length };
  };

  before(async () => {
    stack = await startStack();
    // v1 released by bob; beta held only by targets/bob.
    s = await buildSignerOnly(stack);
    docker = await makeDockerConfig([{ host: stack.notary.host, caPem: stack.notary.caPem }]);
    project = await makeTempDir('cli-project');
    cacheDir = await makeTempDir('cli-cache');
    const v1 = s.images.v1!.digest;
    const beta = s.images.beta!.digest;
    await mkdir(join(project.path, 'signed'));
    await mkdir(join(project.path, 'mixed'));
    await writeFile(join(project.path, 'policy.yaml'), policyYaml({ [stack.registry.host]: stack.notary.url }));
    await writeFile(join(project.path, 'signed', 'Dockerfile'), dockerfileFrom([`${s.gun}:v1`, `${s.gun}:v1@${v1}`]));
    await writeFile(join(project.path, 'signed', 'compose.yaml'), composeWith([`${s.gun}@${v1}`]));
    await writeFile(join(project.path, 'mixed', 'Dockerfile'), dockerfileFrom([`${s.gun}:v1`, `${s.gun}:beta`, `${s.gun}:never-signed`]));
    await writeFile(join(project.path, 'mixed', 'compose.yaml'), composeWith([`${s.gun}:v1@${beta}`]));
    // A signed reference among files that cannot be read and a reference docker would refuse.
    for (const dir of ['hostile/signed', 'hostile/broken', 'hostile/bomb', 'hostile/env']) await mkdir(join(project.path, dir), { recursive: true });
    await writeFile(join(project.path, 'hostile', 'signed', 'Dockerfile'), `FROM ${s.gun}:v1\nFROM ${s.gun.replace('/', '/Upper')}:v1\n`);
    await writeFile(join(project.path, 'hostile', 'broken', 'compose.yaml'), 'services:\n  web:\n    image: nginx:1.25\n   bad: [unclosed\n');
    let bomb = 'l0: &l0 {image: nginx}\n';
    for (let level = 1; level <= 6; level += 1) bomb += `l${level}: &l${level} {<<: [${Array(10).fill(`*l${level - 1}`).join(', ')}]}\n`;
    await writeFile(join(project.path, 'hostile', 'bomb', 'compose.yaml'), `${bomb}services:\n  s: *l6\n`);
    await writeFile(join(project.path, 'hostile', 'env', '.env'), `TAG=v1\nDEEP=${'${Y:-'.repeat(40)}${'}'.repeat(40)}\n`);
    await writeFile(join(project.path, 'hostile', 'env', 'compose.yaml'), composeWith([`${s.gun}:\${TAG}`]));
  });

  after(async () => {
    await Promise.all([project?.remove(), cacheDir?.remove(), docker?.remove()]);
    await stack?.stop();
  });

  void it('--format json: every refs field and the verdict; exit 1 when an error finding exists', async () => {
    const run = await cli('mixed', 'json');
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stderr, '');
    const doc = JSON.parse(run.stdout) as { results: JsonResult[]; errors: unknown[] };
    assert.deepEqual(Object.keys(doc).sort(), ['errors', 'results']);
    assert.deepEqual(doc.errors, []);
    assert.equal(doc.results.length, 4);
    for (const r of doc.results) {
      assert.deepEqual(Object.keys(r).sort(), RESULT_KEYS, r.text);
      assert.equal(r.repository, s.gun);
      assert.equal(r.trustServer, stack.notary.url);
      assert.equal(r.reference, r.text);
      assert.deepEqual({ line: r.line, column: r.column, endLine: r.endLine, endColumn: r.endColumn }, await positionOf(r.file, r.text));
      for (const f of r.findings) assert.deepEqual(Object.keys(f).sort(), ['code', 'message', 'severity']);
    }
    const byText = (text: string) => {
      const found = doc.results.find((r) => r.text === text);
      assert.ok(found, text);
      return found;
    };
    const v1 = byText(`${s.gun}:v1`);
    assert.deepEqual(
      { file: v1.file, kind: v1.kind, tag: v1.tag, digest: v1.digest, platform: v1.platform, stage: v1.stage, status: v1.status,
        verdict: v1.verdict, signedDigest: v1.signedDigest, role: v1.role, signers: v1.signers, findings: v1.findings },
      { file: join('mixed', 'Dockerfile'), kind: 'from', tag: 'v1', digest: null, platform: null, stage: 'stage0', status: 'signed',
        verdict: 'pass', signedDigest: s.images.v1!.digest, role: 'targets/releases', signers: ['bob'], findings: [] },
    );
    assert.ok(v1.expires !== null && Date.parse(v1.expires) > Date.now() + 2 * 365 * 86_400_000, `expires ${v1.expires}`);

    const beta = byText(`${s.gun}:beta`);
    assert.deepEqual([beta.status, beta.verdict, beta.signedDigest, beta.role, beta.signers], ['not-released', 'fail', s.images.beta!.digest, 'targets/bob', ['bob']]);
    assert.deepEqual(beta.findings.map((f) => [f.code, f.severity]), [['not-released', 'error']]);

    const never = byText(`${s.gun}:never-signed`);
    assert.deepEqual([never.status, never.signedDigest, never.role, never.signers, never.expires], ['unsigned', null, null, [], null]);
    assert.deepEqual(never.findings.map((f) => f.code), ['unsigned-tag']);

    const pinned = byText(`${s.gun}:v1@${s.images.beta!.digest}`);
    assert.deepEqual([pinned.file, pinned.kind, pinned.tag, pinned.digest, pinned.stage], [join('mixed', 'compose.yaml'), 'compose-image', 'v1', s.images.beta!.digest, null]);
    assert.deepEqual([pinned.status, pinned.signedDigest, pinned.role], ['digest-mismatch', s.images.v1!.digest, 'targets/releases']);
    assert.deepEqual(pinned.findings.map((f) => [f.code, f.severity]), [['digest-mismatch', 'error']]);
  });

  void it('--format json: each result\'s signatures hold each scheme\'s evidence; DCT\'s, which gives the verdict, the top-level fields repeat', async () => {
    const run = await cli('mixed', 'json');
    const doc = JSON.parse(run.stdout) as { results: JsonResult[] };
    for (const r of doc.results) {
      // With no rule naming schemes, both are checked; no image here has a cosign signature.
      assert.deepEqual(r.signatures.map((x) => x.scheme), ['dct', 'cosign'], r.text);
      const [dct, cosign] = r.signatures;
      assert.ok(cosign!.status === 'unsigned' || cosign!.status === 'unverifiable', `${r.text}: cosign ${cosign!.status}`);
      assert.deepEqual(cosign!.source, { kind: 'registry', url: r.repository });
      assert.deepEqual(Object.keys(dct!).sort(), ['expires', 'findings', 'scheme', 'signedDigest', 'signers', 'source', 'status']);
      assert.equal(dct!.scheme, 'dct');
      assert.equal(dct!.status, r.status);
      assert.equal(dct!.signedDigest, r.signedDigest);
      assert.deepEqual(dct!.signers.map((g) => g.name), r.signers);
      for (const g of dct!.signers) assert.ok(g.keyIds.length > 0 && g.keyIds.every((id) => /^[0-9a-f]{64}$/.test(id)), `${g.name} has key IDs`);
      assert.equal(dct!.expires[0]?.expires ?? null, r.expires, 'the earliest expiry is the top-level one');
      assert.deepEqual(dct!.expires.map((e) => e.expires), dct!.expires.map((e) => e.expires).sort(), 'earliest first');
      for (const e of dct!.expires) {
        // Each says who renews it; the owner's roles with the command (the tag is always known here).
        assert.deepEqual(Object.keys(e), ['what', 'expires', 'renewedBy', 'renewCommand'], `${r.text}: ${e.what}`);
        assert.match(e.renewCommand ?? '', /^trustlens (sign|witness|key rotate) /, `${r.text}: ${e.what}`);
      }
      assert.deepEqual(dct!.findings, r.findings);
      assert.deepEqual(dct!.source, { kind: 'trust-server', url: stack.notary.url });
    }
  });

  void it('--format json: exit 0 when everything is signed', async () => {
    const run = await cli('signed', 'json');
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const doc = JSON.parse(run.stdout) as { results: JsonResult[] };
    assert.equal(doc.results.length, 3);
    for (const r of doc.results) {
      assert.deepEqual([r.status, r.signedDigest, r.role, r.signers, r.findings], ['signed', s.images.v1!.digest, 'targets/releases', ['bob'], []], r.text);
    }
  });

  void it('--format sarif: SARIF 2.1.0 with a rule per finding code and a located result per finding', async () => {
    const [sarifRun, jsonRun] = [await cli('mixed', 'sarif'), await cli('mixed', 'json')];
    assert.equal(sarifRun.code, 1, sarifRun.stderr);
    const sarif = JSON.parse(sarifRun.stdout) as {
      version: string; $schema: string;
      runs: Array<{
        tool: { driver: { name: string; rules: Array<{ id: string; shortDescription: { text: string } }> } };
        results: Array<{
          ruleId: string; ruleIndex: number; level: string; message: { text: string };
          locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number; endLine: number; endColumn: number } } }>;
        }>;
      }>;
    };
    assert.equal(sarif.version, '2.1.0');
    assert.match(sarif.$schema, /sarif-2\.1\.0/);
    assert.equal(sarif.runs.length, 1);
    const [run] = sarif.runs;
    assert.equal(run!.tool.driver.name, 'TrustLens');
    const ruleIds = run!.tool.driver.rules.map((r) => r.id);
    assert.deepEqual(ruleIds, [...FINDING_CODES]);
    for (const rule of run!.tool.driver.rules) assert.ok(rule.shortDescription.text.length > 0, rule.id);

    const json = (JSON.parse(jsonRun.stdout) as { results: JsonResult[] }).results;
    const expected = json.flatMap((r) => r.findings.map((f) => ({
      ruleId: f.code, level: f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'note', message: f.message,
      uri: r.file.split('\\').join('/'), region: { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn },
    })));
    assert.equal(expected.length, 3, 'not-released, unsigned-tag and digest-mismatch');
    const actual = run!.results.map((x) => {
      assert.equal(x.locations.length, 1);
      assert.equal(ruleIds[x.ruleIndex], x.ruleId);
      const { artifactLocation, region } = x.locations[0]!.physicalLocation;
      return {
        ruleId: x.ruleId, level: x.level, message: x.message.text, uri: artifactLocation.uri,
        region: { startLine: region.startLine, startColumn: region.startColumn, endLine: region.endLine, endColumn: region.endColumn },
      };
    });
    const key = (x: { uri: string; region: { startLine: number } }) => `${x.uri}:${x.region.startLine}`;
    assert.deepEqual([...actual].sort((p, q) => key(p).localeCompare(key(q))), [...expected].sort((p, q) => key(p).localeCompare(key(q))));

    const signed = await cli('signed', 'sarif');
    assert.equal(signed.code, 0);
    assert.deepEqual((JSON.parse(signed.stdout) as typeof sarif).runs[0]!.results, []);
  });

  void it('files that cannot be read and an invalid reference fail the gate, located in JSON and SARIF, and the signed references beside them are still verified', async () => {
    const run = await cli('hostile', 'json');
    assert.equal(run.code, 1, run.stderr);
    const doc = JSON.parse(run.stdout) as { results: Array<JsonResult & { reason?: string; message?: string }>; errors: Array<{ file: string }> };
    const signed = doc.results.filter((r) => r.status === 'signed');
    assert.deepEqual(signed.map((r) => [r.file, r.text, r.findings]), [
      [join('hostile', 'env', 'compose.yaml'), `${s.gun}:\${TAG}`, []],
      [join('hostile', 'signed', 'Dockerfile'), `${s.gun}:v1`, []],
    ]);
    const failures = doc.results.filter((r) => r.status !== 'signed').map((r) => [r.file, r.kind, r.line, r.findings.map((f) => `${f.code} ${f.severity}`)]);
    assert.deepEqual(failures, [
      [join('hostile', 'signed', 'Dockerfile'), 'from', 2, ['invalid-reference error']],
      [join('hostile', 'bomb', 'compose.yaml'), 'file', 1, ['unparsable-file error']],
      [join('hostile', 'broken', 'compose.yaml'), 'file', 4, ['unparsable-file error']],
      [join('hostile', 'env', '.env'), 'file', 2, ['unparsable-file error']],
    ]);
    assert.equal(doc.errors.length, 3);

    const sarif = JSON.parse((await cli('hostile', 'sarif')).stdout) as { runs: Array<{ results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }> };
    assert.deepEqual(sarif.runs[0]!.results.map((r) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region.startLine]), [
      ['invalid-reference', 'error', 'hostile/signed/Dockerfile', 2],
      ['unparsable-file', 'error', 'hostile/bomb/compose.yaml', 1],
      ['unparsable-file', 'error', 'hostile/broken/compose.yaml', 4],
      ['unparsable-file', 'error', 'hostile/env/.env', 2],
    ]);
    const text = await cli('hostile', 'text');
    assert.equal(text.code, 1);
    assert.match(text.stdout, /4 error findings$/m);
  });

  void it('a rerun within the TTL answers from --cache-dir; --refresh with the server gone is unverifiable, exit 1', async () => {
    const before = await cli('signed', 'json');
    await stack.notary.stop();
    const cached = await cli('signed', 'json');
    assert.equal(cached.code, 0, cached.stderr);
    assert.deepEqual(JSON.parse(cached.stdout), JSON.parse(before.stdout));

    const refreshed = await cli('signed', 'json', ['--refresh']);
    assert.equal(refreshed.code, 1);
    const results = (JSON.parse(refreshed.stdout) as { results: JsonResult[] }).results;
    assert.equal(results.length, 3);
    for (const r of results) {
      // Docker Content Trust could not be asked; cosign, asked too, found no signature: nothing is signed, and it fails.
      assert.deepEqual([r.verdict, r.signedDigest], ['fail', null], r.text);
      const dct = r.signatures.find((s) => s.scheme === 'dct');
      assert.deepEqual([dct?.status, dct?.findings.map((f) => [f.code, f.severity])], ['unverifiable', [['unverifiable', 'error']]], r.text);
      assert.deepEqual([r.status, r.findings.map((f) => [f.code, f.severity])], ['unsigned', [['no-signature', 'error']]], r.text);
    }
  });
});
