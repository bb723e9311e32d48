/**
 * The one place that defines every error code the TUF / Notary v1 verifier throws, and the
 * reasons it records for individual signatures it did not count.
 */
import { TrustLensError } from '../../../errors';

/**
 * Stable codes for verification failures. Callers switch on these, never on message text.
 *
 * - `malformed`: bytes are not valid metadata (bad JSON, wrong field types, invalid structure).
 * - `wrong-type`: `_type` is not the one expected for the role (notary `ErrWrongType`).
 * - `no-signatures`: the envelope carries no signatures at all (notary `ErrNoSignatures`).
 * - `threshold-not-met`: fewer distinct valid signatures than the role threshold (`ErrRoleThreshold`).
 * - `invalid-key-id`: a signature names a role key whose content hashes to another ID (`ErrInvalidKeyID`).
 * - `expired`: the metadata's `expires` is before the clock's now (`ErrExpired`).
 * - `rollback`: the version is lower than the cached/trusted version (`ErrLowVersion`).
 * - `hash-mismatch` / `length-mismatch`: bytes do not match the hashes/length that vouch for them.
 * - `missing-meta`: the vouching metadata has no usable hash for the file (`ErrMissingMeta`).
 * - `cn-mismatch` / `certificate-expired` / `certificate-invalid`: no usable root leaf certificate.
 * - `root-invalid`: the root is not signed by its own keys at its threshold, or fails trust pinning.
 * - `root-rotation-invalid`: the new root is not signed by the previous root's keys (`ErrRootRotationFail`).
 * - `out-of-order`: a method was called before what it depends on was loaded, or twice.
 * - `unknown-role`: the role name is not a valid or expected role here.
 */
export type TufErrorCode =
  | 'malformed'
  | 'wrong-type'
  | 'no-signatures'
  | 'threshold-not-met'
  | 'invalid-key-id'
  | 'expired'
  | 'rollback'
  | 'hash-mismatch'
  | 'length-mismatch'
  | 'missing-meta'
  | 'cn-mismatch'
  | 'certificate-expired'
  | 'certificate-invalid'
  | 'root-invalid'
  | 'root-rotation-invalid'
  | 'out-of-order'
  | 'unknown-role';

/**
 * Why one signature was not counted towards a threshold. notary skips such signatures silently
 * (`VerifySignatures` continues); we keep the reason for diagnostics.
 *
 * - `unknown-key`: its key ID is not one of the role's keys.
 * - `wrong-key-type`: the key's type cannot be used with the signature method (e.g. `ed25519` key, `ecdsa` method).
 * - `unsupported-method`: notary has no verifier for the method.
 * - `bad-signature`: the signature does not verify (or the key material is unusable).
 */
export type SignatureRejectionReason = 'unknown-key' | 'wrong-key-type' | 'unsupported-method' | 'bad-signature';

/** One signature that did not count, e.g. `{ keyid: '041b…', method: 'ecdsa', reason: 'bad-signature' }`. */
export interface SignatureRejection {
  readonly keyid: string;
  readonly method: string;
  readonly reason: SignatureRejectionReason;
}

/**
 * A verification failure. Its `name` stays `TrustLensError`, so `TrustLensError.is(e, 'expired')` works.
 */
export class TufError extends TrustLensError<TufErrorCode> {
  /** The role whose metadata failed, e.g. `targets/releases`; absent when no role applies. */
  readonly role: string | undefined;
  /** For `threshold-not-met`: every signature that was not counted, and why. */
  readonly rejections: readonly SignatureRejection[];

  constructor(
    code: TufErrorCode,
    message: string,
    options?: { role?: string; cause?: unknown; rejections?: readonly SignatureRejection[] },
  ) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.role = options?.role;
    this.rejections = options?.rejections ?? [];
  }

  /** Type guard that also narrows to `TufError` for access to `role` and `rejections`. */
  static isTuf(e: unknown, code?: TufErrorCode): e is TufError {
    return TrustLensError.is(e, code) && Array.isArray((e as { rejections?: unknown }).rejections);
  }
}
