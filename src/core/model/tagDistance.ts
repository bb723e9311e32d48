/**
 * Ranks tags by how close they are to a current tag, for "switch to a signed tag" pickers:
 * `3.19` ranks `3.19.1` before `3.18`, `3.18` before `4.0`, and `latest` last.
 */

/** A tag read as a version: `v3.19.1-alpine` → numbers `[3, 19, 1]`, suffix `-alpine`. */
interface VersionTag {
  numbers: number[];
  suffix: string;
}

const VERSION_RE = /^[vV]?(\d+(?:\.\d+)*)(.*)$/;

/** Reads a tag as a version, or undefined when it does not start with a number (`edge`, `latest`). */
function asVersion(tag: string): VersionTag | undefined {
  const m = VERSION_RE.exec(tag);
  if (!m) return undefined;
  const numbers = (m[1] as string).split('.').map(Number);
  if (numbers.some((n) => !Number.isSafeInteger(n))) return undefined;
  return { numbers, suffix: m[2] as string };
}

/** How many leading numbers two versions share: `3.19` and `3.19.1` share 2, `3.19` and `3.18` share 1. */
function sharedLeading(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  return i;
}

/** The numeric distance at the first number where two versions differ (a missing number counts as 0). */
function distance(a: readonly number[], b: readonly number[]): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return Math.abs(x - y);
  }
  return 0;
}

// One collator for every comparison: `localeCompare` with options builds one per call, which sorting
// a repository's 10,000 tags turns into most of the time spent.
const natural = new Intl.Collator('en', { numeric: true }).compare;

/** The sort key of one candidate; smaller sorts first. */
function key(tag: string, current: VersionTag | undefined, currentTag: string | null): number[] {
  const latest = tag === 'latest' ? 1 : 0;
  const candidate = asVersion(tag);
  if (!current) {
    // A current tag that is no version: tags that contain it (`bookworm` → `12-bookworm`) first.
    const related = currentTag !== null && tag.includes(currentTag) ? 0 : 1;
    return [latest, tag === currentTag ? 0 : 1, related];
  }
  if (!candidate) return [latest, 1, 0, 0, 0];
  return [
    latest,
    0,
    -sharedLeading(current.numbers, candidate.numbers),
    candidate.suffix === current.suffix ? 0 : 1,
    distance(current.numbers, candidate.numbers),
  ];
}

/**
 * Orders `tags` closest to `current` first: tags sharing more leading version numbers (same major, then
 * same minor) first, then tags with the same suffix (`-alpine`), then by numeric distance at the first
 * number that differs, then in natural order; tags that are no version follow versions, and `latest`
 * is always last. With no current tag (a digest-only reference) the order is natural, `latest` last.
 * Pure; returns a new array without duplicates.
 */
export function rankTagsByCloseness(current: string | null, tags: readonly string[]): string[] {
  const version = current === null ? undefined : asVersion(current);
  const keyed = [...new Set(tags)].map((tag) => ({ tag, key: key(tag, version, current) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < Math.max(a.key.length, b.key.length); i += 1) {
      const d = (a.key[i] ?? 0) - (b.key[i] ?? 0);
      if (d !== 0) return d;
    }
    return natural(a.tag, b.tag);
  });
  return keyed.map((k) => k.tag);
}
