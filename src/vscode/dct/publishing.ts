/**
 * What the editor's write commands share: the refusal in Restricted Mode, the key store and
 * publisher wired from settings like the read side (docker config directory, trust servers, the
 * verified-metadata cache, the `TrustLens` log), a progress notification, errors as messages, and
 * the forced re-check afterwards so diagnostics and the Signers view show the new trust data.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { describeError, TrustLensError } from '../../core/errors';
import type { FileKeyStore } from '../../core/trust/dct/keys/fileKeyStore';
import { systemClock } from '../../core/ports';
import type { TrustPublisher } from '../../core/trust/dct/signing/trustPublisher';
import { dockerConfigDir, readSettings } from '../config';
import type { DiagnosticsManager } from '../diagnostics/diagnosticsManager';
import type { TrustLensServices } from '../services';
import { OperationPassphrases, rememberPassphrases } from './passphrases';

/** What the write commands are built from. */
export interface WriteDeps {
  readonly context: vscode.ExtensionContext;
  readonly services: TrustLensServices;
  readonly diagnostics: DiagnosticsManager;
  /** Signing schemes besides Docker Content Trust that "Sign Image…" offers, by name, e.g. `cosign`. */
  readonly otherSchemes?: Readonly<Record<string, { readonly label: string; readonly detail: string; sign(deps: WriteDeps, reference: string): Promise<unknown> }>>;
}

/**
 * In Restricted Mode nothing is signed: it would use the user's keys and registry credentials on
 * the say-so of an untrusted folder. Says so (offering to manage trust) and returns true.
 */
export function refusedInRestrictedMode(what: string): boolean {
  if (vscode.workspace.isTrusted) return false;
  void vscode.window.showWarningMessage(
    `TrustLens does not ${what} in Restricted Mode: it would use your signing keys and registry credentials. Trust this workspace to ${what}.`,
    'Manage Workspace Trust',
  ).then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
  return true;
}

/** docker's key store, `<docker config>/trust`, shared with docker and notary. */
export function keyStore(services: TrustLensServices): FileKeyStore {
  return new (services.modules.FileKeyStore)(join(dockerConfigDir(), 'trust'));
}

/** New passphrases for one operation. */
export function operationPassphrases(deps: WriteDeps): OperationPassphrases {
  return new OperationPassphrases(deps.context.secrets, deps.context.globalState, rememberPassphrases());
}

/** Runs `fn` with a publisher using `trustServers` (registry host → URL), then closes it. */
export async function withPublisher<T>(deps: WriteDeps, trustServers: Readonly<Record<string, string>>, passphrases: OperationPassphrases, fn: (p: TrustPublisher) => Promise<T>): Promise<T> {
  const version = String((deps.context.extension.packageJSON as { version?: unknown }).version ?? 'dev');
  const { publisher, close } = deps.services.modules.createTrustPublisher({
    dockerConfigDir: dockerConfigDir(),
    store: deps.services.store,
    passphrases: passphrases.provider,
    env: process.env,
    trustServers: { ...readSettings().trustServers, ...trustServers },
    clock: systemClock,
    logger: deps.services.log.logger,
    userAgent: `trustlens-vscode/${version}`,
    plainHttpForLoopbackRegistries: true,
    onRequest: deps.services.log.logRequest,
  });
  try {
    const result = await fn(publisher);
    await passphrases.commit();
    return result;
  } finally {
    await close();
  }
}

/**
 * Runs a write operation under a cancellable progress notification titled `title`. A cancelled
 * passphrase prompt ends it quietly; any other failure is logged and shown (by `explain`, when it
 * takes it: it returns true once it has shown the failure its own way). Resolves with `fn`'s result,
 * or `undefined` when it did not complete.
 */
export async function runWithProgress<T>(
  deps: WriteDeps,
  title: string,
  fn: (report: (message: string) => void, signal: AbortSignal) => Promise<T>,
  explain?: (e: unknown) => boolean,
): Promise<T | undefined> {
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `TrustLens: ${title}`, cancellable: true }, (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return fn((message) => progress.report({ message }), controller.signal);
    });
  } catch (e) {
    if (TrustLensError.is(e, 'passphrase-cancelled') || TrustLensError.is(e, 'aborted')) {
      vscode.window.setStatusBarMessage(`TrustLens: ${title}: cancelled`, 5000);
      return undefined;
    }
    deps.services.log.logger.error(`${title} failed: ${describeError(e)}`);
    if (!explain?.(e)) void vscode.window.showErrorMessage(`TrustLens: ${title} failed: ${describeError(e)}`);
    return undefined;
  }
}

/**
 * After a change to `gun` was published: re-checks, asking the trust server again, every open
 * document that references it, so its diagnostics and the Signers view show the new trust data.
 */
export function afterPublish(deps: WriteDeps, gun: string): void {
  const affected = new Set(deps.services.results.entries()
    .filter(([, results]) => results.some((r) => r.target.kind === 'reference' && r.target.occurrence.ref.repository === gun))
    .map(([uri]) => uri.toString()));
  for (const doc of vscode.workspace.textDocuments) if (affected.has(doc.uri.toString())) deps.diagnostics.schedule(doc, 0, true);
}
