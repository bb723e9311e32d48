/**
 * The `expires` field: parsed the way Go's `time.Time.UnmarshalJSON` reads RFC 3339, and compared
 * the way notary's `signed.IsExpired` does (no tolerance; protocol doc §2.4, §9.1).
 */
import type { Clock } from '../../../ports';

/** A parsed `expires`, e.g. `{ text: '2029-01-01T00:00:00Z', epochMs: 1861920000000 }`. */
export interface Expiry {
  /** The timestamp exactly as written in the metadata. */
  readonly text: string;
  /** Milliseconds since the epoch, rounded down (digits beyond milliseconds are dropped). */
  readonly epochMs: number;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an RFC 3339 timestamp with optional fractional seconds and a `Z` or `±hh:mm` offset,
 * e.g. `2116-07-01T16:31:40.497193534-05:00`. Returns `undefined` when Go would refuse it.
 */
export function parseExpiry(text: string): Expiry | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(9, '0').slice(0, 3));
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return { text, epochMs: date.getTime() - offsetMinutes * 60_000 };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * notary `signed.IsExpired`: expired when `expires` is strictly before now. Exact despite the dropped
 * sub-millisecond digits, because the clock itself has whole milliseconds.
 */
export function isExpired(expiry: Expiry, clock: Clock): boolean {
  return expiry.epochMs < clock.now().getTime();
}
