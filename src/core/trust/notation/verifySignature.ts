/**
 * One signature through notation's validations in notation-go's order: integrity, authenticity
 * (trust store, then trusted identity), expiry, authentic timestamp, revocation. Each failure is a
 * finding at the severity its policy action gives (enforce → error, log → warning); an enforced
 * failure stops, as notation stops at the first critical failure. The status says what is true of the
 * signature even when the failure was only logged, so a logged failure is never shown as `signed`.
 */
import { checkAuthenticity, trustSignerFix } from './authenticity';
import { checkAuthenticTimestamp } from './authenticTimestamp';
import type { NotationCertificate } from './certificate';
import { EnvelopeError, PluginRequiredError, type EnvelopeContent } from './envelope';
import type { NotationFinding, NotationFindingCode } from './findings';
import { verifyIntegrity } from './integrity';
import type { EffectiveNotationPolicy } from './policy';
import type { NotationSignatureResult, NotationStatus } from './result';
import { checkChainRevocation } from './revocation/chainRevocation';
import type { RevocationContext } from './revocation/context';
import type { OciDescriptor } from './source';
import type { ValidationAction, ValidationType } from './trustPolicy';
import type { TrustStore } from './trustStore';

/** Everything one signature's verification needs besides its bytes. */
export interface SignatureContext {
  repository: string;
  target: OciDescriptor;
  /** Undefined when no trust policy applies to the repository: nothing is trusted then. */
  policy: EffectiveNotationPolicy | undefined;
  /** The policy's stores, read on first need (throws when one cannot be read). */
  stores: () => TrustStore[];
  now: number;
  maxChainLength: number;
  revocation: RevocationContext;
}

const STATUS_OF: Readonly<Partial<Record<NotationFindingCode, NotationStatus>>> = {
  'notation-invalid': 'invalid',
  'untrusted-signer': 'untrusted-signer',
  'notation-expired': 'expired',
  'notation-certificate-expired': 'expired',
  'notation-timestamp-invalid': 'invalid',
  'notation-revoked': 'invalid',
  'notation-revocation-unknown': 'unverifiable',
  'notation-policy-invalid': 'unverifiable',
  unverifiable: 'unverifiable',
};
/** When several failures were logged, the status names the worst. */
const STATUS_RANK: readonly NotationStatus[] = ['invalid', 'untrusted-signer', 'expired', 'unverifiable'];

const iso = (ms: number): string => new Date(ms).toISOString();

/** The status of a signature from its findings. */
export function statusOf(findings: readonly NotationFinding[]): NotationStatus {
  const statuses = findings.map((f) => STATUS_OF[f.code]).filter((s): s is NotationStatus => s !== undefined);
  return STATUS_RANK.find((s) => statuses.includes(s)) ?? 'signed';
}

