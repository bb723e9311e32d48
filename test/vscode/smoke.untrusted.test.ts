/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import manifest from '../../package.json';
import { PASS_ENV } from './protocol';
import { EXTENSION_ID, openFixture, waitUntil } from './suite/helpers';

describe('smoke: the extension in an untrusted workspace (Restricted Mode)', () => {
  it('runs with the fixture workspace open and not trusted', () => {
    assert.equal(process.env[PASS_ENV], 'untrusted');
    assert.equal(vscode.workspace.workspaceFolders?.length, 1);
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('activates on a Dockerfile as far as the manifest allows', async () => {
    const capabilities: { untrustedWorkspaces?: { supported?: unknown } } = 'capabilities' in manifest ? manifest.capabilities : {};
    const editor = await openFixture('Dockerfile');
    assert.equal(editor.document.languageId, 'dockerfile');
    if (capabilities.untrustedWorkspaces?.supported === false) {
      // VS Code does not even load such an extension in Restricted Mode.
      assert.equal(vscode.extensions.getExtension(EXTENSION_ID), undefined);
    } else {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, `${EXTENSION_ID} is not loaded in Restricted Mode`);
      await waitUntil(() => ext.isActive, 20_000, `${EXTENSION_ID} to activate in Restricted Mode`);
    }
  });
});
