import * as vscode from 'vscode';
import { pinAllFixes } from '../../core/fixes/pinFix';
import { replacementsEdit, textAtOf } from '../codeActions/edits';
import type { TrustLensServices } from '../services';

/**
 * "Pin all signed references in this file": one edit (undone in one step) pinning every signed
 * reference that is unpinned or pinned to the wrong digest. Takes a document URI, or the active editor's.
 */
export function registerPinAll(services: TrustLensServices): vscode.Disposable {
  return vscode.commands.registerCommand('trustlens.pinAll', async (uri?: vscode.Uri | string) => {
    const target = typeof uri === 'string' ? vscode.Uri.parse(uri) : uri;
    const doc = target ? await vscode.workspace.openTextDocument(target) : vscode.window.activeTextEditor?.document;
    if (!doc) return 0;
    const replacements = pinAllFixes(services.results.get(doc.uri), textAtOf(doc));
    if (replacements.length === 0) {
      void vscode.window.showInformationMessage('TrustLens: no signed reference in this file needs pinning.');
      return 0;
    }
    const applied = await vscode.workspace.applyEdit(replacementsEdit(doc.uri, replacements));
    if (!applied) return 0;
    const n = replacements.length;
    void vscode.window.setStatusBarMessage(`TrustLens: pinned ${n} reference${n === 1 ? '' : 's'} to ${n === 1 ? 'its' : 'their'} signed digest${n === 1 ? '' : 's'}`, 4000);
    return n;
  });
}
