/**
 * Expiry of newly signed metadata. notary's client and server both call
 * `SetDefaultExpiryTimes(NotaryDefaultExpiries)` (`client/client.go`, `server/server.go`): root 10
 * years, targets and every delegation 3 years, snapshot 3 years, timestamp 14 days, with
 * `notary.Year` = 365 days. Every re-signature sets `expires = now + default` (protocol doc §1.8).
 */
import { DAY_MS } from '../../../model/time';

const YEAR_DAYS = 365;

/** Default lifetime in days per role; every delegation uses the `targets` value. */
export const NOTARY_DEFAULT_EXPIRY_DAYS = {
  root: 10 * YEAR_DAYS,
  targets: 3 * YEAR_DAYS,
  snapshot: 3 * YEAR_DAYS,
  timestamp: 14,
} as const;

/** Days a newly signed version of `role` lives, e.g. `1095` for `targets/releases`. */
export function expiryDays(role: string): number {
  if (role === 'root' || role === 'snapshot' || role === 'timestamp') return NOTARY_DEFAULT_EXPIRY_DAYS[role];
  return NOTARY_DEFAULT_EXPIRY_DAYS.targets;
}

/**
 * `time` as Go writes a UTC `time.Time` with whole seconds: `YYYY-MM-DDTHH:MM:SSZ`. `toISOString()`
 * would add `.000`, which Go trims, so the bytes would differ after notary re-serialises them (§2.4).
 */
export function formatGoUtc(time: Date): string {
  const whole = new Date(Math.floor(time.getTime() / 1000) * 1000);
  return whole.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `expires` for a version of `role` signed at `now`, e.g. `2029-01-01T12:00:00Z`. */
export function expiresFor(role: string, now: Date): string {
  return formatGoUtc(new Date(now.getTime() + expiryDays(role) * DAY_MS));
}
