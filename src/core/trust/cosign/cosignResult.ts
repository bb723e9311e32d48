/**
 * The result of checking one image for cosign signatures, in backend-neutral terms: a status, findings,
 * the signed digest, who signed, each expiry that matters and what it belongs to, and the registry the
 * evidence came from. Finding codes are cosign's own, defined here with their severities and help text.
 */
import type { Severity } from '../../model/findings';

/** The verdict. `invalid` also covers signatures that verify but that no rule trusts (see `untrusted-signer`). */
export type CosignStatus = 'signed' | 'unsigned' | 'invalid' | 'unverifiable';

export const COSIGN_FINDING_CODES = ['no-signature', 'invalid-signature', 'untrusted-signer', 'unverifiable', 'expiring-soon'] as const;

export type CosignFindingCode = (typeof COSIGN_FINDING_CODES)[number];

/** Default severities: a security gate fails closed. `untrusted-signer` is a warning only while no rule trusts anyone. */
export const COSIGN_DEFAULT_SEVERITY: Readonly<Record<CosignFindingCode, Severity>> = {
  'no-signature': 'error',
  'invalid-signature': 'error',
  'untrusted-signer': 'error',
  unverifiable: 'error',
  'expiring-soon': 'warning',
};

/** Title and explanation per code (SARIF rule text, README). */
export const COSIGN_FINDING_DOCS: Readonly<Record<CosignFindingCode, { title: string; help: string }>> = {
  'no-signature': {
    title: 'No cosign signature',
    help: 'The registry holds no cosign signature for this image digest: no sha256-<hex>.sig tag and no signature referrer. Sign it with cosign (or TrustLens), or use a signed image.',
  },
  'invalid-signature': {
    title: 'cosign signature failed verification',
    help: 'A cosign signature of this digest does not verify: it signs another digest, its payload or signature was changed, its certificate chain, transparency log entry or timestamp is wrong, or the registry lists signatures it does not deliver. Treat the image as untrusted.',
  },
  'untrusted-signer': {
    title: 'Signed by a signer no rule trusts',
    help: 'A cosign signature verifies, but no rule in .trustlens.yaml trusts its key or certificate identity. Add the signer to the rule for this repository (the quick fix "Trust this signer" writes it), or use an image signed by a trusted signer.',
  },
  unverifiable: {
    title: 'cosign signatures could not be checked',
    help: 'The registry could not be reached or refused the request, a file the policy names could not be read, or a keyless signature needs the Sigstore trusted root and none is available (offline, nothing cached). This says nothing about whether the image is signed.',
  },
  'expiring-soon': {
    title: 'Signing certificate expires soon',
    help: 'The signature is trusted through a certificate (or CA) that is checked at the time of use and expires within the warning period. Re-sign the image, or renew the certificate.',
  },
};

/** What a "Trust this signer for <repository>" quick fix writes into the rule's `cosign.identities`. */
export interface TrustSignerFix {
  /** The repository the rule is for, e.g. `registry.example.com/team/app`. */
  readonly repository: string;
  readonly issuer: string;
  readonly subject: string;
  /** The CA files (absolute paths) the certificate was verified under, for a certificate from a CA the policy names. */
  readonly ca?: readonly string[];
}

/** One thing a user should know. */
export interface CosignFinding {
  readonly code: CosignFindingCode;
  readonly severity: Severity;
  readonly message: string;
  /** For `untrusted-signer` on a certificate: what the quick fix writes. */
  readonly fix?: TrustSignerFix;
}

/** Who made one signature, as far as it could be established. */
export interface SignerEvidence {
  /** `key` for a key signature, `certificate` for a certificate (keyless or from a named CA). */
  readonly kind: 'key' | 'certificate';
  /** What to show: the certificate identity (SAN), or `ecdsa-p256 key 7a9f3c1e02d4`. */
  readonly name: string;
  readonly keyId?: string;
  /** The policy's key file that verified it. */
  readonly keySource?: string;
  /** The certificate's SAN and OIDC issuer. */
  readonly identity?: string;
  readonly issuer?: string;
  /** The certificate's validity, ISO times. */
  readonly certificate?: { readonly notBefore: string; readonly notAfter: string; readonly authority: 'sigstore' | 'ca' };
  /** The Rekor entry that logged it, when present and verified. */
  readonly rekor?: { readonly logIndex: number; readonly integratedTime?: string };
  /** Whether a rule trusts it. */
  readonly trusted: boolean;
  /** Where it was found. */
  readonly location: { readonly source: 'sig-tag' | 'referrer'; readonly manifestDigest: string };
}

/** An expiry that matters for the verdict. */
export interface Expiry {
  /** e.g. `certificate of release@example.com`, `CA "Corp Root CA"`. */
  readonly what: string;
  /** ISO time. */
  readonly expires: string;
  /** Who renews it, in words. */
  readonly renewedBy?: string;
  /** The command line that renews it, when one does. */
  readonly renewCommand?: string;
}

/** The cosign verdict for one image reference. */
export interface CosignCheckResult {
  readonly scheme: 'cosign';
  readonly status: CosignStatus;
  readonly findings: readonly CosignFinding[];
  /** The digest that carries a trusted signature, or null. */
  readonly signedDigest: string | null;
  /** The digest the reference resolved to (an index for multi-platform images). */
  readonly digest: string | null;
  /** For an index and a requested platform: that platform's manifest digest, kept apart from `digest`. */
  readonly platformDigest: string | null;
  /** Every signature that verified, trusted or not, in discovery order. */
  readonly signers: readonly SignerEvidence[];
  /** Earliest first. */
  readonly expires: readonly Expiry[];
  /** Where the evidence came from. */
  readonly source: { readonly registry: string; readonly repository: string; readonly referrers: 'api' | 'tag-schema' | 'none' | 'unknown' };
}
