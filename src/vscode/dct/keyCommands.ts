/**
 * Keys from the editor, as `docker trust key generate` and `docker trust key load`: "Generate
 * Key…" writes a new signer key into docker's trust dir and `<name>.pub` where the user chooses;
 * "Load Key…" imports a private key file, re-encrypted. Plus forgetting remembered passphrases.
 */
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { GeneratedSignerKey } from '../../core/trust/dct/signing/generateSignerKey';
import { shortKeyId } from '../../core/model/keyId';
import { validateSignerName } from '../../core/trust/dct/signing/signingErrors';
import { REFRESH_KEYS_COMMAND } from './localKeysNodes';
import { forgetPassphrases } from './passphrases';
import { keyStore, operationPassphrases, refusedInRestrictedMode, runWithProgress, type WriteDeps } from './publishing';

type Args = { name?: unknown; algorithm?: unknown; dir?: unknown; file?: unknown };

function askName(title: string, value: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title, prompt: 'Signer name, e.g. alice', value, ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        validateSignerName(v);
        return undefined;
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    },
  });
}

/** "Generate Key…": resolves with the new key's ID and public key path, or `undefined`. */
export async function generateKey(deps: WriteDeps, arg?: unknown): Promise<GeneratedSignerKey | undefined> {
  if (refusedInRestrictedMode('create signing keys')) return undefined;
  const a = (arg && typeof arg === 'object' && !('parent' in arg) ? arg : {}) as Args;
  const name = typeof a.name === 'string' ? a.name : await askName('TrustLens: Generate Key', '');
  if (!name) return undefined;
  let algorithm: 'ecdsa' | 'ed25519' | undefined = a.algorithm === 'ed25519' || a.algorithm === 'ecdsa' ? a.algorithm : undefined;
  if (!algorithm) {
    const picked = await vscode.window.showQuickPick([
      { label: 'Ed25519', description: 'default', detail: 'TrustLens Add Signer accepts its .pub; docker trust signer add does not', algorithm: 'ed25519' as const },
      { label: 'ECDSA P-256', description: 'for docker trust signer add parity', detail: 'what docker trust key generate makes; docker and notary accept its .pub', algorithm: 'ecdsa' as const },
    ], { title: `TrustLens: key type for ${name}`, ignoreFocusOut: true });
    algorithm = picked?.algorithm;
  }
  if (!algorithm) return undefined;
  const dir = typeof a.dir === 'string' ? a.dir : (await vscode.window.showOpenDialog({
    title: `TrustLens: folder for ${name}.pub`, openLabel: `Save ${name}.pub Here`, canSelectFiles: false, canSelectFolders: true, canSelectMany: false,
    ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
  }))?.[0]?.fsPath;
  if (!dir) return undefined;
  const passphrases = operationPassphrases(deps);
  const generated = await runWithProgress(deps, `generating key ${name}`, async () => {
    const made = await deps.services.modules.generateSignerKey(keyStore(deps.services), name, dir, passphrases.provider, algorithm);
    await passphrases.commit();
    return made;
  });
  if (!generated) return undefined;
  deps.services.log.logger.info(`generated key ${generated.keyId} for signer ${name}; public key ${generated.publicKeyPath}`);
  void vscode.commands.executeCommand(REFRESH_KEYS_COMMAND);
  void vscode.window.showInformationMessage(`TrustLens: generated key ${shortKeyId(generated.keyId)} for signer ${name}. Public key: ${generated.publicKeyPath}`, 'Open Public Key')
    .then((choice) => choice && vscode.window.showTextDocument(vscode.Uri.file(generated.publicKeyPath)));
  return generated;
}

/** "Load Key…": resolves with the stored key's ID, or `undefined`. */
export async function loadKey(deps: WriteDeps, arg?: unknown): Promise<string | undefined> {
  if (refusedInRestrictedMode('import signing keys')) return undefined;
  const a = (arg && typeof arg === 'object' && !('parent' in arg) ? arg : {}) as Args;
  const file = typeof a.file === 'string' ? a.file : (await vscode.window.showOpenDialog({
    title: 'TrustLens: private key to load', openLabel: 'Load Key', canSelectMany: false,
    filters: { 'Private keys': ['key', 'pem'], 'All files': ['*'] },
  }))?.[0]?.fsPath;
  if (!file) return undefined;
  let role = 'signer';
  try {
    role = deps.services.modules.readKeyBlock(await readFile(file), { firstKeyBlock: true }).headers.role || role;
  } catch {
    // Not readable as a key: importing it below says why.
  }
  const name = typeof a.name === 'string' ? a.name : await askName('TrustLens: Load Key as signer', role);
  if (!name) return undefined;
  const passphrases = operationPassphrases(deps);
  const info = await runWithProgress(deps, `loading key ${file}`, async () => {
    const stored = await keyStore(deps.services).importFile(file, { role: name }, passphrases.provider);
    await passphrases.commit();
    return stored;
  });
  if (!info) return undefined;
  void vscode.commands.executeCommand(REFRESH_KEYS_COMMAND);
  void vscode.window.showInformationMessage(`TrustLens: loaded key ${shortKeyId(info.keyId)} for signer ${info.role} into ${keyStore(deps.services).privateDir}.`);
  return info.keyId;
}

/** Registers Generate Key, Load Key and Forget Passphrases; passphrases are forgotten when remembering is turned off. */
export function registerKeyCommands(deps: WriteDeps): vscode.Disposable {
  const forget = async () => {
    const count = await forgetPassphrases(deps.context.secrets, deps.context.globalState);
    vscode.window.setStatusBarMessage(`TrustLens: forgot ${count} remembered passphrase${count === 1 ? '' : 's'}`, 5000);
    return count;
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand('trustlens.generateKey', (arg?: unknown) => generateKey(deps, arg)),
    vscode.commands.registerCommand('trustlens.loadKey', (arg?: unknown) => loadKey(deps, arg)),
    vscode.commands.registerCommand('trustlens.forgetPassphrases', forget),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('trustlens.rememberPassphrases') && !vscode.workspace.getConfiguration('trustlens').get<boolean>('rememberPassphrases')) void forget();
    }),
  );
}
