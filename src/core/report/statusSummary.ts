/**
 * Verdicts in words: what a person reads at a glance (the status bar, the text report's summary, the
 * hover's headline, the Signers view). Each leads with the verdict, and a signed tag that the policy
 * fails never reads or counts as "signed".
 */
import type { CheckResult, TrustStatus } from '../trust/checkResult';
import { FINDING_DOCS, type FindingCode } from '../model/findings';
import { VERDICT_ORDER, glanceStatus, worstVerdict, type GlanceStatus, type Verdict } from '../trust/verdict';
import { signedSchemes } from './schemes';

/** Statuses in the order a summary lists them: good news first, then what needs acting on. */
export const STATUS_ORDER: readonly TrustStatus[] = [
  'signed',
  'unsigned',
  'not-released',
  'no-trust-data',
  'digest-mismatch',
  'expired',
  'invalid',
  'untrusted-signer',
  'unverifiable',
  'not-verified',
  'skipped',
];

/** {@link STATUS_ORDER} with signed tags the policy fails right after the signed ones. */
export const GLANCE_ORDER: readonly GlanceStatus[] = ['signed', 'policy-not-met', ...STATUS_ORDER.slice(1)];

/** A status as a count's noun, e.g. `3 signed`, `1 not released`. */
export const STATUS_SHORT: Readonly<Record<TrustStatus, string>> = {
  signed: 'signed',
  unsigned: 'unsigned',
  'not-released': 'not released',
  'no-trust-data': 'no trust data',
  'digest-mismatch': 'digest mismatch',
  expired: 'expired',
  invalid: 'invalid',
  unverifiable: 'unverifiable',
  'untrusted-signer': 'untrusted signer',
  'not-verified': 'not verified by policy',
  skipped: 'not checked',
};

/** A glance status as a count's noun, e.g. `1 policy not met`. */
export const GLANCE_SHORT: Readonly<Record<GlanceStatus, string>> = { ...STATUS_SHORT, 'policy-not-met': 'policy not met' };

/** A status as the verdict a person reads first. */
export const STATUS_WORDS: Readonly<Record<TrustStatus, string>> = {
  signed: 'Signed',
  unsigned: 'Not signed',
  'not-released': 'Not released: signed only in a signer\'s own role, so docker does not trust it',
  'no-trust-data': 'Not signed: the repository has no trust data',
  'digest-mismatch': 'Signed, but the pinned digest is not the signed one',
  expired: 'Not trusted: the trust data has expired',
  invalid: 'Not trusted: the trust data failed verification',
  unverifiable: 'Unknown: the trust data could not be checked',
  'untrusted-signer': 'Not trusted: signed, but by a signer no policy trusts',
  'not-verified': 'Not verified by policy: the trust policy skips signature verification',
  skipped: 'Not checked: ignored by policy',
};

/** Headlines for the findings of schemes that keep signatures beside the image. */
const SIGNATURE_HEADLINES: Readonly<Partial<Record<FindingCode, string>>> = {
  'untrusted-signer': 'Not trusted: signed by a signer no rule trusts',
  'invalid-signature': 'Not trusted: the signature failed verification',
  'no-signature': 'Not signed',
};

/** A verdict as the word a summary opens with. */
export const VERDICT_WORDS: Readonly<Record<Verdict, string>> = { pass: 'Pass', warn: 'Warn', fail: 'Fail' };

/** `a`, `a and b`, `a, b and c`. */
function andList(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * The sentence a result is summed up in, e.g. `Not signed` or `Signed, but the policy requires ci and
 * qa; qa has not signed`. `name` formats the signer names (which come from the policy file), e.g. to
 * escape them for Markdown; the rest of the sentence is this module's own text.
 */
export function headline(result: CheckResult, name: (signer: string) => string = (n) => n): string {
  if (result.status === 'invalid' || result.status === 'unsigned') {
    // Signature schemes without trust data say what is wrong with their signatures instead.
    const first = result.findings.find((f) => (f.severity === 'error' || f.severity === 'warning') && SIGNATURE_HEADLINES[f.code] !== undefined);
    if (first) return SIGNATURE_HEADLINES[first.code]!;
  }
  if (glanceStatus(result) !== 'policy-not-met') return STATUS_WORDS[result.status];
  const missing = result.missingSigners ?? [];
  if (missing.length > 0 && result.findings.some((f) => f.code === 'missing-required-signer' && f.severity !== 'ignore')) {
    const required = result.requiredSigners ?? missing;
    return `Signed, but the policy requires ${andList(required.map(name))}; ${andList(missing.map(name))} ${missing.length === 1 ? 'has' : 'have'} not signed`;
  }
  const failing = result.findings.find((f) => f.severity === 'error') ?? result.findings.find((f) => f.severity === 'warning');
  const title = failing ? FINDING_DOCS[failing.code].title : 'a finding';
  return `Signed, but the policy fails it: ${title.charAt(0).toLowerCase()}${title.slice(1)}`;
}

/** `Fail — Signed, but …`: the verdict first, then the headline. */
export function verdictHeadline(result: CheckResult, name?: (signer: string) => string): string {
  return `${VERDICT_WORDS[result.verdict]} — ${headline(result, name)}`;
}

/** Counts per verdict, worst first, e.g. `2 fail · 3 pass`. */
export function verdictCounts(counts: Readonly<Partial<Record<Verdict, number>>>): string {
  return VERDICT_ORDER.filter((v) => counts[v]).map((v) => `${counts[v]} ${v}`).join(' · ');
}

/** What the status bar shows for one document's verdicts. */
export interface StatusSummary {
  /** References per glance status (skipped values that are not images are left out). */
  readonly counts: Readonly<Partial<Record<GlanceStatus, number>>>;
  /** References per verdict. */
  readonly verdicts: Readonly<Partial<Record<Verdict, number>>>;
  /** The worst verdict (`pass` when there are no references). */
  readonly verdict: Verdict;
  /** How many references were counted. */
  readonly total: number;
  /** e.g. `Fail — 3 signed · 1 policy not met`, or `no images` */
  readonly text: string;
  /** One line per glance status, e.g. `3 signed`, for a tooltip. */
  readonly lines: readonly string[];
  /** Signed references per scheme that signed them, e.g. `{ dct: 2, cosign: 1 }` (one signed by both counts for each). */
  readonly signedBy: Readonly<Record<string, number>>;
}

/** Counts a document's verdicts per glance status and per verdict. Pure. */
export function statusSummary(results: readonly CheckResult[]): StatusSummary {
  const counts: Partial<Record<GlanceStatus, number>> = {};
  const verdicts: Partial<Record<Verdict, number>> = {};
  const signedBy: Record<string, number> = {};
  let total = 0;
  for (const r of results) {
    if (r.target.kind !== 'reference') continue;
    const glance = glanceStatus(r);
    // Only what reads as signed counts, under every scheme whose trusted signature it has.
    if (glance === 'signed') for (const scheme of signedSchemes(r)) signedBy[scheme] = (signedBy[scheme] ?? 0) + 1;
    counts[glance] = (counts[glance] ?? 0) + 1;
    verdicts[r.verdict] = (verdicts[r.verdict] ?? 0) + 1;
    total += 1;
  }
  const verdict = worstVerdict(Object.keys(verdicts) as Verdict[]);
  const lines = GLANCE_ORDER.filter((s) => counts[s]).map((s) => `${counts[s]} ${GLANCE_SHORT[s]}`);
  return { counts, verdicts, verdict, total, text: lines.length > 0 ? `${VERDICT_WORDS[verdict]} — ${lines.join(' · ')}` : 'no images', lines, signedBy };
}
