import * as vscode from 'vscode';
import { statusSummary } from '../../core/report/statusSummary';
import type { DiagnosticsManager } from '../diagnostics/diagnosticsManager';
import type { TrustLensServices } from '../services';
import { checkWorkspaceFiles } from './workspaceCheck';


/** What the views do when the trust data is refreshed or forgotten (the Signers view lists more than the open files). */
export interface ViewRefresh {
  /** Asks the trust servers again for everything the views show. */
  refresh(): Promise<void>;
  /** Drops what the views show so that it is loaded again when next shown. */
  reload(): void;
}

/** What *Clear Trust Cache* did, for callers and tests. */
export interface ClearCacheOutcome {
  readonly cleared: boolean;
  /** Repositories whose trust data was (or would have been) forgotten. */
  readonly repositories: number;
  /** Of them, those with a root pinned on first use. */
  readonly pinnedRoots: number;
}

/** What *Check Workspace* found, for callers and tests. */
export interface CheckWorkspaceOutcome {
  readonly files: number;
  /** Files found; fewer were checked when the user cancelled. */
  readonly found: number;
  /** e.g. `3 signed · 1 unsigned` */
  readonly summary: string;
  /** The message shown at the end. */
  readonly message: string;
}

/** Refresh, clear cache, show output and check workspace. */
export function registerWorkspaceCommands(services: TrustLensServices, diagnostics: DiagnosticsManager, views: ViewRefresh): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('trustlens.refresh', async () => {
      diagnostics.recheckAll(true);
      await views.refresh();
    }),
    vscode.commands.registerCommand('trustlens.clearCache', () => clearCache(services, diagnostics, views)),
    vscode.commands.registerCommand('trustlens.showOutput', () => services.log.channel.show(true)),
    vscode.commands.registerCommand('trustlens.checkWorkspace', () => checkWorkspace(diagnostics, services)),
  );
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Forgets all cached trust data, roots pinned on first use included, once the user agrees: the next
 * check of each repository trusts whatever root its server sends then. Says what it forgot.
 */
async function clearCache(services: TrustLensServices, diagnostics: DiagnosticsManager, views: ViewRefresh): Promise<ClearCacheOutcome> {
  const held = await services.store.list();
  const pinnedRoots = held.filter((r) => r.pinnedRoot).length;
  const none = { cleared: false, repositories: held.length, pinnedRoots };
  if (held.length === 0) {
    void vscode.window.showInformationMessage('TrustLens: the trust cache is already empty.');
    return none;
  }
  const action = 'Clear Trust Cache';
  const choice = await vscode.window.showWarningMessage(
    `Forget the trust data of ${plural(held.length, 'repository', 'repositories')}, and ${plural(pinnedRoots, 'root')} pinned on first use?`,
    {
      modal: true,
      detail: 'TrustLens pins the root of each repository the first time it checks it, and from then on trusts only roots that it signed. '
        + 'After clearing, the next check of each repository trusts whatever root its trust server sends, as on first use.',
    },
    action,
  );
  if (choice !== action) return none;
  await services.store.clear();
  services.reset();
  views.reload();
  diagnostics.recheckAll(true);
  void vscode.window.showInformationMessage(
    `TrustLens: cleared the trust cache: forgot the trust data of ${plural(held.length, 'repository', 'repositories')} and ${plural(pinnedRoots, 'pinned root')}. `
    + 'The open files are being checked again.',
  );
  return { cleared: true, repositories: held.length, pinnedRoots };
}

/** Checks every file in the workspace that names images, with a cancellable progress notification, then says what it found. */
async function checkWorkspace(diagnostics: DiagnosticsManager, services: TrustLensServices): Promise<CheckWorkspaceOutcome> {
  const { files, found, cancelled } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'TrustLens: checking the workspace', cancellable: true },
    (progress, token) => checkWorkspaceFiles(diagnostics, services, progress, token),
  );
  const summary = statusSummary(files.flatMap((uri) => services.results.get(uri)));
  const errors = files.reduce((n, uri) => n + vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'TrustLens' && d.severity === vscode.DiagnosticSeverity.Error).length, 0);
  const what = cancelled ? `stopped after ${files.length} of ${plural(found, 'file')}` : `checked ${plural(files.length, 'file')}`;
  const message = `TrustLens: ${what}: ${summary.text}${summary.total > 0 ? `; ${plural(errors, 'error')}` : ''}.`;
  const show = errors > 0 ? 'Show Problems' : undefined;
  void (show ? vscode.window.showWarningMessage(message, show, 'Show Signers') : vscode.window.showInformationMessage(message, 'Show Signers')).then((choice) => {
    if (choice === 'Show Problems') void vscode.commands.executeCommand('trustlens.showProblems');
    if (choice === 'Show Signers') void vscode.commands.executeCommand('trustlens.signers.focus');
  });
  return { files: files.length, found, summary: summary.text, message };
}
