/**
 * The Signers view's write commands, as `docker trust signer add|remove` and `docker trust revoke`:
 * "Add Signer…" on a repository or its Signers group, "Remove Signer" on a signer, "Revoke
 * Signature" on a signed tag. Each also takes plain arguments (`{ repository, server?, name?,
 * keyFile?, signer?, tag? }`) so it can run from the palette or another extension.
 */
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { parseRepository } from '../../core/trust/dct/signing/references';
import { validateSignerName } from '../../core/trust/dct/signing/signingErrors';
import { RepositoryNode, RoleNode, SignersNode, TagNode } from '../views/signersNodes';
import { afterPublish, operationPassphrases, refusedInRestrictedMode, runWithProgress, withPublisher, type WriteDeps } from './publishing';

/** A repository to change: its GUN, and the trust server map to reach it. */
interface Target {
  readonly gun: string;
  readonly servers: Record<string, string>;
}

type Args = { repository?: unknown; server?: unknown; name?: unknown; keyFile?: unknown; signer?: unknown; tag?: unknown };

function repositoryOf(node: SignersNode | undefined): RepositoryNode | undefined {
  let n = node;
  while (n && !(n instanceof RepositoryNode)) n = n.parent;
  return n;
}

/** The repository a node or `{ repository, server? }` names; asks for one when neither does. */
export async function targetOf(arg: unknown): Promise<Target | undefined> {
  const repo = repositoryOf(arg instanceof SignersNode ? arg : undefined);
  if (repo) return { gun: repo.ref.key.gun, servers: { [repo.ref.key.registry]: repo.ref.key.server } };
  const a = (arg ?? {}) as Args;
  const gun = typeof a.repository === 'string' ? a.repository : await vscode.window.showInputBox({
    title: 'TrustLens', prompt: 'Repository, e.g. registry.example.com/team/app', ignoreFocusOut: true, validateInput: (v) => problem(() => parseRepository(v.trim())),
  });
  if (!gun) return undefined;
  const ref = parseRepository(gun.trim());
  return { gun: ref.repository, servers: typeof a.server === 'string' ? { [ref.registry]: a.server } : {} };
}

function problem(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** "Add Signer…": delegates `targets/<name>` and `targets/releases` to a public key file. */
export async function addSigner(deps: WriteDeps, arg?: unknown): Promise<boolean> {
  if (refusedInRestrictedMode('change signers')) return false;
  const target = await targetOf(arg);
  if (!target) return false;
  const a = (arg ?? {}) as Args;
  const name = typeof a.name === 'string' ? a.name : await vscode.window.showInputBox({
    title: `TrustLens: Add Signer to ${target.gun}`, prompt: 'Signer name, e.g. alice', ignoreFocusOut: true, validateInput: (v) => problem(() => validateSignerName(v)),
  });
  if (!name) return false;
  const keyFile = typeof a.keyFile === 'string' ? vscode.Uri.file(a.keyFile) : (await vscode.window.showOpenDialog({
    title: `TrustLens: public key of signer ${name}`, openLabel: 'Add Signer', canSelectMany: false,
    filters: { 'Public keys and certificates': ['pub', 'pem', 'crt', 'cert'], 'All files': ['*'] },
  }))?.[0];
  if (!keyFile) return false;
  const passphrases = operationPassphrases(deps);
  const result = await runWithProgress(deps, `adding signer ${name} to ${target.gun}`, async (report, signal) => {
    const pem = await readFile(keyFile.fsPath);
    // Checked before anything is published, as docker reads every key first.
    deps.services.modules.parsePublicKeyPem(pem, Date.now());
    report('publishing the delegation…');
    return withPublisher(deps, target.servers, passphrases, (p) => p.addSigner(name, target.gun, pem, { signal }));
  });
  if (!result) return false;
  afterPublish(deps, target.gun);
  void vscode.window.showInformationMessage(`TrustLens: added signer ${name} to ${target.gun}${result.initialized ? ', creating its trust data' : ''}.`);
  return true;
}

/** "Remove Signer": asks first, in a modal, when released tags would stop verifying. */
export async function removeSigner(deps: WriteDeps, arg?: unknown): Promise<boolean> {
  if (refusedInRestrictedMode('change signers')) return false;
  const target = await targetOf(arg);
  if (!target) return false;
  const name = arg instanceof RoleNode ? arg.role.id.replace(/^targets\//, '') : (arg as Args | undefined)?.signer;
  if (typeof name !== 'string') return false;
  const remove = (force: boolean) => runWithProgress(deps, `removing signer ${name} from ${target.gun}`, (_report, signal) =>
    withPublisher(deps, target.servers, operationPassphrases(deps), (p) => p.removeSigner(name, target.gun, { force, signal })));
  let result = await remove(false);
  if (result && !result.removed && result.releasesBelowThreshold) {
    const choice = await vscode.window.showWarningMessage(
      `The signer "${name}" signed the last released version of ${target.gun}. Removing this signer will make ${target.gun} unpullable with content trust until another signer re-signs its tags.`,
      { modal: true },
      'Remove Anyway',
    );
    if (choice !== 'Remove Anyway') return false;
    result = await remove(true);
  }
  if (!result?.removed) return false;
  afterPublish(deps, target.gun);
  void vscode.window.showInformationMessage(`TrustLens: removed signer ${name} from ${target.gun}.`);
  return true;
}

/** "Revoke Signature": removes the tag from every role holding it that a held key can sign. */
export async function revokeSignature(deps: WriteDeps, arg?: unknown): Promise<boolean> {
  if (refusedInRestrictedMode('revoke signatures')) return false;
  const target = await targetOf(arg);
  if (!target) return false;
  const tag = arg instanceof TagNode ? arg.tag.tag : (arg as Args | undefined)?.tag;
  if (typeof tag !== 'string') return false;
  const reference = `${target.gun}:${tag}`;
  const result = await runWithProgress(deps, `revoking the signature of ${reference}`, (_report, signal) =>
    withPublisher(deps, target.servers, operationPassphrases(deps), (p) => p.revokeTag(reference, { signal })));
  if (!result) return false;
  afterPublish(deps, target.gun);
  void vscode.window.showInformationMessage(`TrustLens: revoked the signature of ${reference} (from ${result.revokedRoles.join(', ') || 'no role'}).`);
  return true;
}

/** Registers the three commands. */
export function registerSignerCommands(deps: WriteDeps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('trustlens.addSigner', (arg?: unknown) => addSigner(deps, arg)),
    vscode.commands.registerCommand('trustlens.removeSigner', (arg?: unknown) => removeSigner(deps, arg)),
    vscode.commands.registerCommand('trustlens.revokeSignature', (arg?: unknown) => revokeSignature(deps, arg)),
  );
}
