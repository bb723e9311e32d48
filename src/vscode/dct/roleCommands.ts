/**
 * The Signers view's operations on one role, each after a modal that says what it does and when to
 * use it, with passphrases asked by the same prompts as signing:
 * - "Rotate Repository Key…" (the Repository node of the administrative keys) and "Rotate Root Key…"
 *   (the Root node), as `trustlens key rotate REPOSITORY targets|root`;
 * - "Renew Signature…" (the Repository node, the release role, a signer's role), as
 *   `trustlens witness REPOSITORY ROLE`: the role re-signed as it is, with a new version and a fresh
 *   expiry.
 * Each also takes `{ repository, server?, role? }` so it can run without the view.
 */
import * as vscode from 'vscode';
import { shortKeyId } from '../../core/model/keyId';
import type { TrustPublisher } from '../../core/trust/dct/signing/trustPublisher';
import { RoleNode } from '../views/signersNodes';
import { afterPublish, operationPassphrases, refusedInRestrictedMode, runWithProgress, withPublisher, type WriteDeps } from './publishing';
import { targetOf } from './signerCommands';

/** One operation: what its modal says, what it publishes, and what it says when done. */
interface RoleOperation<T> {
  readonly question: string;
  readonly detail: string;
  readonly button: string;
  /** e.g. `rotating the root key of registry.example.com/team/app` */
  readonly progress: string;
  publish(publisher: TrustPublisher, signal: AbortSignal): Promise<T>;
  done(result: T): string;
}

/** Asks with the operation's modal, then publishes it under a progress notification. */
async function confirmThenPublish<T>(deps: WriteDeps, servers: Readonly<Record<string, string>>, gun: string, op: RoleOperation<T>): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(op.question, { modal: true, detail: op.detail }, op.button);
  if (choice !== op.button) return false;
  const result = await runWithProgress(deps, op.progress, (report, signal) => {
    report('signing and publishing…');
    return withPublisher(deps, servers, operationPassphrases(deps), (p) => op.publish(p, signal));
  });
  if (result === undefined) return false;
  afterPublish(deps, gun);
  void vscode.window.showInformationMessage(`TrustLens: ${op.done(result)}`);
  return true;
}

/** What each rotation says before it starts. */
const ROTATIONS = {
  targets: {
    name: 'repository key',
    button: 'Rotate Repository Key',
    detail: 'Use this when the repository key has leaked, or may have. TrustLens makes a new repository key, '
      + 'publishes a new root that lists it, signed with your root key (you need it, and its passphrase), '
      + 'and re-signs the repository with the new key. What the old key signs stops verifying for every '
      + 'client; your signed tags stay signed. The old private key is deleted from this machine. '
      + 'Then revoke any tag you did not sign.',
  },
  root: {
    name: 'root key',
    button: 'Rotate Root Key',
    detail: 'Use this when the root key has leaked, or may have, or to retire it. TrustLens makes a new root '
      + 'key and publishes a new root signed by both the current and the new root key (you need the current '
      + 'one, and its passphrase), so clients that already trust this repository move to the new root. '
      + 'Keep the old root key until every client has seen the new root, and back up the new one.',
  },
} as const;

async function rotate(deps: WriteDeps, arg: unknown, role: keyof typeof ROTATIONS): Promise<boolean> {
  if (refusedInRestrictedMode('rotate keys')) return false;
  const target = await targetOf(arg);
  if (!target) return false;
  const { name, button, detail } = ROTATIONS[role];
  return confirmThenPublish(deps, target.servers, target.gun, {
    question: `Rotate the ${name} of ${target.gun}?`, detail, button, progress: `rotating the ${name} of ${target.gun}`,
    publish: (p, signal) => p.rotateKey(target.gun, role, { signal }),
    done: (result) => {
      const removed = result.removedKeyIds.length > 0 ? ` The old key ${result.removedKeyIds.map(shortKeyId).join(', ')} was deleted from this machine.` : '';
      return `rotated the ${name} of ${target.gun}: it is now ${shortKeyId(result.newKeyId)}.${removed}`;
    },
  });
}

/** Whose key renews a role, in words. */
function whoSigns(role: string): string {
  if (role === 'targets') return 'the repository key (you need it, and its passphrase)';
  return role === 'targets/releases' ? 'a key of one of its signers held on this machine' : `a key of ${role.replace(/^targets\//, 'signer ')} held on this machine`;
}

/** "Renew Signature…": `trustlens witness REPOSITORY ROLE`. */
async function renewRole(deps: WriteDeps, arg: unknown): Promise<boolean> {
  if (refusedInRestrictedMode('renew signatures')) return false;
  const role = arg instanceof RoleNode ? arg.role.id : (arg as { role?: unknown } | undefined)?.role;
  if (typeof role !== 'string') return false;
  const target = await targetOf(arg);
  if (!target) return false;
  return confirmThenPublish(deps, target.servers, target.gun, {
    question: `Renew ${role} of ${target.gun}?`,
    detail: `TrustLens re-signs ${role} as it is, with ${whoSigns(role)}: the same tags and keys, a new version and a fresh expiry. `
      + 'Use this before it expires; clients that verify the repository see the new expiry at their next update.',
    button: 'Renew',
    progress: `renewing ${role} of ${target.gun}`,
    publish: (p, signal) => p.witness(target.gun, [role], { signal }),
    done: (result) => {
      const doc = role === 'targets' ? result.state.targets : result.state.delegations.get(role);
      return `renewed ${role} of ${target.gun}: version ${doc?.version ?? '?'}, expires ${doc?.expires ?? '?'}.`;
    },
  });
}

/** Registers the three commands. */
export function registerRoleCommands(deps: WriteDeps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('trustlens.rotateRepositoryKey', (arg?: unknown) => rotate(deps, arg, 'targets')),
    vscode.commands.registerCommand('trustlens.rotateRootKey', (arg?: unknown) => rotate(deps, arg, 'root')),
    vscode.commands.registerCommand('trustlens.renewRole', (arg?: unknown) => renewRole(deps, arg)),
  );
}
