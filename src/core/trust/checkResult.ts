import type { ImageOccurrence, SkippedOccurrence } from '../model/occurrence';
import { locationJson, referenceJson, type ReferenceJson } from '../model/serialize';
import type { Finding } from '../model/findings';
import type { Verdict } from './verdict';

/** The verdict for one reference. */
export type TrustStatus =
  | 'signed'
  | 'unsigned'
  | 'not-released'
  | 'no-trust-data'
  | 'expired'
  | 'invalid'
  | 'digest-mismatch'
  | 'unverifiable'
  | 'untrusted-signer'
  | 'not-verified'
  | 'skipped';

/** Who made a signature, as far as its scheme establishes it. */
export interface SignerEvidence {
  /** What to show: a signer's name (`alice`), a certificate identity, or a key's description. */
  readonly name: string;
  /** IDs of the keys that may sign for it, as its scheme's tools print them. */
  readonly keyIds: readonly string[];
  /** Where in the scheme it signed, e.g. the role `targets/alice`. */
  readonly role?: string;
  /** A certificate's identity (SAN) and issuer, for schemes that sign with certificates. */
  readonly identity?: string;
  readonly issuer?: string;
  /** False for a signature that verifies but that no rule trusts (shown, never counted as signed). */
  readonly trusted?: boolean;
  /** The signing certificate's validity, ISO times. */
  readonly validity?: { readonly notBefore: string; readonly notAfter: string };
  /** The transparency log entry that recorded the signature, when there is one. */
  readonly logEntry?: { readonly index: number; readonly integratedTime?: string };
}

/** Statuses that say a scheme has no evidence either way: nothing signed there, or no answer. */
export const NO_EVIDENCE: ReadonlySet<TrustStatus> = new Set(['unsigned', 'no-trust-data', 'not-released', 'unverifiable', 'not-verified', 'skipped']);

/** An expiry that matters for the verdict, and what it belongs to. */
export interface ExpiryEvidence {
  /** e.g. `targets/releases`, `certificate of release@example.com` */
  readonly what: string;
  /** ISO time. */
  readonly expires: string;
  /** Who renews it, in words, e.g. `signer alice, by signing the tag again`. */
  readonly renewedBy?: string;
  /** The command line that renews it, when one does, e.g. `trustlens sign registry.example.com/app:v1 --signer alice`. */
  readonly renewCommand?: string;
}

/** What a scheme verified against. */
export interface TrustSource {
  readonly kind: 'trust-server' | 'registry';
  /** e.g. `https://127.0.0.1:4443` for a trust server, `127.0.0.1:5000/team/app` for a registry. */
  readonly url: string;
}

/**
 * One signing scheme's evidence about a reference: what a backend returns for it, and one entry of a
 * result's `signatures`. Every field is backend-neutral; nothing outside a backend needs to know how
 * its scheme reached it.
 */
export interface SignatureResult {
  /** The signing scheme, e.g. `dct`. */
  readonly scheme: string;
  readonly status: TrustStatus;
  /** The digest a trusted signature covers, or null. */
  readonly signedDigest: string | null;
  /** Who signed the signed digest. */
  readonly signers: readonly SignerEvidence[];
  /** Every expiry the verdict depends on, earliest first. */
  readonly expires: readonly ExpiryEvidence[];
  readonly findings: readonly Finding[];
  /** What the evidence was verified against, when anything was asked. */
  readonly source: TrustSource | null;
  /** Where within the scheme the signature was found, e.g. the role `targets/releases`, when it says. */
  readonly role?: string | null;
  /** The signers the policy requires, and those of them that have not signed, when it requires any. */
  readonly requiredSigners?: readonly string[];
  readonly missingSigners?: readonly string[];
}

