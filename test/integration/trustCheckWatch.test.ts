/**
 * Watching trust over time with the built CLI, on the real notary-server and registry: a repository
 * whose targets TrustLens signed so that they expire in 40 days (the server signs its snapshot and
 * timestamp with its own clock), beside one that expires
 * in three years. `--fail-on expiring-soon` turns the passing run into a failing one once the warning
 * window reaches the expiry (and not before), an unknown code is a usage error, and `--format markdown`
 * shows a row per image and the coming expiry on its timeline.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signBackdated } from '../helpers/trust/backdatedSigning';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { offsetClock, systemClock, type Clock } from '../../src/core/ports';
import type { PassphraseProvider } from '../../src/core/trust/dct/keys/signingKey';
import { getTrustFile } from '../helpers/stack/notaryHttp';
import { pushImage, type PushedImage } from '../helpers/stack/push';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { runCli } from '../helpers/trust/cli';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';
import { dockerfileFrom, policyYaml } from '../helpers/trust/documents';

const DAY_MS = 86_400_000;
/** notary's default targets and snapshot lifetime: 3 × notary.Year. */
const THREE_YEARS_MS = 3 * 365 * DAY_MS;
const passphrases: PassphraseProvider = { get: ({ role }) => Promise.resolve(role === 'root' ? 'watch-root' : 'watch-repository') };

interface JsonDoc { results: { text: string; verdict: string; findings: { code: string; severity: string }[] }[] }

