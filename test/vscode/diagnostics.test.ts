/// <reference types="mocha" />
/**
 * The diagnostics a user sees, inside a real VS Code against a real registry and notary-server: the
 * exact set for the committed Dockerfile and compose fixtures (code, range, severity, source), how they
 * follow edits (old verdicts stay while a check runs, only the last of several rapid edits is
 * reported), and how settings and `.trustlens.yaml` change them. Every wait is on
 * `onDidChangeDiagnostics` for the document.
 */
import * as assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TrustLensApi } from '../../src/extension';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import type { TestDockerConfig } from '../helpers/trust/dockerConfig';
import {
  FIXTURES, applySettings, clearSettings, closeEditorsWithoutSaving, composeVerdicts, described, diagnosticsEqual, diagnosticsWhen,
  dockerfileVerdicts, expectedIn, fixtureUri, observeRequests, replaceText, sharedFixtureStack, show, stopSharedFixtureStackAfterRun,
  trustDiagnostics, trustLens,
} from './diagnosticsHost';
import { startGate } from './diagnosticsGate';
import { FIXTURE_REGISTRY, WRONG_DIGEST, fixtureDockerConfig, fixtureSettings, type FixtureStack } from './diagnosticsStack';
import { fixtureFolder, nextEvent } from './suite/helpers';

stopSharedFixtureStackAfterRun();

const R = `${FIXTURE_REGISTRY}/trustlens`;
const README = 'https://github.com/trustlens/trustlens#';

