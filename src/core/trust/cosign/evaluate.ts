/**
 * Turns what discovery found and what each signature came to into the verdict for one image:
 * - `signed`: a signature verifies and a rule trusts its key or identity;
 * - `unverifiable`: no trusted signature, and at least one could not be decided (no Sigstore root);
 * - `invalid`: no trusted signature, and at least one is broken, or the registry lists signatures it
 *   does not deliver, or one verifies but no rule trusts its signer (finding `untrusted-signer`);
 * - `unsigned`: no cosign signature at all.
 * Nothing that failed is hidden: a trusted image still lists the broken signatures beside it, as warnings.
 */
import type { Severity } from '../../model/findings';
import type { CosignFinding, CosignCheckResult, CosignFindingCode, CosignStatus, Expiry, SignerEvidence, TrustSignerFix } from './cosignResult';
import { COSIGN_DEFAULT_SEVERITY } from './cosignResult';
import type { Discovery } from './discovery';
import { describeKey } from './publicKeys';
import { caCertificateRenewal, signingCertificateRenewal } from './renewal';
import type { SignatureOutcome, VerifiedSigner } from './verifySignature';
import { DAY_MS } from '../../model/time';

/** Findings of one kind beyond this many are summarised in one more. */
const MAX_FINDINGS_PER_CODE = 5;

/** What evaluation needs to know besides the evidence. */
export interface EvaluateOptions {
  /** The repository as users write it in rules, e.g. `registry.example.com/team/app`. */
  readonly repository: string;
  readonly registry: string;
  /** Whether any rule trusts anyone for this image (else `untrusted-signer` is only a warning). */
  readonly policyTrustsAnyone: boolean;
  readonly now: Date;
  readonly expiryWarningDays: number;
  /** Severity overrides per code. */
  readonly severity?: Partial<Record<CosignFindingCode, Severity>>;
  readonly digest: string;
  readonly platformDigest: string | null;
}

/** The verdict from the evidence. */
export function evaluateCosign(discovery: Discovery, outcomes: readonly SignatureOutcome[], o: EvaluateOptions): CosignCheckResult {
  const severity = (code: CosignFindingCode): Severity => o.severity?.[code] ?? (code === 'untrusted-signer' && !o.policyTrustsAnyone ? 'warning' : COSIGN_DEFAULT_SEVERITY[code]);
  const findings: CosignFinding[] = [];
  const add = (code: CosignFindingCode, message: string, fix?: TrustSignerFix): void => {
    findings.push({ code, severity: severity(code), message, ...(fix ? { fix } : {}) });
  };
  const signers: SignerEvidence[] = [];
  const verified = outcomes.filter((x): x is Extract<SignatureOutcome, { kind: 'verified' }> => x.kind === 'verified');
  for (const v of verified) signers.push(evidence(v.signer, v.trusted, v.location));
  const trusted = verified.filter((v) => v.trusted);
  const expires = trusted.flatMap((v) => expiriesOf(v.signer, o.repository, o.digest)).sort((a, b) => a.expires.localeCompare(b.expires));

  const broken = [...discovery.problems.map((p) => p.message), ...outcomes.flatMap((x) => (x.kind === 'invalid' ? [x.reason] : []))];
  const undecided = outcomes.filter((x) => x.kind === 'unverifiable');
  const unknownKeys = outcomes.filter((x) => x.kind === 'unknown-key');
  const untrusted = verified.filter((v) => !v.trusted);

  let status: CosignStatus;
  if (trusted.length > 0) status = 'signed';
  else if (undecided.length > 0) status = 'unverifiable';
  else if (broken.length > 0 || untrusted.length > 0 || unknownKeys.length > 0) status = 'invalid';
  else status = 'unsigned';

  if (status === 'unsigned') {
    const attestations = outcomes.length > 0 ? ` (only ${outcomes.length} attestation${outcomes.length === 1 ? '' : 's'} of other types)` : '';
    add('no-signature', `no cosign signature for ${o.digest}${attestations}`);
  }
  // Beside a trusted signature, broken ones are shown but do not fail the image: anyone who can push
  // to the registry can add a broken signature, and that must not undo a good one.
  const brokenFinding = (message: string): void => {
    if (status === 'signed' && o.severity?.['invalid-signature'] === undefined) findings.push({ code: 'invalid-signature', severity: 'warning', message });
    else add('invalid-signature', message);
  };
  limited(broken, (reason) => brokenFinding(`invalid cosign signature: ${reason}`), (rest) => brokenFinding(`${rest} more invalid cosign signatures`));
  for (const u of undecided) add('unverifiable', u.reason);
  if (status !== 'signed') {
    for (const v of untrusted) add('untrusted-signer', untrustedMessage(v.signer), fixFor(v.signer, o.repository));
    limited(unknownKeys.map((k) => k.reason), (reason) => add('untrusted-signer', reason), (rest) => add('untrusted-signer', `${rest} more signatures by keys no rule trusts`));
  }
  const soonest = expires[0];
  if (status === 'signed' && soonest && Date.parse(soonest.expires) - o.now.getTime() < o.expiryWarningDays * DAY_MS) {
    const days = Math.max(0, Math.floor((Date.parse(soonest.expires) - o.now.getTime()) / DAY_MS));
    add('expiring-soon', `the ${soonest.what} expires on ${soonest.expires.slice(0, 10)} (in ${days} day${days === 1 ? '' : 's'})`);
  }
  return {
    scheme: 'cosign',
    status,
    findings,
    signedDigest: status === 'signed' ? o.digest : null,
    digest: o.digest,
    platformDigest: o.platformDigest,
    signers,
    expires,
    source: { registry: o.registry, repository: o.repository, referrers: discovery.referrersSource },
  };
}

