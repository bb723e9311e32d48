/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PASS_ENV } from './protocol';
import { extension, fixtureFolder, openFixture, waitUntil } from './suite/helpers';

describe('smoke: the extension in a trusted workspace', () => {
  it('runs with the fixture workspace open and trusted', () => {
    assert.equal(vscode.workspace.workspaceFolders?.length, 1);
    assert.equal(fixtureFolder().name, 'workspace');
    assert.equal(vscode.workspace.isTrusted, true);
  });

  it('sees the environment and user settings the launcher set', () => {
    assert.equal(process.env[PASS_ENV], 'trusted');
    assert.equal(vscode.workspace.getConfiguration('workbench', null).get('startupEditor'), 'none');
  });

  it('loads trustlens.trustlens from the repository', () => {
    const ext = extension();
    assert.equal(ext.packageJSON.name, 'trustlens');
    assert.equal(ext.packageJSON.publisher, 'trustlens');
    assert.equal(ext.extensionKind, vscode.ExtensionKind.Workspace);
  });

  it('activates when a Dockerfile opens', async () => {
    const editor = await openFixture('Dockerfile');
    assert.equal(editor.document.languageId, 'dockerfile');
    // onLanguage:dockerfile fires as the document opens; VS Code raises no event when activation ends.
    await waitUntil(() => extension().isActive, 20_000, 'trustlens.trustlens to activate');
  });

  it('gives compose.yaml the dockercompose language', async () => {
    const editor = await openFixture('compose.yaml');
    assert.equal(editor.document.languageId, 'dockercompose');
  });
});
