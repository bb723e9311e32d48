/** Verdicts in words: the status bar's count per status, and the sentence a hover opens with. */
import type { CheckResult, TrustStatus } from '../trust/checkResult';

/** Statuses in the order a summary lists them: good news first, then what needs acting on. */
export const STATUS_ORDER: readonly TrustStatus[] = [
  'signed',
  'unsigned',
  'not-released',
  'no-trust-data',
  'digest-mismatch',
  'expired',
  'invalid',
  'unverifiable',
  'skipped',
];

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
  skipped: 'not checked',
};

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
  skipped: 'Not checked: ignored by policy',
};

/** What the status bar shows for one document's verdicts. */
export interface StatusSummary {
  /** References per status (skipped values that are not images are left out). */
  readonly counts: Readonly<Partial<Record<TrustStatus, number>>>;
  /** How many references were counted. */
  readonly total: number;
  /** e.g. `3 signed · 1 unsigned`, or `no images` */
  readonly text: string;
  /** One line per status, e.g. `3 signed`, for a tooltip. */
  readonly lines: readonly string[];
}

/** Counts a document's verdicts per status. Pure. */
export function statusSummary(results: readonly CheckResult[]): StatusSummary {
  const counts: Partial<Record<TrustStatus, number>> = {};
  let total = 0;
  for (const r of results) {
    if (r.target.kind !== 'reference') continue;
    counts[r.status] = (counts[r.status] ?? 0) + 1;
    total += 1;
  }
  const lines = STATUS_ORDER.filter((s) => counts[s]).map((s) => `${counts[s]} ${STATUS_SHORT[s]}`);
  return { counts, total, text: lines.length > 0 ? lines.join(' · ') : 'no images', lines };
}
