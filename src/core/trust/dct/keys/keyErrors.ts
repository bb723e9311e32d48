/**
 * Typed errors of the private key store. Messages name the key (ID, role, file) but never carry
 * key material or passphrases.
 */
import { TrustLensError } from '../../../errors';

/**
 * Stable codes for key failures. Callers switch on these, never on message text.
 *
 * - `bad-passphrase`: the passphrase does not decrypt the key (notary `ErrPasswordInvalid`).
 * - `passphrase-cancelled`: the passphrase provider gave none (the user cancelled, or no
 *   environment variable is set).
 * - `weak-passphrase`: a new key's passphrase is shorter than 8 characters (notary's rule).
 * - `key-not-found`: no key file has this ID (notary `ErrKeyNotFound`).
 * - `invalid-key`: the bytes are not a private key TrustLens can read (not PEM, unknown PEM type,
 *   malformed DER, unsupported algorithm or curve).
 * - `invalid-role`: a role or GUN header TrustLens refuses to write (e.g. `targets` without a GUN).
 * - `key-mismatch`: a certificate or public key does not belong to the private key.
 * - `insecure-file`: a key file others may read or write (docker's rule for `trust key load`).
 * - `io-error`: the trust dir or a key file cannot be read or written (permissions, disk full).
 */
export type KeyErrorCode =
  | 'bad-passphrase'
  | 'passphrase-cancelled'
  | 'weak-passphrase'
  | 'key-not-found'
  | 'invalid-key'
  | 'invalid-role'
  | 'key-mismatch'
  | 'insecure-file'
  | 'io-error';

/** A key failure. Its `name` stays `TrustLensError`, so `TrustLensError.is(e, 'bad-passphrase')` works. */
export class KeyError extends TrustLensError<KeyErrorCode> {
  constructor(code: KeyErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/**
 * Runs a file operation, turning a failure into `io-error` (or `key-not-found` for a file that
 * cannot be read because it is gone) whose message names the path and errno code only.
 */
export async function keyFileIo<T>(what: 'read' | 'write', path: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (e) {
    if (e instanceof KeyError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? 'failed';
    throw new KeyError(what === 'read' && code === 'ENOENT' ? 'key-not-found' : 'io-error', `cannot ${what} ${path}: ${code}`);
  }
}
