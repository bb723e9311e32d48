/**
 * The authentic timestamp step (trust-store-trust-policy.md, "Validate Authentic Timestamp").
 * notary.x509: when the policy names a `tsa` store (and `verifyTimestamp` is `always`, or
 * `afterCertExpiry` with an expired chain), the RFC 3161 timestamp must verify against it, its range
 * must lie inside every signing certificate's validity, and the TSA chain must not be revoked; without
 * timestamp verification the chain must be valid now. notary.x509.signingAuthority: the authentic
 * signing time must lie inside every certificate's validity.
 */
import type { NotationCertificate } from './certificate';
import type { EnvelopeContent } from './envelope';
import type { NotationFindingCode } from './findings';
import { checkChainRevocation } from './revocation/chainRevocation';
import type { RevocationContext } from './revocation/context';
import { verifyTimestampToken, type VerifiedTimestamp } from './timestamp';

export type TimestampOutcome =
  | { ok: true; timeAuthenticated: boolean; timestamp?: VerifiedTimestamp }
  | { ok: false; code: NotationFindingCode; message: string };

export interface TimestampInputs {
  now: number;
  verifyTimestamp: 'always' | 'afterCertExpiry';
  /** True when the policy names a `tsa` trust store. */
  tsaConfigured: boolean;
  /** The `tsa` stores' roots, read on first need (throws when a store cannot be read). */
  tsaRoots: () => NotationCertificate[];
  maxCertificates: number;
  revocation: RevocationContext;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function validNow(chain: readonly NotationCertificate[], now: number): TimestampOutcome {
  for (const cert of chain) {
    if (now < cert.notBefore) return { ok: false, code: 'notation-certificate-expired', message: `certificate "${cert.subject}" is not valid before ${iso(cert.notBefore)}` };
    if (now > cert.notAfter) {
      return { ok: false, code: 'notation-certificate-expired', message: `certificate "${cert.subject}" expired at ${iso(cert.notAfter)}, and no trusted timestamp proves the signature was made before that` };
    }
  }
  return { ok: true, timeAuthenticated: false };
}

export async function checkAuthenticTimestamp(content: EnvelopeContent, inputs: TimestampInputs): Promise<TimestampOutcome> {
  const chain = content.certificates;
  if (content.signed.signingScheme === 'notary.x509.signingAuthority') {
    const at = content.signed.signingTime;
    const outside = chain.find((c) => at < c.notBefore || at > c.notAfter);
    if (outside) return { ok: false, code: 'notation-certificate-expired', message: `certificate "${outside.subject}" was not valid at the authentic signing time ${iso(at)}` };
    return { ok: true, timeAuthenticated: true };
  }
  // "Timestamp Countersignature Verification details": the conditions that trigger verification.
  let perform = inputs.tsaConfigured;
  if (perform && inputs.verifyTimestamp === 'afterCertExpiry') perform = chain.some((c) => inputs.now > c.notAfter);
  if (!perform) return validNow(chain, inputs.now);

  if (!content.timestampToken || content.timestampToken.length === 0) {
    return { ok: false, code: 'notation-timestamp-invalid', message: 'the trust policy requires a timestamp, but the signature has no timestamp countersignature' };
  }
  let stamp: VerifiedTimestamp;
  try {
    stamp = verifyTimestampToken(content.timestampToken, content.signature, inputs.tsaRoots(), inputs.maxCertificates);
  } catch (e) {
    return { ok: false, code: 'notation-timestamp-invalid', message: `timestamp: ${(e as Error).message}` };
  }
  for (const cert of chain) {
    if (stamp.lower < cert.notBefore) return { ok: false, code: 'notation-certificate-expired', message: `the timestamp (${iso(stamp.genTime)}) may be before certificate "${cert.subject}" became valid (${iso(cert.notBefore)})` };
    if (stamp.upper > cert.notAfter) return { ok: false, code: 'notation-certificate-expired', message: `the signature was timestamped at ${iso(stamp.genTime)}, after certificate "${cert.subject}" expired (${iso(cert.notAfter)})` };
  }
  // The TSA chain's revocation is always enforced once the timestamp is verified.
  const revocation = await checkChainRevocation(stamp.chain, { ...inputs.revocation, authenticSigningTime: undefined });
  if (revocation.status === 'revoked') return { ok: false, code: 'notation-timestamp-invalid', message: `the timestamping certificate "${revocation.subject}" is revoked` };
  if (revocation.status === 'unknown') {
    const why = revocation.certificates.flatMap((c) => c.problems).join('; ');
    return { ok: false, code: 'notation-revocation-unknown', message: `the revocation status of timestamping certificate "${revocation.subject}" is unknown (${why})` };
  }
  return { ok: true, timeAuthenticated: true, timestamp: stamp };
}