/** The result when the evidence could not be gathered (transport failure, unreadable policy file). */
export function unverifiableResult(message: string, o: Pick<EvaluateOptions, 'registry' | 'repository' | 'severity'> & { digest: string | null; platformDigest: string | null }): CosignCheckResult {
  return {
    scheme: 'cosign',
    status: 'unverifiable',
    findings: [{ code: 'unverifiable', severity: o.severity?.unverifiable ?? COSIGN_DEFAULT_SEVERITY.unverifiable, message }],
    signedDigest: null,
    digest: o.digest,
    platformDigest: o.platformDigest,
    signers: [],
    expires: [],
    source: { registry: o.registry, repository: o.repository, referrers: 'unknown' },
  };
}

/**
 * `signed by <identity> via <issuer>; no rule in .trustlens.yaml trusts this identity`, with the issuer
 * shown by its host, e.g. `via token.actions.githubusercontent.com`.
 */
export function untrustedMessage(signer: VerifiedSigner): string {
  if (signer.kind === 'key') return `signed by ${describeKey(signer.key)}; no rule in .trustlens.yaml trusts this key`;
  const issuer = signer.identity.issuer === undefined ? 'an unknown issuer' : issuerHost(signer.identity.issuer);
  return `signed by ${signer.identity.subject ?? 'an unnamed signer'} via ${issuer}; no rule in .trustlens.yaml trusts this identity`;
}

function issuerHost(issuer: string): string {
  try {
    const url = new URL(issuer);
    return url.pathname === '/' || url.pathname === '' ? url.host : `${url.host}${url.pathname}`;
  } catch {
    return issuer;
  }
}

function fixFor(signer: VerifiedSigner, repository: string): TrustSignerFix | undefined {
  if (signer.kind !== 'certificate' || signer.identity.subject === undefined || signer.identity.issuer === undefined) return undefined;
  return { repository, issuer: signer.identity.issuer, subject: signer.identity.subject, ...(signer.ca ? { ca: signer.ca } : {}) };
}

function evidence(signer: VerifiedSigner, trusted: boolean, location: { source: 'sig-tag' | 'referrer'; manifestDigest: string }): SignerEvidence {
  const rekor = signer.tlog[0];
  const common = {
    trusted,
    location: { source: location.source, manifestDigest: location.manifestDigest },
    ...(rekor ? { rekor: { logIndex: rekor.logIndex, ...(rekor.integratedTime ? { integratedTime: rekor.integratedTime } : {}) } } : {}),
  };
  if (signer.kind === 'key') {
    return { kind: 'key', name: describeKey({ ...signer.key, source: undefined }), keyId: signer.key.id, ...(signer.key.source ? { keySource: signer.key.source } : {}), ...common };
  }
  const id = signer.identity;
  return {
    kind: 'certificate',
    name: id.subject ?? 'an unnamed signer',
    ...(id.subject !== undefined ? { identity: id.subject } : {}),
    ...(id.issuer !== undefined ? { issuer: id.issuer } : {}),
    certificate: { notBefore: id.notBefore.toISOString(), notAfter: id.notAfter.toISOString(), authority: signer.authority },
    ...common,
  };
}

// Only certificates checked at the time of use expire for the verdict; keyless ones are timestamped.
function expiriesOf(signer: VerifiedSigner, image: string, digest: string): Expiry[] {
  if (signer.kind !== 'certificate' || signer.authority !== 'ca') return [];
  const own: Expiry = { what: `certificate of ${signer.identity.subject ?? 'the signer'}`, expires: signer.identity.notAfter.toISOString(), ...signingCertificateRenewal(image, digest) };
  const roots = (signer.caRoots ?? []).map((root): Expiry => ({ what: `CA certificate of ${(signer.ca ?? []).join(', ') || 'the policy'}`, expires: root.notAfter.toISOString(), ...caCertificateRenewal() }));
  return [own, ...roots];
}

function limited(items: readonly string[], each: (item: string) => void, rest: (count: number) => void): void {
  items.slice(0, MAX_FINDINGS_PER_CODE).forEach(each);
  if (items.length > MAX_FINDINGS_PER_CODE) rest(items.length - MAX_FINDINGS_PER_CODE);
}
