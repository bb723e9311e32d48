/// <reference types="mocha" />
/**
 * A backend from the test tree (every reference signed by "test-signer", but the tag `unsigned`),
 * plugged into the real extension through its services and `createTrustEngine`: its verdicts show in
 * the diagnostics, the hover and the Signers view, with nothing of it in the extension's source.
 */
import * as assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TrustLensApi } from '../../src/extension';
import type { SignersNode } from '../../src/vscode/views/signersNodes';
import { TEST_SIGNER, TestSignerBackend } from '../helpers/backends/testSignerBackend';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { extension } from './suite/helpers';

const REPOSITORY = '127.0.0.1:9/test-backend/app';

function label(node: SignersNode, api: TrustLensApi): string {
  const item = api.signers.provider.getTreeItem(node) as vscode.TreeItem;
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

describe('a trust backend from the test tree', function () {
  this.timeout(120_000);
  let api: TrustLensApi;
  let dir: TempDir;
  let doc: vscode.TextDocument;
  let plugged: vscode.Disposable;

  before(async () => {
    api = (await extension().activate()) as TrustLensApi;
    plugged = api.services.addBackend(() => new TestSignerBackend(), { replace: true });
    dir = await makeTempDir('test-backend');
    const file = join(dir.path, 'Dockerfile');
    await writeFile(file, `FROM ${REPOSITORY}:1.0\nFROM ${REPOSITORY}:unsigned\n`);
    doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
    await api.checkDocument(doc, true);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    plugged?.dispose();
    await dir?.remove();
  });

  it('gives its verdicts, and its finding is a diagnostic', () => {
    assert.deepEqual(api.services.results.get(doc.uri).map((r) => [r.status, r.signers]), [['signed', [TEST_SIGNER]], ['unsigned', []]]);
    const diagnostics = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'TrustLens');
    assert.deepEqual(diagnostics.map((d) => [d.range.start.line, d.message]), [[1, `${REPOSITORY}:unsigned is not signed by ${TEST_SIGNER}.`]]);
  });

  it('hovers a reference with its signer and what the backend adds', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 8));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).find((t) => t.startsWith('**TrustLens**')) ?? '';
    assert.match(text, /\*\*Pass — Signed\*\*/);
    assert.match(text, /Signed by: test\\-signer/);
    assert.match(text, /Test scheme: every reference is signed by test-signer/);
  });

  it('lists the repository in the Signers view with the backend\'s signer and tag', async () => {
    await api.signers.provider.whenListed();
    const node = api.signers.provider.find(REPOSITORY);
    assert.ok(node, 'the repository is listed');
    await node.ensureLoaded();
    const groups = await node.children();
    assert.deepEqual(groups.map((g) => label(g, api)), ['Signers', 'Signed tags']);
    const signers = await groups[0]!.children();
    assert.deepEqual(signers.map((s) => label(s, api)), [TEST_SIGNER]);
  });
});
