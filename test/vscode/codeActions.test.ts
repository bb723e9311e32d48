/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TrustLensApi } from '../../src/extension';
import { TrustLensCodeActionProvider } from '../../src/vscode/codeActions/provider';
import type { QuickFixStack } from './quickFixStack';
import { useQuickFixStack } from './quickFixSuite';
import { fixtureFolder, waitUntil } from './suite/helpers';

const WRONG = `sha256:${'0'.repeat(64)}`;

describe('quick fixes on verdicts from a real trust server', function () {
  this.timeout(120_000);
  const suite = useQuickFixStack('quickfix');
  const d = suite.digest;
  const open = suite.open;
  let api: TrustLensApi;
  let s: QuickFixStack;
  let dir: string;
  let h: string;

  before(() => {
    ({ api, stack: s, dir } = suite);
    h = s.host;
  });

  /** The code actions VS Code collects with the cursor at the start of `needle` (or for a kind). */
  async function actionsAt(doc: vscode.TextDocument, needle: string, kind?: string): Promise<vscode.CodeAction[]> {
    const offset = doc.getText().indexOf(needle);
    assert.ok(offset >= 0, `${needle} is not in the document`);
    const at = doc.positionAt(offset);
    return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(at, at), kind)) ?? [];
  }

  function one(actions: vscode.CodeAction[], title: RegExp): vscode.CodeAction {
    const found = actions.filter((a) => title.test(a.title));
    assert.equal(found.length, 1, `expected one action matching ${title}, got: ${actions.map((a) => a.title).join(' | ')}`);
    return found[0]!;
  }

  async function applyEdit(action: vscode.CodeAction): Promise<void> {
    assert.ok(action.edit, `${action.title} has no edit`);
    assert.ok(await vscode.workspace.applyEdit(action.edit));
  }

  it('pins a signed tag, editing only the image text: platform and stage name stay', async () => {
    const doc = await open('pin/Dockerfile', `FROM --platform=linux/amd64 ${h}/trustlens/app:3.19 AS build\nRUN true\n`);
    const pin = one(await actionsAt(doc, `${h}/trustlens/app`), /^Pin to signed digest sha256:/);
    assert.equal(pin.isPreferred, true);
    await applyEdit(pin);
    assert.equal(doc.getText(), `FROM --platform=linux/amd64 ${h}/trustlens/app:3.19@${d('app:3.19')} AS build\nRUN true\n`);
  });

  it('replaces a wrong pin', async () => {
    const doc = await open('mismatch/Dockerfile', `FROM ${h}/trustlens/app:3.20@${WRONG}\n`);
    await applyEdit(one(await actionsAt(doc, h), /^Pin to signed digest/));
    assert.equal(doc.getText(), `FROM ${h}/trustlens/app:3.20@${d('app:3.20')}\n`);
  });

  it('pins FROM ${BASE} in the ARG default, from the FROM line or the ARG line', async () => {
    const doc = await open('arg/Dockerfile', `ARG BASE="${h}/trustlens/releases:v1"\nFROM \${BASE}\n`);
    assert.equal((await actionsAt(doc, `${h}`)).filter((a) => /^Pin/.test(a.title)).length, 1);
    await applyEdit(one(await actionsAt(doc, '${BASE}'), /^Pin to signed digest sha256:\S+ in ARG BASE$/));
    assert.equal(doc.getText(), `ARG BASE="${h}/trustlens/releases:v1@${d('releases:v1')}"\nFROM \${BASE}\n`);
  });

  it('offers the pin disabled, with the reason, for an image made of variables', async () => {
    const doc = await open('vars/Dockerfile', `ARG TAG=3.19\nFROM ${h}/trustlens/app:\${TAG}\n`);
    // VS Code leaves disabled actions out of executeCodeActionProvider: ask the provider itself.
    const at = doc.positionAt(doc.getText().indexOf(`${h}/trustlens/app`));
    const context = { diagnostics: vscode.languages.getDiagnostics(doc.uri), only: undefined, triggerKind: vscode.CodeActionTriggerKind.Invoke };
    const provided = new TrustLensCodeActionProvider(api.services.results, api.services.files).provideCodeActions(doc, new vscode.Range(at, at), context);
    const pin = one(provided, /^Pin to signed digest$/);
    assert.equal(pin.edit, undefined);
    assert.equal(pin.disabled?.reason, 'The image comes from variables (${TAG}), not from one ARG default in this file, so TrustLens cannot pin it safely.');
    assert.deepEqual((await actionsAt(doc, `${h}/trustlens/app`)).filter((a) => /^Pin/.test(a.title)), []);
  });

  it('keeps compose quoting and comments', async () => {
    const doc = await open('compose/compose.yaml', `services:\n  web:\n    image: "${h}/trustlens/app:3.18"   # web\n`);
    await applyEdit(one(await actionsAt(doc, h), /^Pin to signed digest/));
    assert.equal(doc.getText(), `services:\n  web:\n    image: "${h}/trustlens/app:3.18@${d('app:3.18')}"   # web\n`);
  });

  it('pins every signed reference with source.fixAll.trustlens and with trustlens.pinAll', async () => {
    const text = (pins: boolean) => [
      `ARG BASE=${h}/trustlens/releases:v1${pins ? `@${d('releases:v1')}` : ''}`,
      'FROM ${BASE} AS one',
      `FROM ${h}/trustlens/app:3.18@${pins ? d('app:3.18') : WRONG}`,
      `FROM ${h}/trustlens/app:3.19.5`,
      `FROM ${h}/trustlens/app:3.20${pins ? `@${d('app:3.20')}` : ''}`,
      '',
    ].join('\n');
    const doc = await open('all/Dockerfile', text(false));
    const [fixAll, ...others] = await actionsAt(doc, 'FROM', 'source.fixAll.trustlens');
    assert.equal(others.length, 0);
    assert.equal(fixAll?.kind?.value, 'source.fixAll.trustlens');
    await applyEdit(fixAll!);
    assert.equal(doc.getText(), text(true));

    const again = await open('all2/Dockerfile', text(false));
    assert.equal(await vscode.commands.executeCommand('trustlens.pinAll', again.uri), 3);
    assert.equal(again.getText(), text(true));
  });

  it('switches an unsigned tag to a signed one, keeping the name as written', async () => {
    const doc = await open('switch/Dockerfile', `FROM ${h}/trustlens/app:3.19.5 AS app\n`);
    const actions = await actionsAt(doc, h);
    const sw = one(actions, /^Switch to signed tag…$/);
    assert.equal(sw.command?.command, 'trustlens.switchToSignedTag');
    assert.deepEqual(one(actions, /^Sign image…$/).command?.arguments, [{ reference: `${h}/trustlens/app:3.19.5` }]);
    assert.equal(one(actions, /^Show signers of /).command?.command, 'trustlens.showSigners');
    const args = sw.command!.arguments![0] as object;
    assert.equal(await vscode.commands.executeCommand('trustlens.switchToSignedTag', { ...args, tag: '3.19' }), true);
    assert.equal(doc.getText(), `FROM ${h}/trustlens/app:3.19@${d('app:3.19')} AS app\n`);
  });

  it('offers released tags closest to the current tag first in the picker', async () => {
    const doc = await open('pick/Dockerfile', `FROM ${h}/trustlens/app:3.19.5\n`);
    const sw = one(await actionsAt(doc, h), /^Switch to signed tag…$/);
    const window = vscode.window as { showQuickPick: unknown };
    const original = window.showQuickPick;
    let offered: string[] = [];
    window.showQuickPick = async (items: readonly vscode.QuickPickItem[]) => {
      offered = items.map((i) => `${i.label} ${i.description ?? ''} ${i.detail ?? ''}`);
      return items[0];
    };
    try {
      assert.equal(await vscode.commands.executeCommand(sw.command!.command, ...(sw.command!.arguments ?? [])), true);
    } finally {
      window.showQuickPick = original;
    }
    const short = (tag: string) => `${d(`app:${tag}`).slice(0, 19)}…`;
    assert.deepEqual(offered, ['3.19', '3.18', '3.20'].map((t) => `${t} ${short(t)} signed by the repository key in targets`));
    assert.equal(doc.getText(), `FROM ${h}/trustlens/app:3.19@${d('app:3.19')}\n`);
  });

  it('shows signers of the repository named by its GUN and trust server', async () => {
    const doc = await open('signers/Dockerfile', `FROM ${h}/trustlens/releases:v1\n`);
    const show = one(await actionsAt(doc, h), /^Show signers of /);
    assert.deepEqual(show.command?.arguments, [{ repository: `${h}/trustlens/releases`, server: s.server }]);
  });

  it('lists the fixes that clear a finding first and "Ignore" last, never preferred', async () => {
    const doc = await open('order/Dockerfile', `FROM ${h}/trustlens/app:3.19.5\nFROM ${h}/trustlens/app:3.18\nFROM ${h}/trustlens/app:3.20\n`);
    // VS Code's own order (executeCodeActionProvider sorts as the Quick Fix menu does).
    const unsigned = await actionsAt(doc, `${h}/trustlens/app:3.19.5`);
    assert.deepEqual(unsigned.map((a) => a.title), [
      'Switch to signed tag…', 'Sign image…', `Show signers of ${h}/trustlens/app`, `Ignore ${h}/trustlens/app in .trustlens.yaml`,
    ]);
    assert.ok(unsigned.every((a) => !a.isPreferred));
    const signed = await actionsAt(doc, `${h}/trustlens/app:3.18`);
    assert.deepEqual(signed.map((a) => a.title.replace(/sha256:\S+/, 'sha256:…')), [
      'Pin to signed digest sha256:…', `Show signers of ${h}/trustlens/app`, 'Pin all signed references in this file',
    ]);
    assert.equal(signed[0]!.isPreferred, true);
  });

  it('offers no pin for a signed tag that misses a signer the policy requires, since pinning does not clear it', async () => {
    await fs.mkdir(path.join(dir, 'policy'), { recursive: true });
    await fs.writeFile(path.join(dir, 'policy', '.trustlens.yaml'), `rules:\n  - images: ["${h}/trustlens/releases"]\n    requireSigners: [alice, qa]\n`);
    const doc = await open('policy/Dockerfile', `FROM ${h}/trustlens/releases:v1\n`);
    assert.deepEqual(api.services.results.get(doc.uri).map((r) => [r.status, r.verdict, r.findings.map((f) => f.code).join()]), [['signed', 'fail', 'missing-required-signer']]);
    const actions = await actionsAt(doc, h);
    assert.deepEqual(actions.map((a) => a.title), [`Show signers of ${h}/trustlens/releases`, `Ignore ${h}/trustlens/releases in .trustlens.yaml`]);
    assert.ok(actions.every((a) => !a.isPreferred));
    assert.deepEqual(await actionsAt(doc, 'FROM', 'source.fixAll.trustlens'), [], 'fix-all on save does not pin it either');
  });

  it('ignores an image in .trustlens.yaml, keeping its comments, and the re-check skips it', async () => {
    const policy = path.join(dir, 'ignore', '.trustlens.yaml');
    await fs.mkdir(path.dirname(policy), { recursive: true });
    await fs.writeFile(policy, '# Policy for these images.\nexpiryWarningDays: 30   # days\n');
    const doc = await open('ignore/Dockerfile', `FROM ${h}/trustlens/app:3.19.5\n`);
    assert.ok(vscode.languages.getDiagnostics(doc.uri).some((x) => x.source === 'TrustLens'));
    const ignore = one(await actionsAt(doc, h), /^Ignore .* in \.trustlens\.yaml$/);
    assert.equal(await vscode.commands.executeCommand(ignore.command!.command, ...(ignore.command!.arguments ?? [])), true);
    assert.equal(await fs.readFile(policy, 'utf8'), `# Policy for these images.\nexpiryWarningDays: 30   # days\nignore:\n  - ${h}/trustlens/app\n`);
    const skipped = () => api.services.results.get(doc.uri).length > 0 && api.services.results.get(doc.uri).every((r) => r.status === 'skipped');
    await waitUntil(skipped, 20_000, 'the re-check to skip the ignored image');
    assert.deepEqual(vscode.languages.getDiagnostics(doc.uri).filter((x) => x.source === 'TrustLens'), []);
  });

  it('creates .trustlens.yaml in the workspace folder when no policy file governs the document', async () => {
    const policy = path.join(fixtureFolder().uri.fsPath, '.trustlens.yaml');
    await assert.rejects(fs.stat(policy), 'the fixture workspace must have no policy file');
    try {
      const doc = await open('create/compose.yaml', `services:\n  app:\n    image: ${h}/trustlens/app:3.19.5\n`);
      const ignore = one(await actionsAt(doc, h), /^Ignore .* in \.trustlens\.yaml$/);
      assert.equal(await vscode.commands.executeCommand(ignore.command!.command, ...(ignore.command!.arguments ?? [])), true);
      assert.equal(await fs.readFile(policy, 'utf8'), `ignore:\n  - ${h}/trustlens/app\n`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await fs.rm(policy, { force: true });
    }
  });
});
