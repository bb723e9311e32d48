import * as vscode from 'vscode';
import { dirname } from 'node:path';
import { describeError } from '../../core/errors';
import { minimalEdit } from '../../core/fixes/textDiff';
import { familiarRepository } from '../../core/model/imageRef';
import { locateReference } from '../codeActions/edits';
import type { TrustLensServices } from '../services';

/** Arguments of `trustlens.ignoreImage`: the document the image is in, and its normalised repository. */
export interface IgnoreImageArgs {
  uri: string;
  repository: string;
}

/**
 * "Ignore this image": adds the repository to `ignore:` in the `.trustlens.yaml` that governs the
 * document (the nearest one, as checks find it; else a new one in the workspace folder), as an
 * undoable edit that keeps the file's comments and layout. The policy watcher then re-checks.
 */
export function registerIgnoreImage(services: TrustLensServices): vscode.Disposable {
  return vscode.commands.registerCommand('trustlens.ignoreImage', async (args?: IgnoreImageArgs) => {
    try {
      return await ignoreImage(services, args ?? (await fromCursor(services)));
    } catch (e) {
      void vscode.window.showErrorMessage(`TrustLens: cannot ignore the image: ${describeError(e)}`);
      return false;
    }
  });
}

async function fromCursor(services: TrustLensServices): Promise<IgnoreImageArgs | undefined> {
  const located = await locateReference(undefined);
  const result = located && services.results.at(located.doc.uri, located.position);
  if (!located || result?.target.kind !== 'reference') return undefined;
  return { uri: located.doc.uri.toString(), repository: result.target.occurrence.ref.repository };
}

/** The policy file checks of `uri` read, or where a new one goes. */
function policyFileFor(services: TrustLensServices, uri: vscode.Uri): vscode.Uri | undefined {
  const { findPolicyFile, POLICY_FILE_NAME } = services.modules;
  const existing = uri.scheme === 'file' ? findPolicyFile(dirname(uri.fsPath)) : undefined;
  if (existing) return vscode.Uri.file(existing);
  const folder = vscode.workspace.getWorkspaceFolder(uri) ?? (uri.scheme === 'file' ? undefined : vscode.workspace.workspaceFolders?.[0]);
  if (folder) return vscode.Uri.joinPath(folder.uri, POLICY_FILE_NAME);
  return uri.scheme === 'file' ? vscode.Uri.joinPath(uri, '..', POLICY_FILE_NAME) : undefined;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function ignoreImage(services: TrustLensServices, args: IgnoreImageArgs | undefined): Promise<boolean> {
  if (!args) {
    void vscode.window.showInformationMessage('TrustLens: place the cursor on a checked image reference to ignore it.');
    return false;
  }
  const { addIgnoredRepository, POLICY_FILE_NAME } = services.modules;
  const policyUri = policyFileFor(services, vscode.Uri.parse(args.uri));
  if (!policyUri) throw new Error(`there is no folder to put ${POLICY_FILE_NAME} in; save the file first`);
  const label = vscode.workspace.asRelativePath(policyUri, false);
  const repo = familiarRepository(args.repository);
  const edit = new vscode.WorkspaceEdit();
  let wasDirty = false;
  if (await exists(policyUri)) {
    const doc = await vscode.workspace.openTextDocument(policyUri);
    wasDirty = doc.isDirty;
    const before = doc.getText();
    const after = addIgnoredRepository(before, args.repository);
    if (after === before) {
      void vscode.window.showInformationMessage(`TrustLens: ${repo} is already ignored in ${label}.`);
      return false;
    }
    const change = minimalEdit(before, after);
    edit.replace(policyUri, new vscode.Range(doc.positionAt(change.start), doc.positionAt(change.end)), change.text);
  } else {
    edit.createFile(policyUri, { ignoreIfExists: true });
    edit.insert(policyUri, new vscode.Position(0, 0), addIgnoredRepository('', args.repository));
  }
  if (!(await vscode.workspace.applyEdit(edit))) return false;
  if (wasDirty) {
    void vscode.window.showInformationMessage(`TrustLens: added ${repo} to ignore in ${label}; save it to apply.`);
    return true;
  }
  await (await vscode.workspace.openTextDocument(policyUri)).save();
  services.invalidatePolicies();
  void vscode.window.setStatusBarMessage(`TrustLens: ignoring ${repo} (${label})`, 4000);
  return true;
}
