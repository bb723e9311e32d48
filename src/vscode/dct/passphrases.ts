/**
 * Key passphrases in the editor: asked with password input boxes, and, only when the user turned on
 * `trustlens.rememberPassphrases`, kept in VS Code's SecretStorage (the OS keychain), never in
 * settings, logs or the metadata cache. A passphrase is remembered only after the operation that
 * used it succeeded, and forgotten when it stops opening its key.
 */
import * as vscode from 'vscode';
import { shortKeyId } from '../../core/model/keyId';
import { isStrongEnough, MIN_PASSPHRASE_BYTES } from '../../core/trust/dct/keys/passphrase';
import type { PassphraseProvider } from '../../core/trust/dct/keys/signingKey';

const SECRET_PREFIX = 'trustlens.passphrase.';
/** Key IDs (not secrets) of the remembered passphrases, so that they can all be forgotten. */
const REMEMBERED_IDS = 'trustlens.rememberedPassphraseKeyIds';

/** Whether the user chose to keep passphrases in SecretStorage. */
export function rememberPassphrases(): boolean {
  return vscode.workspace.getConfiguration('trustlens').get<boolean>('rememberPassphrases') === true;
}

/** How a key is named in prompts: `root`, `repository` (targets, snapshot), else the signer `alice`. */
function keyName(role: string, keyId: string, gun: string | undefined): string {
  const who = role === 'root' ? 'root key' : role === 'targets' || role === 'snapshot' ? 'repository key' : `key of signer "${role}"`;
  return `${who}${keyId ? ` ${shortKeyId(keyId)}` : ''}${gun ? ` (${gun})` : ''}`;
}

/** The passphrases of one operation (a sign, a signer change, a key import). */
export class OperationPassphrases {
  readonly #given = new Map<string, string>();
  readonly #fromStorage = new Set<string>();
  /** The provider to hand to the key store and publisher. */
  readonly provider: PassphraseProvider = { get: (request) => this.#get(request) };

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
    private readonly remember: boolean,
  ) {}

  async #get({ role, keyId, gun, purpose, attempt }: Parameters<PassphraseProvider['get']>[0]): Promise<string | undefined> {
    const name = keyName(role, keyId, gun);
    // A key created or opened earlier in this operation is not asked for again.
    const known = attempt === 0 && purpose === 'open' && keyId ? this.#given.get(keyId) : undefined;
    if (known !== undefined) return known;
    if (purpose === 'open' && keyId && this.remember) {
      if (attempt === 0) {
        const saved = await this.secrets.get(SECRET_PREFIX + keyId);
        if (saved !== undefined) {
          this.#fromStorage.add(keyId);
          return saved;
        }
      } else if (this.#fromStorage.delete(keyId)) {
        // The remembered one no longer opens the key (it was re-encrypted): drop it and ask.
        await this.secrets.delete(SECRET_PREFIX + keyId);
        return this.#keep(keyId, await ask(`The remembered passphrase does not open the ${name}. Enter its passphrase`));
      }
    }
    if (purpose === 'open') return this.#keep(keyId, await ask(`${attempt > 0 ? 'Wrong passphrase. ' : ''}Enter the passphrase of the ${name}`));
    const chosen = await ask(`Choose a passphrase for the new ${name}${role === 'root' ? ': it protects your most sensitive key and cannot be recovered' : ''}`, (v) =>
      isStrongEnough(v) ? undefined : `At least ${MIN_PASSPHRASE_BYTES} characters`);
    if (chosen === undefined) return undefined;
    const again = await ask(`Repeat the passphrase for the new ${name}`, (v) => (v === chosen ? undefined : 'The passphrases do not match'));
    return this.#keep(keyId, again);
  }

  #keep(keyId: string, passphrase: string | undefined): string | undefined {
    if (passphrase !== undefined && keyId) this.#given.set(keyId, passphrase);
    return passphrase;
  }

  /** After success: remembers what was typed, if the user wants that. */
  async commit(): Promise<void> {
    if (!this.remember || this.#given.size === 0) return;
    const ids = new Set(this.state.get<string[]>(REMEMBERED_IDS) ?? []);
    for (const [keyId, passphrase] of this.#given) {
      await this.secrets.store(SECRET_PREFIX + keyId, passphrase);
      ids.add(keyId);
    }
    await this.state.update(REMEMBERED_IDS, [...ids]);
  }
}

function ask(prompt: string, validateInput?: (value: string) => string | undefined): Promise<string | undefined> {
  return Promise.resolve(vscode.window.showInputBox({
    title: 'TrustLens: key passphrase',
    prompt,
    password: true,
    ignoreFocusOut: true,
    ...(validateInput ? { validateInput } : {}),
  }));
}

/** Forgets every remembered passphrase; returns how many there were. */
export async function forgetPassphrases(secrets: vscode.SecretStorage, state: vscode.Memento): Promise<number> {
  const ids = state.get<string[]>(REMEMBERED_IDS) ?? [];
  for (const keyId of ids) await secrets.delete(SECRET_PREFIX + keyId);
  await state.update(REMEMBERED_IDS, undefined);
  return ids.length;
}
