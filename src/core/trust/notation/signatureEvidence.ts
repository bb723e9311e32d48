/**
 * A Notation verdict as the seam's backend-neutral evidence: status, signer (the signing certificate's
 * subject and issuer DNs), expiries and findings, with the policy's severities applied.
 */
import type { Finding, Severity, TrustFix } from '../../model/findings';
import type { EffectivePolicy } from '../../policy/policy';
import type { ExpiryEvidence, SignatureResult, SignerEvidence, TrustStatus } from '../checkResult';
import type { NotationFinding, TrustSignerFix } from './findings';
import { certificateRenewal, signatureRenewal } from './renewal';
import type { NotationCheckResult, NotationSignatureResult, NotationStatus } from './result';

export const NOTATION_SCHEME = 'notation';

const STATUS: Readonly<Record<NotationStatus, TrustStatus>> = {
  signed: 'signed',
  unsigned: 'unsigned',
  invalid: 'invalid',
  expired: 'expired',
  unverifiable: 'unverifiable',
  'untrusted-signer': 'untrusted-signer',
  'not-verified': 'not-verified',
};

/**
 * The rule that trusts an untrusted signer: its CA certificate in a trust store folder beside the
 * policy file (named by the certificate's fingerprint), and its subject as the trusted identity.
 */
export function trustFixOf(fix: TrustSignerFix): TrustFix {
  const folder = `.trustlens/notation/${fix.storeType}/${fix.rootFingerprint.slice(0, 16)}`;
  return {
    signer: `${fix.subject}, whose chain ends at ${fix.rootSubject}`,
    confirm: `SHA-256 fingerprint of ${fix.rootSubject}: ${fix.rootFingerprint}`,
    rule: {
      images: [fix.repository],
      require: [NOTATION_SCHEME],
      notation: {
        trustStores: { [fix.storeType]: [folder] },
        // Without C, ST and O the subject cannot be a trusted identity (trust-store-trust-policy.md); the CA alone then decides.
        trustedIdentities: [fix.trustedIdentity ?? '*'],
      },
    },
    files: [{ path: `${folder}/${fix.rootFingerprint}.pem`, content: fix.rootCertificatePem }],
  };
}

/** A finding under the rule's severities: an error may be turned down (or up) by the policy; what notation only logs stays as it is. */
function finding(f: NotationFinding, severity: Readonly<Record<string, Severity>>): Finding {
  const chosen = f.severity === 'error' ? (severity[f.code] ?? 'error') : f.severity;
  return { code: f.code, severity: chosen, message: f.message, ...(f.trustSigner ? { trust: trustFixOf(f.trustSigner) } : {}) };
}

function signerOf(s: NotationSignatureResult): SignerEvidence | undefined {
  if (!s.signer) return undefined;
  return {
    name: s.signer.subject,
    keyIds: s.signer.thumbprints.slice(0, 1),
    ...(s.signingScheme ? { role: s.signingScheme } : {}),
    identity: s.signer.subject,
    issuer: s.signer.issuer,
  };
}

function expiriesOf(s: NotationSignatureResult | undefined, image: string | undefined, digest: string | null): ExpiryEvidence[] {
  if (!s) return [];
  const out: ExpiryEvidence[] = [];
  if (s.expiry) out.push({ what: 'Notation signature (io.cncf.notary.expiry)', expires: s.expiry, ...signatureRenewal(image, digest) });
  // With a trusted timestamp the certificate may expire without the signature doing so.
  if (s.signer && !s.timeAuthenticated) out.push({ what: `certificate of ${s.signer.subject}`, expires: s.signer.notAfter, ...certificateRenewal(image, digest) });
  return out.sort((a, b) => Date.parse(a.expires) - Date.parse(b.expires));
}

/**
 * The seam's evidence for one Notation verdict. `location` is where the signatures were read; `image`
 * the repository as written (e.g. `registry.example.com/team/app`), for the command that renews them.
 */
export function notationEvidence(result: NotationCheckResult, policy: EffectivePolicy, location: string, image?: string): SignatureResult {
  const best = result.signature;
  const signer = best && (result.status === 'signed' || result.status === 'untrusted-signer') ? signerOf(best) : undefined;
  return {
    scheme: NOTATION_SCHEME,
    status: STATUS[result.status],
    signedDigest: result.signedDigest,
    signers: signer ? [signer] : [],
    expires: result.status === 'signed' ? expiriesOf(best, image, result.signedDigest) : [],
    findings: result.findings.map((f) => finding(f, policy.severity)),
    source: { kind: 'registry', url: location },
    role: best?.signingScheme ?? null,
  };
}
