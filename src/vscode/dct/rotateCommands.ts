/**
 * The Signers view's key rotations, as `trustlens key rotate`: "Rotate Repository Key…" on the
 * Repository node of the administrative keys, "Rotate Root Key…" on the Root node. Each first says
 * in a modal what it does and when to use it, then asks for passphrases with the same prompts as
 * signing. Each also takes `{ repository, server? }` so it can run from the palette.
 */
import * as vscode from 'vscode';
import { shortKeyId } from '../../core/model/keyId';
import { afterPublish, operationPassphrases, refusedInRestrictedMode, runWithProgress, withPublisher, type WriteDeps } from './publishing';
import { targetOf } from './signerCommands';

/** What each rotation says before it starts. */
const ROTATIONS = {
  targets: {
    button: 'Rotate Repository Key',
    question: (gun: string) => `Rotate the repository key of ${gun}?`,
    detail: 'Use this when the repository key has leaked, or may have. TrustLens makes a new repository key, '
      + 'publishes a new root that lists it, signed with your root key (you need it, and its passphrase), '
      + 'and re-signs the repository with the new key. What the old key signs stops verifying for every '
      + 'client; your signed tags stay signed. The old private key is deleted from this machine. '
      + 'Then revoke any tag you did not sign.',
  },
  root: {
    button: 'Rotate Root Key',
    question: (gun: string) => `Rotate the root key of ${gun}?`,
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
  const what = ROTATIONS[role];
  const choice = await vscode.window.showWarningMessage(what.question(target.gun), { modal: true, detail: what.detail }, what.button);
  if (choice !== what.button) return false;
  const name = role === 'root' ? 'root key' : 'repository key';
  const result = await runWithProgress(deps, `rotating the ${name} of ${target.gun}`, (report, signal) => {
    report('signing and publishing the new root…');
    return withPublisher(deps, target.servers, operationPassphrases(deps), (p) => p.rotateKey(target.gun, role, { signal }));
  });
  if (!result) return false;
  afterPublish(deps, target.gun);
  const removed = result.removedKeyIds.length > 0 ? ` The old key ${result.removedKeyIds.map(shortKeyId).join(', ')} was deleted from this machine.` : '';
  void vscode.window.showInformationMessage(`TrustLens: rotated the ${name} of ${target.gun}: it is now ${shortKeyId(result.newKeyId)}.${removed}`);
  return true;
}

/** "Rotate Repository Key…": a new targets key, as `trustlens key rotate REPOSITORY targets`. */
export function rotateRepositoryKey(deps: WriteDeps, arg?: unknown): Promise<boolean> {
  return rotate(deps, arg, 'targets');
}

/** "Rotate Root Key…": a new root key, as `trustlens key rotate REPOSITORY root`. */
export function rotateRootKey(deps: WriteDeps, arg?: unknown): Promise<boolean> {
  return rotate(deps, arg, 'root');
}

/** Registers the two commands. */
export function registerRotateCommands(deps: WriteDeps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('trustlens.rotateRepositoryKey', (arg?: unknown) => rotateRepositoryKey(deps, arg)),
    vscode.commands.registerCommand('trustlens.rotateRootKey', (arg?: unknown) => rotateRootKey(deps, arg)),
  );
}