describe('diagnostics on the real stack', function () {
  this.timeout(120_000);
  let api: TrustLensApi;
  let fixture: FixtureStack;
  let docker: TestDockerConfig;
  let settings: Record<string, unknown>;
  /** Files written by a test: outside the workspace, so the Explorer never lists them. */
  let temp: TempDir;
  /** Files that must sit in the workspace (policy files found from the workspace folder). */
  let scratch: string;

  before(async function () {
    this.timeout(300_000);
    api = await trustLens();
    fixture = await sharedFixtureStack();
    docker = await fixtureDockerConfig([fixture.stack]);
    settings = fixtureSettings({ main: fixture, dockerConfig: docker });
    await clearSettings();
    await applySettings(settings);
    temp = await makeTempDir('vscode-diagnostics');
    scratch = join(fixtureFolder().uri.fsPath, `diagnostics-${process.pid}`);
  });

  afterEach(closeEditorsWithoutSaving);

  after(async () => {
    await clearSettings();
    await rm(scratch ?? '', { recursive: true, force: true });
    await docker?.remove();
    await temp?.remove();
  });

  async function write(dir: string, name: string, text: string): Promise<vscode.Uri> {
    const file = join(dir, name);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, text);
    return vscode.Uri.file(file);
  }

  describe('the exact set', () => {
    it('Dockerfile: one diagnostic per finding, on exactly the image text; none for the released tag', async () => {
      const uri = fixtureUri(FIXTURES.dockerfile);
      const doc = await show(uri);
      const diagnostics = await diagnosticsEqual(uri, expectedIn(doc, dockerfileVerdicts()), 'the verdicts of the Dockerfile fixture');
      for (const d of diagnostics) {
        const code = d.code as { value: string; target: vscode.Uri };
        assert.equal(code.target.toString(true), `${README}${code.value}`);
        assert.match(doc.getText(d.range), /^127\.0\.0\.1:/);
      }
      const offline = diagnostics.find((d) => (d.code as { value: string }).value === 'unverifiable')!;
      // Which reference, which trust server and why, in a sentence; the URL and error code are in the hover.
      assert.match(offline.message, /^Could not verify 127\.0\.0\.1:9\/team\/app:1\.0: the trust server https:\/\/127\.0\.0\.1:9 refused the connection\. This says nothing about whether it is signed\. \(dct\)$/);
      const notReleased = diagnostics.find((d) => (d.code as { value: string }).value === 'not-released')!;
      assert.match(notReleased.message, /signed only by alice \(targets\/alice\), not released/);
    });

    it('compose file: the image compose builds is information, not an error', async () => {
      const uri = fixtureUri(FIXTURES.compose);
      const doc = await show(uri);
      const diagnostics = await diagnosticsEqual(uri, expectedIn(doc, composeVerdicts()), 'the verdicts of the compose fixture');
      const built = diagnostics.find((d) => doc.getText(d.range).endsWith('/built:dev'))!;
      assert.match(built.message, /has no trust data on https:\/\/127\.0\.0\.1:\d+.* Compose builds this image, so it is signed when it is pushed\. \(dct\)$/);
    });

    it('unverifiable: Information by default, Warning with trustlens.unverifiableLevel "warning", never "not signed"', async () => {
      const dockerfile = await show(fixtureUri(FIXTURES.dockerfile));
      const compose = await show(fixtureUri(FIXTURES.compose));
      await diagnosticsEqual(dockerfile.uri, expectedIn(dockerfile, dockerfileVerdicts('Information')), 'the default level');
      await diagnosticsEqual(compose.uri, expectedIn(compose, composeVerdicts('Information')), 'the default level');

      await applySettings({ 'trustlens.unverifiableLevel': 'warning' });
      for (const [doc, expected] of [[dockerfile, dockerfileVerdicts('Warning')], [compose, composeVerdicts('Warning')]] as const) {
        const diagnostics = await diagnosticsEqual(doc.uri, expectedIn(doc, expected), 'unverifiable as a warning');
        const unverifiable = diagnostics.filter((d) => (d.code as { value: string }).value === 'unverifiable');
        assert.equal(unverifiable.length, 1);
        for (const d of unverifiable) assert.doesNotMatch(d.message, /not signed|unsigned/i);
      }
      await applySettings({ 'trustlens.unverifiableLevel': undefined });
      await diagnosticsEqual(dockerfile.uri, expectedIn(dockerfile, dockerfileVerdicts('Information')), 'the default level again');
    });
  });

  describe('an unreachable trust server', () => {
    it('is asked once for many edits and Signers view reloads, and again on Refresh', async () => {
      const requests = observeRequests(api);
      const offline = '127.0.0.1:9/backoff/app';
      const asked = () => requests.events.filter((e) => e.url.includes('/v2/127.0.0.1%3A9/backoff/app/')).length;
      const doc = await show(await write(temp.path, 'backoff/Dockerfile', `FROM ${offline}:1.0\nFROM ${R}/app:3.18\n`));
      await diagnosticsWhen(doc.uri, (lines) => lines.some((l) => l.endsWith(' unverifiable TrustLens')), 'the unreachable server\'s diagnostic');
      await api.settled();
      const first = asked();
      assert.ok(first >= 1, 'the first check asked it');
      for (const [from, to] of [['3.18', '3.19'], ['3.19', '3.20'], ['3.20', '3.18'], ['3.18', '3.19']]) {
        const checked = () => api.services.results.get(doc.uri).some((r) => r.target.kind === 'reference' && r.target.occurrence.text.endsWith(`/app:${to}`));
        const rechecked = nextEvent(api.services.results.onDidChange, () => checked(), 30_000, `the check after editing to ${to}`);
        await replaceText(doc, `app:${from}`, `app:${to}`);
        await rechecked;
        await api.settled();
      }
      assert.ok(await vscode.commands.executeCommand('trustlens.showSigners', offline), 'the Signers view loads it');
      await api.signers.provider.getChildren();
      await api.settled();
      assert.equal(asked(), first, 'within its wait the unreachable server is not asked again');
      assert.deepEqual(api.services.results.get(doc.uri).map((r) => r.status), ['unverifiable', 'signed'], 'and the reference still reads unverifiable');

      await vscode.commands.executeCommand('trustlens.refresh');
      await api.settled();
      assert.ok(asked() > first, 'Refresh asks at once');
    });
  });

  describe('editing', () => {
    it('removes the diagnostic when a tag is edited from unsigned to signed', async () => {
      const doc = await show(await write(temp.path, 'typed/Dockerfile', `FROM ${R}/app:3.19.5 AS app\nRUN true\n`));
      await diagnosticsEqual(doc.uri, expectedIn(doc, [{ image: `${R}/app:3.19.5`, code: 'unsigned-tag', severity: 'Error' }]), 'the unsigned tag');
      await replaceText(doc, 'app:3.19.5 AS', 'app:3.19 AS');
      await diagnosticsEqual(doc.uri, [], 'no diagnostic once the tag is signed');
      // And back: the edit is checked again, not answered from a stale result.
      await replaceText(doc, 'app:3.19 AS', 'app:3.19.5 AS');
      await diagnosticsEqual(doc.uri, expectedIn(doc, [{ image: `${R}/app:3.19.5`, code: 'unsigned-tag', severity: 'Error' }]), 'the unsigned tag again');
    });

    it('keeps the shown diagnostics while a check runs, and reports only the last of several rapid edits', async () => {
      // Every request to the trust server goes through a gate the test opens; with a TTL of 0 every
      // check asks the server, so a check started by an edit waits at the gate until it is released.
      const gate = await startGate(fixture.stack.notary.host);
      const counted: vscode.Disposable[] = [];
      try {
        await docker.addCa(gate.host, fixture.stack.notary.caPem!);
        const servers = { ...(settings['trustlens.trustServers'] as Record<string, string>), [FIXTURE_REGISTRY]: `https://${gate.host}` };
        await applySettings({ 'trustlens.trustServers': servers, 'trustlens.cacheTtlSeconds': 0 });
        const doc = await show(await write(temp.path, 'rapid/Dockerfile', `FROM ${R}/app:3.19.5\n`));
        const shown = await diagnosticsEqual(doc.uri, expectedIn(doc, [{ image: `${R}/app:3.19.5`, code: 'unsigned-tag', severity: 'Error' }]), 'the unsigned tag');
        const before = shown.map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.character} ${d.message}`);
        const now = () => trustDiagnostics(doc.uri).map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.character} ${d.message}`);

        let completed = 0;
        counted.push(api.services.results.onDidChange((uri) => {
          if (uri.toString() === doc.uri.toString()) completed += 1;
        }));
        gate.hold();
        await replaceText(doc, 'app:3.19.5', 'app:3.19');
        await gate.held();
        assert.deepEqual(now(), before, 'while the check of the edit waits for the trust server, the old diagnostics stay');

        // Four more edits while that check waits: each cancels the check before it.
        await replaceText(doc, 'app:3.19', 'app:3.18');
        await replaceText(doc, 'app:3.18', `app:3.20@${WRONG_DIGEST}`);
        await replaceText(doc, `app:3.20@${WRONG_DIGEST}`, 'app');
        await replaceText(doc, `${R}/app\n`, `${R}/app:3.18@${WRONG_DIGEST}\n`);
        assert.deepEqual(now(), before, 'still the old diagnostics');
        assert.equal(completed, 0, 'no check finished while the trust server was held');

        gate.release();
        const last = expectedIn(doc, [{ image: `${R}/app:3.18@${WRONG_DIGEST}`, code: 'digest-mismatch', severity: 'Error' }]);
        await diagnosticsEqual(doc.uri, last, 'the verdict of the last text');
        assert.equal(completed, 1, 'exactly one check result: the checks of the earlier texts were cancelled');
        assert.equal(doc.getText(), `FROM ${R}/app:3.18@${WRONG_DIGEST}\n`);
      } finally {
        for (const d of counted) d.dispose();
        gate.release();
        await applySettings({ 'trustlens.trustServers': settings['trustlens.trustServers'], 'trustlens.cacheTtlSeconds': undefined });
        await gate.close();
      }
    });
  });

  describe('settings and .trustlens.yaml', () => {
    it('trustlens.severity "ignore" removes a finding; a .trustlens.yaml rule for the same code wins over it', async () => {
      const dockerfile = await show(fixtureUri(FIXTURES.dockerfile));
      const governed = await show(fixtureUri(FIXTURES.policy));
      const latestAsError = () => expectedIn(governed, [{ image: `${R}/app`, code: 'implicit-latest', severity: 'Error' }]);
      await diagnosticsEqual(dockerfile.uri, expectedIn(dockerfile, dockerfileVerdicts()), 'every verdict');
      await diagnosticsEqual(governed.uri, latestAsError(), 'the policy rule');

      await applySettings({ 'trustlens.severity': { 'implicit-latest': 'ignore' } });
      await diagnosticsEqual(dockerfile.uri, expectedIn(dockerfile, dockerfileVerdicts().filter((e) => e.code !== 'implicit-latest')), 'no implicit-latest');
      // The settings change re-checked every open document; the governed one still has its error.
      await api.checkDocument(governed);
      assert.deepEqual(described(governed.uri), latestAsError());

      await applySettings({ 'trustlens.severity': undefined });
      await diagnosticsEqual(dockerfile.uri, expectedIn(dockerfile, dockerfileVerdicts()), 'implicit-latest back as a warning');
    });

    it('shows a broken .trustlens.yaml as an Error in that file, on the broken value, until it is fixed', async () => {
      const policyText = '# Severities for this folder.\nrules:\n  - images: ["**"]\n    severity:\n      implicit-latest: loud\n';
      const policy = await write(scratch, 'broken/.trustlens.yaml', policyText);
      const doc = await show(await write(scratch, 'broken/Dockerfile.broken', `FROM ${R}/app\n`));
      const [error, ...others] = await diagnosticsWhen(policy, (lines) => lines.length > 0, 'an error in the policy file');
      assert.deepEqual(others, []);
      assert.equal(error!.severity, vscode.DiagnosticSeverity.Error);
      assert.equal(error!.source, 'TrustLens');
      const line = policyText.split('\n').findIndex((l) => l.includes('loud'));
      const character = policyText.split('\n')[line]!.indexOf('loud');
      assert.deepEqual([error!.range.start.line, error!.range.start.character], [line, character]);
      assert.equal(error!.message, 'the severity of implicit-latest must be one of error, warning, info, hint, ignore, got "loud"');

      await writeFile(policy.fsPath, policyText.replace('loud', 'hint'));
      await diagnosticsEqual(policy, [], 'no error once the policy is fixed');
      await diagnosticsEqual(doc.uri, expectedIn(doc, [{ image: `${R}/app`, code: 'implicit-latest', severity: 'Hint' }]), 'the fixed rule');
    });

    it('uses trust servers named by .trustlens.yaml in a trusted workspace, but user settings win for the same registry', async () => {
      const unmapped = '127.0.0.1:15084';
      await write(scratch, 'servers/.trustlens.yaml', `trustServers:\n  "${unmapped}": ${fixture.server}\n`);
      const doc = await show(await write(scratch, 'servers/Dockerfile.servers', `FROM ${unmapped}/trustlens/app:3.19\n`));
      const [noData] = await diagnosticsEqual(doc.uri, expectedIn(doc, [{ image: `${unmapped}/trustlens/app:3.19`, code: 'no-trust-data', severity: 'Error' }]), 'the verdict of the policy\'s trust server');
      assert.ok(noData!.message.includes(`has no trust data on ${fixture.server},`), noData!.message);

      // The committed fixture names a closed port for the fixture registry; the settings' server answers.
      const servers = await show(fixtureUri(FIXTURES.servers));
      await diagnosticsEqual(servers.uri, expectedIn(servers, [{ image: `${R}/app:3.19.5`, code: 'unsigned-tag', severity: 'Error' }]), 'the verdict of the settings\' trust server');
    });
  });
});