/** Verifies one signature envelope. Never throws for what the envelope or the network does. */
export async function verifySignature(manifestDigest: string, envelopeMediaType: string, envelope: Uint8Array, ctx: SignatureContext): Promise<NotationSignatureResult> {
  const result: NotationSignatureResult = { manifestDigest, envelopeMediaType, status: 'invalid', findings: [], timeAuthenticated: false, revocation: 'not-checked' };
  if (ctx.policy) result.policy = ctx.policy.name;
  const actions: Readonly<Record<ValidationType, ValidationAction>> = ctx.policy?.level.actions ?? {
    integrity: 'enforce', authenticity: 'enforce', authenticTimestamp: 'enforce', expiry: 'enforce', revocation: 'enforce',
  };
  const finish = (): NotationSignatureResult => ({ ...result, status: statusOf(result.findings) });
  /** Records a failure; true when it is enforced and verification must stop. */
  const fail = (type: ValidationType, code: NotationFindingCode, message: string, extra: Partial<NotationFinding> = {}): boolean => {
    // Without any applicable policy nothing is enforced by notation's rules, but nothing is trusted either.
    const enforced = actions[type] === 'enforce';
    const severity = ctx.policy ? (enforced ? 'error' : 'warning') : code === 'untrusted-signer' ? 'warning' : 'error';
    result.findings.push({ code, severity, message, ...extra });
    return enforced;
  };

  let content: EnvelopeContent;
  try {
    content = await verifyIntegrity(envelopeMediaType, envelope, ctx.target, ctx.maxChainLength);
  } catch (e) {
    if (e instanceof PluginRequiredError) fail('integrity', 'unverifiable', e.message);
    else if (e instanceof EnvelopeError) fail('integrity', 'notation-invalid', `signature ${manifestDigest}: ${e.message}`);
    else throw e;
    return finish();
  }
  const leaf = content.certificates[0] as NotationCertificate;
  const root = content.certificates[content.certificates.length - 1] as NotationCertificate;
  result.signer = {
    subject: leaf.subject,
    issuer: leaf.issuer,
    rootSubject: root.subject,
    thumbprints: content.certificates.map((c) => c.thumbprint),
    notBefore: iso(leaf.notBefore),
    notAfter: iso(leaf.notAfter),
  };
  result.signingScheme = content.signed.signingScheme;
  result.signingTime = iso(content.signed.signingTime);
  if (content.signed.expiry !== undefined) result.expiry = iso(content.signed.expiry);

  // Authenticity: trust store, then trusted identities.
  let stores: TrustStore[] = [];
  if (ctx.policy) {
    try {
      stores = ctx.stores();
    } catch (e) {
      if (fail('authenticity', 'notation-policy-invalid', (e as Error).message)) return finish();
    }
  }
  const authenticity = ctx.policy
    ? checkAuthenticity(content, stores, ctx.policy.trustedIdentities, ctx.policy.name)
    : { ok: false as const, message: `signed by "${leaf.subject}" (CA "${root.subject}"), but no Notation trust policy or .trustlens.yaml rule applies to ${ctx.repository}` };
  const trusted = authenticity.ok;
  if (!authenticity.ok && fail('authenticity', 'untrusted-signer', authenticity.message, { trustSigner: trustSignerFix(content, ctx.repository) })) return finish();
  if (!ctx.policy) return finish();

  // Expiry: expired when now ≥ expiry (signature-specification.md, "Expiry").
  if (content.signed.expiry !== undefined && ctx.now >= content.signed.expiry) {
    if (fail('expiry', 'notation-expired', `the signature by "${leaf.subject}" expired at ${iso(content.signed.expiry)}`)) return finish();
  }

  const stamp = await checkAuthenticTimestamp(content, {
    now: ctx.now,
    verifyTimestamp: ctx.policy.verifyTimestamp,
    tsaConfigured: ctx.policy.trustStores.some((s) => s.type === 'tsa'),
    tsaRoots: () => stores.filter((s) => s.type === 'tsa').flatMap((s) => s.certificates),
    maxCertificates: ctx.maxChainLength,
    revocation: ctx.revocation,
  });
  if (stamp.ok) {
    result.timeAuthenticated = stamp.timeAuthenticated;
    if (stamp.timestamp) {
      result.timestamp = iso(stamp.timestamp.genTime);
      result.timestampAuthority = (stamp.timestamp.chain[0] as NotationCertificate).subject;
    }
  } else if (fail('authenticTimestamp', stamp.code, stamp.message)) {
    return finish();
  }

  // Revocation of the signing chain; an untrusted chain's revocation servers are not contacted.
  if (actions.revocation !== 'skip' && trusted) {
    const authenticSigningTime = content.signed.signingScheme === 'notary.x509.signingAuthority' ? content.signed.signingTime : undefined;
    const revocation = await checkChainRevocation(content.certificates, { ...ctx.revocation, authenticSigningTime });
    result.revocation = revocation.status;
    if (revocation.status === 'revoked') {
      if (fail('revocation', 'notation-revoked', `certificate "${revocation.subject}" of the signing chain is revoked`)) return finish();
    } else if (revocation.status === 'unknown') {
      const why = revocation.certificates.flatMap((c) => c.problems).join('; ');
      if (fail('revocation', 'notation-revocation-unknown', `the revocation status of certificate "${revocation.subject}" is unknown (${why})`)) return finish();
    }
  }
  return finish();
}
