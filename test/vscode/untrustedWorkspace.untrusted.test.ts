/// <reference types="mocha" />
/**
 * Restricted Mode against the real stack: TrustLens still finds every image and shows the same
 * verdicts, runs no docker credential helper (a real one sits on the extension host's PATH, named by
 * config.json, and would leave a marker file), and lets no `.trustlens.yaml` of the workspace choose a
 * trust server: only the user's settings do.
 */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { escapeMarkdown } from '../../src/core/model/markdown';
import type { TrustReportOutcome } from '../../src/vscode/commands/trustReport';
import type { TestDockerConfig } from '../helpers/trust/dockerConfig';
import {
  FIXTURES, applySettings, clearSettings, closeEditorsWithoutSaving, composeVerdicts, diagnosticsEqual, dockerfileVerdicts,
  expectedIn, fixtureUri, installMarkerHelper, show, trustLens, type MarkerHelper,
} from './diagnosticsHost';
import {
  FIXTURE_REGISTRY, PRIVATE_REGISTRY, fixtureDockerConfig, fixtureSettings, startFixtureStack, startPrivateStack,
  type FixtureStack, type PrivateStack,
} from './diagnosticsStack';
import { fixtureFolder } from './suite/helpers';

const R = `${FIXTURE_REGISTRY}/trustlens`;

describe('untrusted workspace: verdicts without credentials or workspace-chosen trust servers', function () {
  this.timeout(120_000);
  let main: FixtureStack;
  let priv: PrivateStack;
  let docker: TestDockerConfig;
  let helper: MarkerHelper;
  let scratch: string;

  before(async function () {
    this.timeout(300_000);
    assert.equal(vscode.workspace.isTrusted, false, 'this pass runs in Restricted Mode');
    await trustLens();
    [main, priv] = await Promise.all([startFixtureStack(), startPrivateStack()]);
    helper = await installMarkerHelper('trustlens-fixture');
    // The helper is named for both registries: whichever a check would ask, it would leave the marker.
    docker = await fixtureDockerConfig([main.stack, priv.stack], {
      credHelpers: { [PRIVATE_REGISTRY]: 'trustlens-fixture', [FIXTURE_REGISTRY]: 'trustlens-fixture' },
    });
    await clearSettings();
    await applySettings(fixtureSettings({ main, private: priv, dockerConfig: docker }));
    scratch = join(fixtureFolder().uri.fsPath, `untrusted-${process.pid}`);
  });

  afterEach(closeEditorsWithoutSaving);

  after(async () => {
    await clearSettings();
    await rm(scratch ?? '', { recursive: true, force: true });
    await helper?.dispose();
    await docker?.remove();
    await Promise.all([main?.stop(), priv?.stop()]);
  });

  it('still finds every image and shows the same verdicts as in a trusted workspace', async () => {
    for (const [file, expected] of [[FIXTURES.dockerfile, dockerfileVerdicts()], [FIXTURES.compose, composeVerdicts()]] as const) {
      const doc = await show(fixtureUri(file));
      await diagnosticsEqual(doc.uri, expectedIn(doc, expected), `the verdicts of ${file}`);
    }
  });

  it('runs no credential helper: the trust server that wants credentials leaves the tag unverifiable', async () => {
    const before = priv.issuer.requests.length;
    const doc = await show(fixtureUri(FIXTURES.private));
    const [unverifiable] = await diagnosticsEqual(doc.uri, expectedIn(doc, [{ image: `${PRIVATE_REGISTRY}/trustlens/private:v1`, code: 'unverifiable', severity: 'Information' }]), 'an unverifiable tag');
    assert.doesNotMatch(unverifiable!.message, /not signed|unsigned/i);
    assert.equal(existsSync(helper.marker), false, 'the credential helper ran');
    // The token service was asked without credentials, and refused.
    const tokens = priv.issuer.requests.slice(before);
    assert.ok(tokens.length >= 1);
    assert.ok(tokens.every((t) => t.account === null && t.status === 401), JSON.stringify(tokens));
  });

  it('ignores a trust server .trustlens.yaml names for a registry the settings map: the settings\' server answers', async () => {
    // The committed policy names https://127.0.0.1:9 (closed): asking it would leave the tag unverifiable.
    const doc = await show(fixtureUri(FIXTURES.servers));
    await diagnosticsEqual(doc.uri, expectedIn(doc, [{ image: `${R}/app:3.19.5`, code: 'unsigned-tag', severity: 'Error' }]), 'the settings\' server\'s verdict');
  });

  it('ignores a trust server .trustlens.yaml names for any other registry: the default server is asked instead', async () => {
    // In a trusted workspace this policy sends the check to the real notary-server (no trust data there).
    const unmapped = '127.0.0.1:15084';
    await mkdir(join(scratch, 'servers'), { recursive: true });
    await writeFile(join(scratch, 'servers', '.trustlens.yaml'), `trustServers:\n  "${unmapped}": ${main.server}\n`);
    await writeFile(join(scratch, 'servers', 'Dockerfile.servers'), `FROM ${unmapped}/trustlens/app:3.19\n`);
    const doc = await show(vscode.Uri.file(join(scratch, 'servers', 'Dockerfile.servers')));
    const [d] = await diagnosticsEqual(doc.uri, expectedIn(doc, [{ image: `${unmapped}/trustlens/app:3.19`, code: 'unverifiable', severity: 'Information' }]), 'the default server\'s answer');
    assert.ok(d!.message.includes(`: the trust server https://${unmapped} `), d!.message);
    assert.ok(!d!.message.includes(main.server), d!.message);
  });

  it('Show Trust Report works here with the same restrictions: no credential helper, the settings\' servers, and it says so', async () => {
    const outcome = await vscode.commands.executeCommand<TrustReportOutcome>('trustlens.showTrustReport');
    assert.ok(outcome?.uri && !outcome.cancelled, JSON.stringify(outcome));
    const text = vscode.workspace.textDocuments.find((d) => d.uri.toString() === outcome.uri)?.getText() ?? '';
    assert.match(text, /^# TrustLens trust report: .*\n\n\d+ files checked on .*, in an untrusted workspace \\\(no credentials sent, the workspace's trust servers ignored\\\)\.\n/);
    const row = (file: string, line: number, image: string) => text.split('\n').find((l) => l.startsWith(`| ${escapeMarkdown(`${file}:${line}`)} | ${escapeMarkdown(image)} | `));
    // The private tag stays unverifiable without credentials; the settings' server answers for the one the policy maps elsewhere.
    assert.match(row(FIXTURES.private, 2, `${PRIVATE_REGISTRY}/trustlens/private:v1`) ?? '', / \| ✖ Fail: unverifiable \| /, text);
    assert.match(row(FIXTURES.servers, 1, `${R}/app:3.19.5`) ?? '', / \| ✖ Fail: unsigned \| /, text);
    assert.equal(existsSync(helper.marker), false, 'the credential helper ran');
  });

  it('ran no credential helper for any check of this pass', () => {
    assert.equal(existsSync(helper.marker), false);
  });
});
