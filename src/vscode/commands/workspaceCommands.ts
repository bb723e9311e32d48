import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { DiagnosticsManager } from '../diagnostics/diagnosticsManager';
import type { TrustLensServices } from '../services';

/** Glob of every file TrustLens checks, for workspace-wide commands. */
export const SCANNABLE_GLOB = '**/{Dockerfile,Dockerfile.*,*.Dockerfile,Containerfile,Containerfile.*,compose.yaml,compose.yml,docker-compose.yaml,docker-compose.yml,compose.*.yaml,compose.*.yml,docker-compose.*.yaml,docker-compose.*.yml}';

/** What the views do when the trust data is refreshed or forgotten (the Signers view lists more than the open files). */
export interface ViewRefresh {
  /** Asks the trust servers again for everything the views show. */
  refresh(): Promise<void>;
  /** Drops what the views show so that it is loaded again when next shown. */
  reload(): void;
}

/** Refresh, clear cache, show output and check workspace. */
export function registerWorkspaceCommands(services: TrustLensServices, diagnostics: DiagnosticsManager, views: ViewRefresh): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('trustlens.refresh', async () => {
      diagnostics.recheckAll(true);
      await views.refresh();
    }),
    vscode.commands.registerCommand('trustlens.clearCache', async () => {
      await services.store.clear();
      services.reset();
      views.reload();
      diagnostics.recheckAll(true);
      void vscode.window.setStatusBarMessage('TrustLens: trust cache cleared', 3000);
    }),
    vscode.commands.registerCommand('trustlens.showOutput', () => services.log.channel.show(true)),
    vscode.commands.registerCommand('trustlens.checkWorkspace', () => checkWorkspace(diagnostics, services)),
  );
}

/** Checks every Dockerfile and compose file in the workspace, with a cancellable progress notification. */
async function checkWorkspace(diagnostics: DiagnosticsManager, services: TrustLensServices): Promise<number> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'TrustLens: checking the workspace', cancellable: true },
    async (progress, token) => {
      const files = await vscode.workspace.findFiles(SCANNABLE_GLOB, '**/{node_modules,.git}/**', undefined, token);
      let done = 0;
      for (const uri of files) {
        if (token.isCancellationRequested) break;
        progress.report({ message: vscode.workspace.asRelativePath(uri), increment: 100 / Math.max(1, files.length) });
        try {
          const doc = await vscode.workspace.openTextDocument(uri);
          await diagnostics.checkNow(doc);
        } catch (e) {
          services.log.logger.error(`checking ${uri.fsPath} failed: ${describeError(e)}`);
        }
        done += 1;
      }
      return done;
    },
  );
}