/** The verdict for one reference, with what a person needs to act on it. */
export interface CheckResult {
  /** The reference checked; for a skipped value, the value that was not checked. */
  target: { kind: 'reference'; occurrence: ImageOccurrence } | { kind: 'skipped'; skipped: SkippedOccurrence };
  status: TrustStatus;
  /** What a gate does with it: `fail` on an error finding, `warn` on a warning, else `pass` (see `verdictOf`). */
  verdict: Verdict;
  /** `sha256:<hex>` signed for the tag in a released role, or null. */
  signedDigest: string | null;
  /** The role the signed tag came from: `targets/releases` or `targets`, or a signer's role when not released. */
  role: string | null;
  /** Signer names (without `targets/`) of every delegation that signed the same digest. */
  signers: string[];
  /** ISO time of the earliest expiry among the roles used, or null. */
  expires: string | null;
  findings: Finding[];
  /** The trust server consulted, e.g. `https://127.0.0.1:4443`, when one was. */
  trustServer?: string;
  /** The signers the policy requires for this reference, e.g. `['ci', 'qa']`, when it requires any. */
  requiredSigners?: string[];
  /** Those of {@link requiredSigners} that have not signed the released digest, e.g. `['qa']`. */
  missingSigners?: string[];
  /** Each scheme's evidence, in the order the backends were given; absent or empty when none checked it. */
  signatures?: readonly SignatureResult[];
  /** The scheme whose evidence gives the verdict (its status, digest and signers), when one checked it. */
  scheme?: string;
}

/** A result before its verdict is taken from its findings (what a backend's evaluation returns). */
export type EvaluatedResult = Omit<CheckResult, 'verdict'>;

/** The public JSON shape of a check result: every `refs` field plus the verdict. */
export interface CheckResultJson extends Omit<ReferenceJson, 'kind' | 'reference' | 'repository' | 'tag' | 'digest'> {
  /** Where the value is written; `file` for a file that could not be read. */
  kind: ReferenceJson['kind'] | 'file';
  reference: string | null;
  repository: string | null;
  tag: string | null;
  digest: string | null;
  status: TrustStatus;
  verdict: Verdict;
  signedDigest: string | null;
  role: string | null;
  signers: string[];
  expires: string | null;
  findings: Finding[];
  trustServer: string | null;
  /** One entry per signing scheme that checked the reference. */
  signatures: SignatureJson[];
  reason?: string;
  /** Why a skipped value was not checked, e.g. buildkit's reason for refusing it. */
  message?: string;
}

/** The public JSON shape of one scheme's evidence. */
export interface SignatureJson {
  scheme: string;
  status: TrustStatus;
  signedDigest: string | null;
  signers: { name: string; keyIds: string[]; role?: string; identity?: string; issuer?: string; trusted?: boolean; validity?: SignerEvidence['validity']; logEntry?: SignerEvidence['logEntry'] }[];
  expires: ExpiryEvidence[];
  findings: Finding[];
  source: TrustSource | null;
}

function signatureJson(s: SignatureResult): SignatureJson {
  return {
    scheme: s.scheme,
    status: s.status,
    signedDigest: s.signedDigest,
    signers: s.signers.map((g) => ({ ...g, keyIds: [...g.keyIds] })),
    expires: s.expires.map((e) => ({
      what: e.what,
      expires: e.expires,
      ...(e.renewedBy !== undefined ? { renewedBy: e.renewedBy } : {}),
      ...(e.renewCommand !== undefined ? { renewCommand: e.renewCommand } : {}),
    })),
    findings: [...s.findings],
    source: s.source,
  };
}

export function checkResultJson(result: CheckResult): CheckResultJson {
  const verdict = {
    status: result.status,
    verdict: result.verdict,
    signedDigest: result.signedDigest,
    role: result.role,
    signers: result.signers,
    expires: result.expires,
    findings: result.findings,
    trustServer: result.trustServer ?? null,
    signatures: (result.signatures ?? []).map(signatureJson),
  };
  if (result.target.kind === 'reference') return { ...referenceJson(result.target.occurrence), ...verdict };
  const s = result.target.skipped;
  return {
    file: s.file,
    ...locationJson(s.range),
    kind: s.kind,
    text: s.text,
    reference: null,
    repository: null,
    tag: null,
    digest: null,
    platform: null,
    stage: null,
    ...verdict,
    reason: s.reason,
    message: s.message,
  };
}
