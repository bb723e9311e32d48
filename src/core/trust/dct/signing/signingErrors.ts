/**
 * Errors of the publishing side, with stable codes. Messages name roles, key IDs and GUNs, never a
 * passphrase, token or private key.
 */
import { TrustLensError } from '../../../errors';
import { shortKeyId } from '../../../model/keyId';
import { RELEASES_ROLE, signerName } from '../tuf/roleNames';
import type { TrustData } from '../tuf/verifiedData';

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

/** Who can sign a repository, as a `no-signing-key` error names them. */
export interface WhoCanSign {
  /** e.g. `127.0.0.1:5000/team/app` */
  readonly gun: string;
  /** Its signers (`targets/<name>`, the release role left out), each with the key IDs docker shows for them. */
  readonly signers: readonly { readonly name: string; readonly keyIds: readonly string[] }[];
  /** The repository (targets) key IDs, which sign when there are no signers and add signers. */
  readonly repositoryKeyIds: readonly string[];
}

/** Who can sign a repository, from its verified trust data. */
export function whoCanSign(data: TrustData): WhoCanSign {
  return {
    gun: data.gun,
    signers: data.targets.delegations
      .filter((d) => d.name !== RELEASES_ROLE)
      .map((d) => ({ name: signerName(d.name), keyIds: d.keys.map((k) => k.canonicalId ?? k.id) })),
    repositoryKeyIds: data.targets.keys.map((k) => k.id),
  };
}

/** e.g. `its signers are ci (key 1a2b3c4) and qa (key 5d6e7f8)`, or `only its repository key 9a8b7c6 signs it`. */
export function describeWhoCanSign(who: WhoCanSign): string {
  const keys = (ids: readonly string[]) => ids.map(shortKeyId).join(', ');
  if (who.signers.length === 0) return `only its repository key ${keys(who.repositoryKeyIds)} signs it`;
  const names = who.signers.map((s) => `${s.name} (key${s.keyIds.length === 1 ? '' : 's'} ${keys(s.keyIds)})`);
  return `its signer${names.length === 1 ? ' is' : 's are'} ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`}`;
}

/** A publishing failure; `TrustLensError.is(e, 'conflict')` works on it. */
export class SigningError extends TrustLensError<SigningErrorCode> {
  /** For `no-signing-key`: who can sign the repository instead. */
  readonly whoCanSign: WhoCanSign | undefined;

  constructor(code: SigningErrorCode, message: string, options?: { cause?: unknown; whoCanSign?: WhoCanSign }) {
    super(code, message, options);
    this.whoCanSign = options?.whoCanSign;
  }
}

/** docker `signer add` / `key generate`: `^[a-z0-9][a-z0-9_-]*$`, and `releases` is reserved. */
export function validateSignerName(name: string): void {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name) || name.length > 200) {
    throw new SigningError('invalid-signer', `signer name "${name}" must match ^[a-z0-9][a-z0-9_-]*$`);
  }
  if (name === 'releases') throw new SigningError('invalid-signer', 'releases is a reserved keyword and cannot be used as a signer name');
}
