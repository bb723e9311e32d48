/**
 * Passphrases for private keys: docker's environment variables as a provider, and the ask/retry
 * loops the key store runs. Passphrases are never logged or put into error messages.
 */
import type { PassphraseProvider } from './signingKey';
import { KeyError } from './keyErrors';

/** notary refuses shorter passphrases for new keys (`passphrase/passphrase.go`), counting bytes. */
export const MIN_PASSPHRASE_BYTES = 8;
/** How many times a provider is asked before giving up. */
export const MAX_PASSPHRASE_ATTEMPTS = 3;

/** docker's variables (`trust.go` `GetPassphraseRetriever`). */
export const ROOT_PASSPHRASE_ENV = 'DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE';
export const REPOSITORY_PASSPHRASE_ENV = 'DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE';

/**
 * Passphrases from the environment as docker reads them: `DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE` for
 * root keys, `DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE` for every other key (targets, snapshot and
 * signer keys alike). Gives nothing when the variable is unset or empty, and nothing on a retry,
 * since the same value would fail again.
 */
export function envPassphraseProvider(env: Readonly<Record<string, string | undefined>>): PassphraseProvider {
  return {
    get({ role, attempt }) {
      const value = attempt === 0 ? env[role === 'root' ? ROOT_PASSPHRASE_ENV : REPOSITORY_PASSPHRASE_ENV] : undefined;
      return Promise.resolve(value === '' ? undefined : value);
    },
  };
}

/** Whether notary would accept this passphrase for a new key. */
export function isStrongEnough(passphrase: string): boolean {
  return Buffer.byteLength(passphrase, 'utf8') >= MIN_PASSPHRASE_BYTES;
}

/** Throws `weak-passphrase` for a passphrase notary would refuse for a new key. */
export function requireStrongPassphrase(passphrase: string): void {
  if (!isStrongEnough(passphrase)) throw weakPassphrase();
}

function weakPassphrase(): KeyError {
  return new KeyError('weak-passphrase', `a key passphrase needs at least ${MIN_PASSPHRASE_BYTES} characters`);
}

/** Who a passphrase is for. `keyId` is empty when the key's ID is not known before decrypting it. */
export interface PassphraseSubject {
  readonly role: string;
  readonly keyId: string;
  readonly gun?: string;
}

/**
 * Asks for the passphrase of an existing key until `open` accepts it. `open` throws
 * `bad-passphrase` to ask again (up to {@link MAX_PASSPHRASE_ATTEMPTS} times). When the provider
 * gives up: `passphrase-cancelled` if nothing was tried yet, `bad-passphrase` otherwise.
 */
export async function openWithPassphrase<T>(provider: PassphraseProvider, subject: PassphraseSubject, open: (passphrase: string) => T): Promise<T> {
  for (let attempt = 0; attempt < MAX_PASSPHRASE_ATTEMPTS; attempt++) {
    const passphrase = await provider.get({ ...subject, purpose: 'open', attempt });
    if (passphrase === undefined) {
      if (attempt === 0) throw new KeyError('passphrase-cancelled', `no passphrase was given for the ${subject.role} key ${subject.keyId}`.trimEnd());
      break;
    }
    try {
      return open(passphrase);
    } catch (e) {
      if (!(e instanceof KeyError && e.code === 'bad-passphrase')) throw e;
    }
  }
  throw new KeyError('bad-passphrase', `wrong passphrase for the ${subject.role} key ${subject.keyId}`.trimEnd());
}

/**
 * Asks for a new key's passphrase until one is long enough. When the provider gives up:
 * `passphrase-cancelled` if it gave nothing at all, `weak-passphrase` if it gave only short ones.
 */
export async function choosePassphrase(provider: PassphraseProvider, subject: PassphraseSubject): Promise<string> {
  for (let attempt = 0; attempt < MAX_PASSPHRASE_ATTEMPTS; attempt++) {
    const passphrase = await provider.get({ ...subject, purpose: 'create', attempt });
    if (passphrase === undefined) {
      if (attempt === 0) throw new KeyError('passphrase-cancelled', `no passphrase was given for the new ${subject.role} key ${subject.keyId}`.trimEnd());
      break;
    }
    if (isStrongEnough(passphrase)) return passphrase;
  }
  throw weakPassphrase();
}
