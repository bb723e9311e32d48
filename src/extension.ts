import * as vscode from 'vscode';
import { registerCodeActions } from './vscode/codeActions/provider';
import { registerIgnoreImage } from './vscode/commands/ignoreImage';
import { registerTrustSigner } from './vscode/commands/trustSigner';
import { registerPinAll } from './vscode/commands/pinAll';
import { registerSwitchTag } from './vscode/commands/switchTag';
import { registerTrustReport } from './vscode/commands/trustReport';
import { registerWorkspaceCommands } from './vscode/commands/workspaceCommands';
import { DiagnosticsManager, type ShownDiagnostics } from './vscode/diagnostics/diagnosticsManager';
import { registerTrustHover } from './vscode/hover/trustHover';
import { TrustLensServices } from './vscode/services';
import { localKeysNodes } from './vscode/dct/localKeysNodes';
import { registerSigning } from './vscode/dct/registerSigning';
import { signImageWithCosign } from './vscode/cosign/signImageCosign';
import { registerStatusBar } from './vscode/statusBar';
import { registerSignersView, type SignersView } from './vscode/views/signersView';

/** What the extension exports, for other extensions and for its own tests. */
export interface TrustLensApi {
  /** Checks a document now and resolves when its diagnostics are set. */
  checkDocument(doc: vscode.TextDocument, force?: boolean): Promise<void>;
  /** Resolves once no check is scheduled or running and no trust data is being fetched. */
  settled(): Promise<void>;
  /**
   * Fires right after TrustLens sets a document's diagnostics: `partial` when they are only those of a
   * large file's first documents, shown while the rest is read (its verdicts are not stored yet).
   */
  readonly onDidShowDiagnostics: vscode.Event<ShownDiagnostics>;
  readonly services: TrustLensServices;
  /** The Signers view: its tree data and its TreeView. */
  readonly signers: SignersView;
  /** The status bar item that sums up the active file's verdicts. */
  readonly statusBar: vscode.StatusBarItem;
  /** How long `activate()` took, in milliseconds. */
  readonly activateMs: number;
}

/** Composition root: builds the services and registers each feature. Nothing is checked here. */
export function activate(context: vscode.ExtensionContext): TrustLensApi {
  const started = performance.now();
  try {
    const services = new TrustLensServices(context);
    const diagnostics = new DiagnosticsManager(services);
    const signers = registerSignersView(services, diagnostics, localKeysNodes(services));
    const statusBar = registerStatusBar(services, diagnostics);
    context.subscriptions.push(
      services,
      diagnostics,
      registerWorkspaceCommands(services, diagnostics, { refresh: () => signers.provider.refreshAll(), reload: () => signers.provider.reload() }),
      registerTrustReport(services, diagnostics),
      registerSigning(context, services, diagnostics, {
        cosign: { label: 'Sigstore cosign', detail: 'cosign sign --key: a signature beside the image in its registry; nothing is uploaded to a transparency log', sign: signImageWithCosign },
      }),
      registerCodeActions(services),
      registerSwitchTag(services),
      registerPinAll(services),
      registerIgnoreImage(services),
      registerTrustSigner(services),
      registerTrustHover(services),
      signers,
      statusBar,
    );
    const settled = async () => {
      await diagnostics.settled();
      await services.idle();
    };
    return {
      checkDocument: (doc, force) => diagnostics.checkNow(doc, force),
      settled,
      onDidShowDiagnostics: diagnostics.onDidShowDiagnostics,
      services,
      signers,
      statusBar: statusBar.item,
      activateMs: performance.now() - started,
    };
  } catch (e) {
    // VS Code does not tell the user when an extension fails to activate.
    void vscode.window.showErrorMessage(`TrustLens failed to activate: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  }
}

export function deactivate(): void {
  // Everything is released through context.subscriptions.
}