void describe('watching trust over time: check --fail-on and --format markdown on the real stack', () => {
  let stack: Stack;
  let docker: TestDockerConfig;
  let project: TempDir;
  let cacheDir: TempDir;
  let soonGun: string;
  let laterGun: string;
  let soon: PushedImage;
  let later: PushedImage;
  let targetsExpiry: number;

  /** Signs `repository:v1` as its owner, with the publisher's clock at `clock` (so its roles expire 3 years after that). */
  const signAt = async (repository: string, clock: Clock): Promise<PushedImage> => {
    const image = await pushImage(stack.registry, repository, 'v1');
    await signBackdated({ stack, dockerConfigDir: docker.path, passphrases, clock }, `${stack.registry.host}/${repository}:v1`);
    return image;
  };
  const check = (policy: string, extra: string[]) => runCli(
    ['check', '.', '--config', policy, '--cache-dir', cacheDir.path, '--docker-config', docker.path, ...extra], { cwd: project.path });
  const writePolicy = (name: string, extra = '') => writeFile(join(project.path, name), policyYaml({ [stack.registry.host]: stack.notary.url }, extra));

  before(async () => {
    stack = await startStack();
    docker = await makeDockerConfig([{ host: stack.notary.host, caPem: stack.notary.caPem }]);
    project = await makeTempDir('watch-project');
    cacheDir = await makeTempDir('watch-cache');
    // Signed as if 3 years less 40 days ago: targets expire in 40 days; the server's snapshot and timestamp are fresh.
    soon = await signAt('watch/soon', offsetClock(systemClock, -(THREE_YEARS_MS - 40 * DAY_MS)));
    later = await signAt('watch/later', systemClock);
    soonGun = `${stack.registry.host}/watch/soon`;
    laterGun = `${stack.registry.host}/watch/later`;
    targetsExpiry = Date.parse((await getTrustFile(stack.notary, soonGun, 'targets')).signed.expires);
    const left = (targetsExpiry - Date.now()) / DAY_MS;
    assert.ok(left > 39 && left < 41, `the targets of ${soonGun} expire in ${left} days`);
    await writeFile(join(project.path, 'Dockerfile'), dockerfileFrom([`${soonGun}:v1`, `${laterGun}:v1`]));
    // The default window (30 days) ends before the expiry; a 60-day one reaches it.
    await writePolicy('default-window.yaml');
    await writePolicy('wide-window.yaml', 'expiryWarningDays: 60\n');
  });

  after(async () => {
    await Promise.all([project?.remove(), cacheDir?.remove(), docker?.remove()]);
    await stack?.stop();
  });

  void it('--fail-on expiring-soon: exit 0 while the expiry is outside the warning window, exit 1 once it is inside', async () => {
    // Control: signed, nothing expires within 30 days, so --fail-on changes nothing.
    const outside = await check('default-window.yaml', ['--fail-on', 'expiring-soon']);
    assert.equal(outside.code, 0, outside.stdout + outside.stderr);
    assert.match(outside.stdout, /2 results: 2 pass — 2 signed; 0 error findings\n$/);

    // Inside the window: a warning, which passes without --fail-on …
    const warned = await check('wide-window.yaml', ['--format', 'json']);
    assert.equal(warned.code, 0, warned.stderr);
    const doc = JSON.parse(warned.stdout) as JsonDoc;
    const soonResult = doc.results.find((r) => r.text === `${soonGun}:v1`)!;
    assert.deepEqual(soonResult.findings.map((f) => [f.code, f.severity]), [['expiring-soon', 'warning']]);
    assert.equal(soonResult.verdict, 'warn');
    assert.deepEqual(doc.results.find((r) => r.text === `${laterGun}:v1`)!.findings, []);

    // … and fails the run with it, in every format; JSON keeps the finding's severity and verdict.
    const gatedJson = await check('wide-window.yaml', ['--format', 'json', '--fail-on', 'expiring-soon']);
    assert.equal(gatedJson.code, 1, gatedJson.stderr);
    assert.deepEqual(JSON.parse(gatedJson.stdout), doc);
    const gatedText = await check('wide-window.yaml', ['--fail-on', 'unsigned-tag', '--fail-on=expiring-soon']);
    assert.equal(gatedText.code, 1, gatedText.stderr);
    const lines = gatedText.stdout.split('\n');
    assert.match(lines[0]!, new RegExp(`^✖ Fail {2}signed +Dockerfile:1:6 {2}${soonGun}:v1 `));
    assert.match(lines[1]!, /^ {4}warning: \[expiring-soon\] The targets signature .* — fails the run \(--fail-on expiring-soon\)$/);
    assert.match(gatedText.stdout, /\n✔ Pass {2}signed +Dockerfile:4:6 /);
    assert.match(gatedText.stdout, /2 results: 1 fail · 1 pass — 2 signed; 0 error findings; 1 finding failing the run by --fail-on\n$/);
    const gatedSarif = await check('wide-window.yaml', ['--format', 'sarif', '--fail-on', 'expiring-soon']);
    assert.equal(gatedSarif.code, 1);
    const levels = (JSON.parse(gatedSarif.stdout) as { runs: { results: { ruleId: string; level: string }[] }[] }).runs[0]!.results.map((r) => [r.ruleId, r.level]);
    assert.deepEqual(levels, [['expiring-soon', 'warning']]);
  });

  void it('an unknown --fail-on code is a usage error (exit 2) naming the closest code, and nothing is checked', async () => {
    const run = await check('wide-window.yaml', ['--fail-on', 'expiring-son']);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^trustlens: --fail-on: unknown finding code "expiring-son": did you mean expiring-soon\?\n\nUsage: trustlens check /);
  });

  void it('--format markdown: a row per image, the failing findings, and the expiry on the 90-day timeline', async () => {
    const run = await check('wide-window.yaml', ['--format', 'markdown', '--fail-on', 'expiring-soon']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^## ✖ TrustLens: Fail\n\n2 image references: 1 fail · 1 pass — 2 signed — 1 finding fails the run\.\n/);
    const html = new MarkdownIt({ linkify: true }).render(run.stdout);
    const tables = [...html.matchAll(/<tbody>([\s\S]*?)<\/tbody>/g)].map((t) => [...t[1]!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
      .map((row) => [...row[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => c[1]!)));
    assert.equal(tables.length, 2, html);
    const [images, timeline] = tables;
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const laterExpiry = Date.parse((await getTrustFile(stack.notary, laterGun, 'targets')).signed.expires);
    assert.deepEqual(images!.map((c) => c.slice(0, 6)), [
      ['Dockerfile:1', `${soonGun}:v1`, '✖ Fail: signed', 'dct: signed, cosign: unsigned', '—', `${soon.digest.slice(0, 19)}…`],
      ['Dockerfile:4', `${laterGun}:v1`, '✔ Pass: signed', 'dct: signed, cosign: unsigned', '—', `${later.digest.slice(0, 19)}…`],
    ]);
    assert.match(images![0]![6]!, new RegExp(`^${day(targetsExpiry)} \\(in (39|40) days\\): targets$`));
    assert.match(images![1]![6]!, new RegExp(`^${day(laterExpiry)} \\(in \\d+ days\\): (snapshot|targets)$`));
    assert.match(html, /<h3>Findings that fail the run<\/h3>\n<ul>\n<li>✖ Dockerfile:1 [^<]*: <strong>expiring-soon<\/strong> [^<]* — fails the run because of --fail-on expiring-soon \(severity warning\)<\/li>/);
    // The targets of the repository signed 40 days from expiry are on the timeline; nothing of the other one is.
    assert.deepEqual(timeline!.map((c) => [c[1], c[2], c[3], c[4]]), [['targets', 'dct', soonGun, `${soonGun}:v1`]]);
    for (const row of timeline!) assert.match(row[0]!, new RegExp(`^${day(targetsExpiry)} \\(in (39|40) days\\)$`));
  });
});
