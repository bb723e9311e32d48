/// <reference types="mocha" />
/**
 * The workspace commands as a person meets them, on the real stack: *Clear Trust Cache* asks before it
 * forgets the roots pinned on first use and says what it forgot (and a cleared cache makes the next
 * check pin the root again), and *Check Workspace* ends with a summary of what it found.
 */
import * as assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TrustLensApi } from '../../src/extension';
import { type CheckWorkspaceOutcome, type ClearCacheOutcome } from '../../src/vscode/commands/workspaceCommands';
import { SCANNABLE_GLOB } from '../../src/vscode/documents';
import { statusSummary } from '../../src/core/report/statusSummary';
import { SCENARIOS, type Scenario } from '../helpers/stack/scenarios';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';
import { observeRequests, type RequestLog } from './diagnosticsHost';
import { scriptPrompts } from './signingPrompts';
import { extension, nextEvent } from './suite/helpers';

describe('workspace commands on the real stack', function () {
  this.timeout(180_000);
  let stack: Stack;
  let docker: TestDockerConfig;
  let dir: TempDir;
  let api: TrustLensApi;
  let scenario: Scenario;
  let doc: vscode.TextDocument;
  let requests: RequestLog;

  before(async function () {
    this.timeout(300_000);
    stack = await startStack();
    scenario = await SCENARIOS['two-signers'](stack, { repository: 'commands/app' });
    docker = await makeDockerConfig([{ host: stack.notary.host, caPem: stack.notary.caPem }]);
    const config = vscode.workspace.getConfiguration('trustlens');
    await config.update('trustServers', { [stack.registry.host]: stack.notary.url }, vscode.ConfigurationTarget.Global);
    await config.update('dockerConfigDir', docker.path, vscode.ConfigurationTarget.Global);
    api = (await extension().activate()) as TrustLensApi;
    requests = observeRequests(api);
    dir = await makeTempDir('workspace-commands');
    const file = join(dir.path, 'Dockerfile');
    await writeFile(file, `FROM ${scenario.gun}:v1\n`);
    doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
    await api.checkDocument(doc, true);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const config = vscode.workspace.getConfiguration('trustlens');
    await config.update('trustServers', undefined, vscode.ConfigurationTarget.Global);
    await config.update('dockerConfigDir', undefined, vscode.ConfigurationTarget.Global);
    await Promise.all([docker?.remove(), dir?.remove()]);
    await stack?.stop();
  });

  /** Runs Clear Trust Cache, pressing `answer` in its dialog (undefined: closing it); what it returned and showed. */
  const clearCache = async (answer: string | undefined) => {
    const prompts = scriptPrompts({ passphrase: () => undefined, warning: () => answer });
    try {
      const outcome = await vscode.commands.executeCommand<ClearCacheOutcome>('trustlens.clearCache');
      return { outcome, asked: prompts.asked };
    } finally {
      prompts.restore();
    }
  };
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

  const rootRequests = (from: number) => requests.events.slice(from).filter((e) => e.url.includes(`/v2/${encodeURIComponent(stack.registry.host)}/commands/app/_trust/tuf/root.json`));

  it('Clear Trust Cache asks before it forgets pinned roots, and forgets nothing when told no', async () => {
    const held = await api.services.store.list();
    const ours = held.find((r) => r.gun === scenario.gun && r.server === stack.notary.url);
    assert.equal(ours?.pinnedRoot, true, 'the check pinned the root of the repository');
    const { outcome, asked } = await clearCache(undefined);
    const roots = held.filter((r) => r.pinnedRoot).length;
    assert.deepEqual(outcome, { cleared: false, repositories: held.length, pinnedRoots: roots });
    assert.equal(asked.length, 1, JSON.stringify(asked));
    const [warning] = asked;
    assert.equal(warning?.kind, 'warning');
    assert.equal(warning?.modal, true, 'asked in a modal dialog');
    assert.equal(warning?.text, `Forget the trust data of ${plural(held.length, 'repository', 'repositories')}, and ${plural(roots, 'root', 'roots')} pinned on first use?`);
    assert.match(warning?.detail ?? '', /the next check of each repository trusts whatever root its trust server sends/);
    assert.deepEqual(warning?.items, ['Clear Trust Cache']);
    assert.deepEqual(await api.services.store.list(), held, 'nothing was forgotten');
    // Within the TTL, with the root still pinned, a check asks nothing.
    const before = requests.events.length;
    await api.checkDocument(doc);
    assert.deepEqual(rootRequests(before), []);
  });

  it('Clear Trust Cache forgets the trust data and pinned roots once agreed, and says what it did', async () => {
    const held = await api.services.store.list();
    const before = requests.events.length;
    // The open file is checked again at once, and, the cache being empty, its root is fetched and pinned anew.
    const rechecked = nextEvent(vscode.languages.onDidChangeDiagnostics, (e) => e.uris.some((u) => u.toString() === doc.uri.toString()) && rootRequests(before).length > 0, 60_000, 'the re-check after clearing');
    const { outcome, asked } = await clearCache('Clear Trust Cache');
    const roots = held.filter((r) => r.pinnedRoot).length;
    assert.deepEqual(outcome, { cleared: true, repositories: held.length, pinnedRoots: roots });
    const info = asked.find((a) => a.kind === 'info');
    assert.equal(info?.text, `TrustLens: cleared the trust cache: forgot the trust data of ${plural(held.length, 'repository', 'repositories')} and ${plural(roots, 'pinned root', 'pinned roots')}. The open files are being checked again.`);
    await rechecked;
    assert.ok(rootRequests(before).length > 0, 'the root was fetched again: it had been forgotten');
  });

  it('Check Workspace ends with a summary of what it found', async () => {
    const prompts = scriptPrompts({ passphrase: () => undefined });
    let outcome: CheckWorkspaceOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<CheckWorkspaceOutcome>('trustlens.checkWorkspace');
    } finally {
      prompts.restore();
    }
    assert.ok(outcome && outcome.files > 0 && outcome.files === outcome.found, JSON.stringify(outcome));
    const files = await vscode.workspace.findFiles(SCANNABLE_GLOB, '**/{node_modules,.git}/**');
    const expected = statusSummary(files.flatMap((uri) => api.services.results.get(uri))).text;
    assert.equal(outcome.summary, expected);
    assert.match(outcome.message, new RegExp(`^TrustLens: checked ${outcome.files} files: ${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; \\d+ errors?\\.$`));
    const shown = prompts.asked.find((a) => a.text === outcome!.message);
    assert.ok(shown, `the summary was shown: ${JSON.stringify(prompts.asked)}`);
    assert.ok(shown.items?.includes('Show Signers'), JSON.stringify(shown));
  });
});
