/**
 * Every expiry the checked images depend on, once each, with the images that depend on it: what a
 * scheduled job watches so that a signature is renewed before it runs out.
 */
import { DAY_MS } from '../model/time';
import type { CheckResult, ExpiryEvidence } from '../trust/checkResult';

/** One expiry, and every image reference that depends on it. */
export interface TimelineEntry {
  /** The evidence as the scheme gave it (the first one seen, when several results share it). */
  readonly evidence: ExpiryEvidence;
  /** Epoch milliseconds; NaN when the scheme's time cannot be read. */
  readonly at: number;
  /** The scheme whose evidence it is, e.g. `dct`. */
  readonly scheme: string;
  /** The repository it belongs to, e.g. `127.0.0.1:5000/team/app`. */
  readonly repository: string;
  /** The references that depend on it, as written, each once, in result order. */
  readonly images: readonly string[];
}

/** Where the timeline looks: every expiry up to `days` from `now` (those already past included). */
export interface TimelineWindow {
  /** Epoch milliseconds. */
  readonly now: number;
  readonly days: number;
}

/**
 * The expiries of every signature of every result that fall within the window, sorted by time (an
 * unreadable time first: it cannot be shown to be safe). The same expiry of the same repository and
 * scheme is one entry however many references and files depend on it.
 */
export function expiryTimeline(results: readonly CheckResult[], window: TimelineWindow): TimelineEntry[] {
  const end = window.now + window.days * DAY_MS;
  const entries = new Map<string, { evidence: ExpiryEvidence; at: number; scheme: string; repository: string; images: Set<string> }>();
  for (const result of results) {
    if (result.target.kind !== 'reference') continue;
    const { ref, text } = result.target.occurrence;
    for (const signature of result.signatures ?? []) {
      for (const evidence of signature.expires) {
        const at = Date.parse(evidence.expires);
        if (at > end) continue;
        const key = JSON.stringify([signature.scheme, ref.repository, evidence.what, evidence.expires]);
        let entry = entries.get(key);
        if (!entry) entries.set(key, (entry = { evidence, at, scheme: signature.scheme, repository: ref.repository, images: new Set() }));
        entry.images.add(text);
      }
    }
  }
  return [...entries.values()]
    .map((e) => ({ ...e, images: [...e.images] }))
    .sort((a, b) => (Number.isNaN(a.at) ? -Infinity : a.at) - (Number.isNaN(b.at) ? -Infinity : b.at));
}
