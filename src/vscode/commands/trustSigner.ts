import * as vscode from 'vscode';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { describeError } from '../../core/errors';
import { minimalEdit } from '../../core/fixes/textDiff';
import type { TrustFix } from '../../core/model/findings';
import type { TrustLensServices } from '../services';

/** Arguments of `trustlens.trustSigner`: the document whose finding names the signer, and the rule that trusts it. */
export interface TrustSignerArgs {
  uri: string;
  trust: TrustFix;
}

export const TRUST_BUTTON = 'Trust This Signer';

/**
 * "Trust this signer…": shows who signed and the CA's fingerprint, and only on the user's word writes
 * the CA certificate beside the `.trustlens.yaml` that governs the document (the nearest one, else a
 * new one in the workspace folder) and adds the rule that trusts it, keeping the file's comments. The
 * policy watcher then re-checks. Refused in an untrusted workspace, whose policy sections are ignored.
 */
export function registerTrustSigner(services: TrustLensServices): vscode.Disposable {
  return vscode.commands.registerCommand('trustlens.trustSigner', async (args?: TrustSignerArgs) => {
    try {
      return await trustSigner(services, args);
    } catch (e) {
      void vscode.window.showErrorMessage(`TrustLens: cannot trust the signer: ${describeError(e)}`);
      return false;
    }
  });
}

function policyFileFor(services: TrustLensServices, uri: vscode.Uri): vscode.Uri | undefined {
  const { findPolicyFile, POLICY_FILE_NAME } = services.modules;
  const existing = uri.scheme === 'file' ? findPolicyFile(dirname(uri.fsPath)) : undefined;
  if (existing) return vscode.Uri.file(existing);
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  return folder ? vscode.Uri.joinPath(folder.uri, POLICY_FILE_NAME) : undefined;
}

async function readText(uri: vscode.Uri): Promise<{ text: string; doc: vscode.TextDocument } | undefined> {
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    return undefined;
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  return { text: doc.getText(), doc };
}

async function trustSigner(services: TrustLensServices, args: TrustSignerArgs | undefined): Promise<boolean> {
  if (!args) return false;
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showInformationMessage('TrustLens: trust the workspace first; in Restricted Mode its policy file cannot add trusted signers.');
    return false;
  }
  const policyUri = policyFileFor(services, vscode.Uri.parse(args.uri));
  if (!policyUri) throw new Error('there is no workspace folder to put .trustlens.yaml in');
  const base = dirname(policyUri.fsPath);
  // Only files inside the policy file's folder, as the fix names them.
  for (const file of args.trust.files) {
    const target = join(base, file.path);
    if (isAbsolute(file.path) || relative(base, target).split(sep)[0] === '..') throw new Error(`refusing to write ${file.path} outside ${base}`);
  }
  const label = vscode.workspace.asRelativePath(policyUri, false);
  const answer = await vscode.window.showWarningMessage(
    `Trust ${args.trust.signer} for ${args.trust.rule.images.join(', ')}?`,
    { modal: true, detail: `${args.trust.confirm}\n\nCompare it with what the signer published before you trust it. TrustLens writes the certificate and a rule into ${label}.` },
    TRUST_BUTTON,
  );
  if (answer !== TRUST_BUTTON) return false;
  const encoder = new TextEncoder();
  for (const file of args.trust.files) await vscode.workspace.fs.writeFile(vscode.Uri.file(join(base, file.path)), encoder.encode(file.content));
  const { addPolicyRule } = services.modules;
  const current = await readText(policyUri);
  const edit = new vscode.WorkspaceEdit();
  if (current) {
    const after = addPolicyRule(current.text, args.trust.rule);
    if (after === current.text) return true;
    const change = minimalEdit(current.text, after);
    edit.replace(policyUri, new vscode.Range(current.doc.positionAt(change.start), current.doc.positionAt(change.end)), change.text);
  } else {
    edit.createFile(policyUri, { ignoreIfExists: true });
    edit.insert(policyUri, new vscode.Position(0, 0), addPolicyRule('', args.trust.rule));
  }
  if (!(await vscode.workspace.applyEdit(edit))) return false;
  await (await vscode.workspace.openTextDocument(policyUri)).save();
  services.invalidatePolicies();
  void vscode.window.setStatusBarMessage(`TrustLens: trusting ${args.trust.signer} (${label})`, 4000);
  return true;
}
