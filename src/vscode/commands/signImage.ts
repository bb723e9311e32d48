import * as vscode from 'vscode';

/** "TrustLens: Sign Image…" — contributed now; signing lands with the write side. */
export function registerSignImage(): vscode.Disposable {
  return vscode.commands.registerCommand('trustlens.signImage', async () => {
    await vscode.window.showInformationMessage('TrustLens: signing images from the editor is not available in this version yet.');
  });
}
