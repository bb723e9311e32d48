/**
 * The editor's write side: signing images, changing signers, revoking signatures, managing and rotating keys,
 * each refused in Restricted Mode.
 */
import * as vscode from 'vscode';
import type { DiagnosticsManager } from '../diagnostics/diagnosticsManager';
import type { TrustLensServices } from '../services';
import { registerKeyCommands } from './keyCommands';
import { registerRoleCommands } from './roleCommands';
import { registerSignerCommands } from './signerCommands';
import { registerSignImage } from './signImage';
import type { WriteDeps } from './publishing';

/** Registers every write command; dispose to unregister them. */
export function registerSigning(context: vscode.ExtensionContext, services: TrustLensServices, diagnostics: DiagnosticsManager, otherSchemes: WriteDeps['otherSchemes'] = {}): vscode.Disposable {
  const deps = { context, services, diagnostics, otherSchemes };
  return vscode.Disposable.from(registerSignImage(deps), registerSignerCommands(deps), registerKeyCommands(deps), registerRoleCommands(deps));
}
