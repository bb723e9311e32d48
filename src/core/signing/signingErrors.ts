/**
 * Errors of the publishing side, with stable codes. Messages name roles, key IDs and GUNs, never a
 * passphrase, token or private key.
 */
import { TrustLensError } from '../errors';

/**
 * - `invalid-reference`: the image reference cannot be signed (no tag, a digest, a bad name).
 * - `invalid-signer`: a signer name docker would refuse (`^[a-z0-9][a-z0-9_-]*$`, not `releases`).
 * - `invalid-key`: a public key file that is neither a PUBLIC KEY nor a valid CERTIFICATE PEM.
 * - `no-trust-data`: the repository has no trust data and the operation does not create it.
 * - `untrusted-data`: the current trust data did not verify, so nothing is built on it.
 * - `no-signing-key`: no held key can sign a role the change needs (docker "no valid signing keys").
 * - `insufficient-keys`: fewer held keys for a role than its threshold (notary `ErrInsufficientSignatures`).
 * - `no-such-signer` / `no-such-target`: the signer or tag to remove does not exist.
 * - `server-rejected`: the trust server refused the upload (other than a version conflict).
 * - `conflict`: still conflicting with concurrent publishers after every retry.
 * - `not-visible`: the published change is not in the verified trust data read back afterwards.
 */
export type SigningErrorCode =
  | 'invalid-reference'
  | 'invalid-signer'
  | 'invalid-key'
  | 'no-trust-data'
  | 'untrusted-data'
  | 'no-signing-key'
  | 'insufficient-keys'
  | 'no-such-signer'
  | 'no-such-target'
  | 'server-rejected'
  | 'conflict'
  | 'not-visible';

/** A publishing failure; `TrustLensError.is(e, 'conflict')` works on it. */
export class SigningError extends TrustLensError<SigningErrorCode> {
  constructor(code: SigningErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** docker `signer add` / `key generate`: `^[a-z0-9][a-z0-9_-]*$`, and `releases` is reserved. */
export function validateSignerName(name: string): void {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name) || name.length > 200) {
    throw new SigningError('invalid-signer', `signer name "${name}" must match ^[a-z0-9][a-z0-9_-]*$`);
  }
  if (name === 'releases') throw new SigningError('invalid-signer', 'releases is a reserved keyword and cannot be used as a signer name');
}
