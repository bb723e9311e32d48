import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { DiagnosticsManager } from '../diagnostics/diagnosticsManager';
import { SCANNABLE_GLOB } from '../documents';
import type { TrustLensServices } from '../services';

/** What checking every file of the workspace did. */
export interface WorkspaceCheck {
  /** The files checked, in order; fewer than were found when the user cancelled. */
  readonly files: readonly vscode.Uri[];
  /** How many files name images. */
  readonly found: number;
  readonly cancelled: boolean;
  /** Files whose check failed outright, with why (the log has the detail). */
  readonly failed: readonly { readonly uri: vscode.Uri; readonly message: string }[];
}

/**
 * Checks every file of the workspace that TrustLens checks, one after another as the diagnostics
 * check them (same settings, policy and workspace trust), reporting each file to `progress` and
 * stopping when `token` is cancelled. The verdicts end up in the services' results.
 */
export async function checkWorkspaceFiles(
  diagnostics: DiagnosticsManager,
  services: TrustLensServices,
  progress: vscode.Progress<{ message?: string; increment?: number }>,
  token: vscode.CancellationToken,
): Promise<WorkspaceCheck> {
  const candidates = await vscode.workspace.findFiles(SCANNABLE_GLOB, '**/{node_modules,.git}/**', undefined, token);
  const uris: vscode.Uri[] = [];
  for (const uri of candidates) if (await services.files.scannableFile(uri)) uris.push(uri);
  const checked: vscode.Uri[] = [];
  const failed: { uri: vscode.Uri; message: string }[] = [];
  for (const uri of uris) {
    if (token.isCancellationRequested) break;
    progress.report({ message: vscode.workspace.asRelativePath(uri), increment: 100 / Math.max(1, uris.length) });
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      await diagnostics.checkNow(doc);
    } catch (e) {
      services.log.logger.error(`checking ${uri.fsPath} failed: ${describeError(e)}`);
      failed.push({ uri, message: describeError(e) });
    }
    checked.push(uri);
  }
  return { files: checked, found: uris.length, cancelled: token.isCancellationRequested, failed };
}
