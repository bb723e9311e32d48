/**
 * The Signers view's "Renew Signature…", as `trustlens witness`: re-signs a role as it is, with a new
 * version and a fresh expiry, before it expires (or, for a signer's role, after). On the Repository node
 * of the administrative keys it renews `targets` (with the repository key), on the release role or a
 * signer's role that role (with a key of it). A modal first says what it does. Also takes
 * `{ repository, role, server? }` so it can run from the palette.
 */
import * as vscode from 'vscode';
import { notWitnessable } from '../../core/trust/dct/signing/planWitness';
import { RoleNode } from '../views/signersNodes';
import { afterPublish, operationPassphrases, refusedInRestrictedMode, runWithProgress, withPublisher, type WriteDeps } from './publishing';
import { targetOf } from './signerCommands';

const BUTTON = 'Renew';

/** Whose key renews a role, in words. */
function whoSigns(role: string): string {
  if (role === 'targets') return 'the repository key (you need it, and its passphrase)';
  if (role === 'targets/releases') return 'a key of one of its signers held on this machine';
  return `a key of ${role.replace(/^targets\//, 'signer ')} held on this machine`;
}

/** "Renew Signature…": `trustlens witness REPOSITORY ROLE`. */
export async function renewRole(deps: WriteDeps, arg?: unknown): Promise<boolean> {
  if (refusedInRestrictedMode('renew signatures')) return false;
  const role = arg instanceof RoleNode ? arg.role.id : (arg as { role?: unknown } | undefined)?.role;
  if (typeof role !== 'string') return false;
  const target = await targetOf(arg);
  if (!target) return false;
  const refused = notWitnessable(role, target.gun);
  if (refused) {
    void vscode.window.showErrorMessage(`TrustLens: cannot renew ${role} of ${target.gun}: ${refused}`);
    return false;
  }
  const choice = await vscode.window.showWarningMessage(`Renew ${role} of ${target.gun}?`, {
    modal: true,
    detail: `TrustLens re-signs ${role} as it is, with ${whoSigns(role)}: the same tags and keys, a new version and a fresh expiry. `
      + 'Use this before it expires; clients that verify the repository see the new expiry at their next update.',
  }, BUTTON);
  if (choice !== BUTTON) return false;
  const result = await runWithProgress(deps, `renewing ${role} of ${target.gun}`, (report, signal) => {
    report('signing and publishing…');
    return withPublisher(deps, target.servers, operationPassphrases(deps), (p) => p.witness(target.gun, [role], { signal }));
  });
  if (!result) return false;
  afterPublish(deps, target.gun);
  const doc = role === 'targets' ? result.state.targets : result.state.delegations.get(role);
  void vscode.window.showInformationMessage(`TrustLens: renewed ${role} of ${target.gun}: version ${doc?.version ?? '?'}, expires ${doc?.expires ?? '?'}.`);
  return true;
}

/** Registers the command. */
export function registerRenewCommand(deps: WriteDeps): vscode.Disposable {
  return vscode.commands.registerCommand('trustlens.renewRole', (arg?: unknown) => renewRole(deps, arg));
}
