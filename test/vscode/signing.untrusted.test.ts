/// <reference types="mocha" />
/**
 * In Restricted Mode the write commands refuse before asking anything: signing would use the user's
 * keys and registry credentials on behalf of a folder nobody vouched for.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { scriptPrompts } from './signingPrompts';
import { extension, openFixture, waitUntil } from './suite/helpers';

describe('signing commands in Restricted Mode', () => {
  before(async () => {
    await openFixture('Dockerfile');
    await waitUntil(() => extension().isActive, 20_000, 'the extension to activate');
  });

  it('refuse with an explanation and ask for nothing', async () => {
    const prompts = scriptPrompts({ passphrase: () => assert.fail('a passphrase was asked for') });
    try {
      assert.equal(await vscode.commands.executeCommand('trustlens.signImage', { reference: '127.0.0.1:9/team/app:1.0' }), undefined);
      assert.equal(await vscode.commands.executeCommand('trustlens.addSigner', { repository: '127.0.0.1:9/team/app', name: 'alice', keyFile: '/nonexistent.pub' }), false);
      assert.equal(await vscode.commands.executeCommand('trustlens.removeSigner', { repository: '127.0.0.1:9/team/app', signer: 'alice' }), false);
      assert.equal(await vscode.commands.executeCommand('trustlens.revokeSignature', { repository: '127.0.0.1:9/team/app', tag: '1.0' }), false);
      assert.equal(await vscode.commands.executeCommand('trustlens.generateKey', { name: 'alice', algorithm: 'ecdsa', dir: '/tmp' }), undefined);
      assert.equal(await vscode.commands.executeCommand('trustlens.loadKey', { file: '/nonexistent.key', name: 'alice' }), undefined);
      assert.equal(await vscode.commands.executeCommand('trustlens.rotateRepositoryKey', { repository: '127.0.0.1:9/team/app' }), false);
      assert.equal(await vscode.commands.executeCommand('trustlens.rotateRootKey', { repository: '127.0.0.1:9/team/app' }), false);
      assert.equal(await vscode.commands.executeCommand('trustlens.renewRole', { repository: '127.0.0.1:9/team/app', role: 'targets' }), false);
    } finally {
      prompts.restore();
    }
    assert.deepEqual(prompts.asked.map((a) => a.kind), Array(9).fill('warning'));
    for (const a of prompts.asked) assert.match(a.text, /^TrustLens does not .* in Restricted Mode: it would use your signing keys and registry credentials\. Trust this workspace to /);
  });
});
