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
  | 'skipped';

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
  reason?: string;
  /** Why a skipped value was not checked, e.g. buildkit's reason for refusing it. */
  message?: string;
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
