/**
 * Threshold signature verification, as notary's `signed.VerifySignatures` (`tuf/signed/verify.go`;
 * protocol doc §3.5).
 */
import type { TufPublicKey } from './keys';
import { isSupportedMethod, keyTypeAllowed, verifySignature } from './verifiers';
import type { Envelope } from './metadata';
import { TufError, type SignatureRejection } from './tufErrors';

/** The keys allowed to sign for a role, and how many must. */
export interface RoleVerifier {
  /** e.g. `targets/releases`; used in messages. */
  readonly name: string;
  /** Key ID → key. Only these keys count. */
  readonly keys: ReadonlyMap<string, TufPublicKey>;
  /** e.g. 1 */
  readonly threshold: number;
}

/** Which keys validly signed, and which signatures were not counted. */
export interface SignatureReport {
  /** Distinct key IDs with a valid signature, in the order first seen. */
  readonly signedBy: readonly string[];
  readonly rejected: readonly SignatureRejection[];
}

/**
 * Checks the envelope's signatures against the role:
 * - no signatures at all → `no-signatures`;
 * - signatures by keys not listed for the role, of an unknown method, by a key of the wrong type,
 *   or that do not verify, are not counted;
 * - a signature whose key ID names a role key with different content → `invalid-key-id` (fatal, as
 *   notary returns `ErrInvalidKeyID` at once);
 * - each key ID counts once, however often it signs;
 * - fewer distinct valid key IDs than the threshold → `threshold-not-met`.
 */
// A real file carries one signature per key. A hostile one can carry thousands for the same key; each
// would cost a public-key verification, so a key ID gets at most this many attempts.
const MAX_ATTEMPTS_PER_KEY = 2;
const LISTED_REJECTIONS = 5;

export function verifySignatures(envelope: Envelope, role: RoleVerifier): SignatureReport {
  if (envelope.signatures.length === 0) {
    throw new TufError('no-signatures', `${role.name} metadata has no signatures`, { role: role.name });
  }
  const valid = new Set<string>();
  const attempts = new Map<string, number>();
  const rejected: SignatureRejection[] = [];
  for (const sig of envelope.signatures) {
    const key = role.keys.get(sig.keyid);
    const reject = (reason: SignatureRejection['reason']) => rejected.push({ keyid: sig.keyid, method: sig.method, reason });
    if (!key) {
      reject('unknown-key');
      continue;
    }
    // Each key counts once: a key that already signed validly needs no second verification.
    if (valid.has(sig.keyid)) continue;
    const tried = attempts.get(sig.keyid) ?? 0;
    if (tried >= MAX_ATTEMPTS_PER_KEY) {
      reject('bad-signature');
      continue;
    }
    attempts.set(sig.keyid, tried + 1);
    if (key.id !== sig.keyid) {
      throw new TufError('invalid-key-id', `${role.name}: key ID ${sig.keyid} is not valid for its key content (content ID ${key.id})`, {
        role: role.name,
      });
    }
    if (!isSupportedMethod(sig.method)) reject('unsupported-method');
    else if (!keyTypeAllowed(sig.method, key.keytype)) reject('wrong-key-type');
    else if (!verifySignature(sig.method, key, sig.sig, envelope.signedBytes)) reject('bad-signature');
    else valid.add(sig.keyid);
  }
  if (role.threshold < 1 || valid.size < role.threshold) {
    const listed = rejected.slice(0, LISTED_REJECTIONS).map((r) => `${r.keyid.slice(0, 12)}…: ${r.reason}`);
    if (rejected.length > LISTED_REJECTIONS) listed.push(`${rejected.length - LISTED_REJECTIONS} more`);
    const why = listed.join(', ');
    throw new TufError(
      'threshold-not-met',
      `valid signatures did not meet threshold for ${role.name}: ${valid.size} of ${role.threshold}${why ? ` (${why})` : ''}`,
      { role: role.name, rejections: rejected },
    );
  }
  return { signedBy: [...valid], rejected };
}
