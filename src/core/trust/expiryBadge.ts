/**
 * An expiry as the editor shows it: a day, the days left, and whether it falls within the warning
 * window. Backend-neutral: roles, certificates and keys all expire alike.
 */
import { DAY_MS, utcDay } from '../model/time';

export { utcDay };

/** How close an expiry is: beyond the warning window, within it, or past. */
export type ExpiryState = 'ok' | 'soon' | 'expired';

/** An expiry as a badge, e.g. `expires 2029-01-02`. */
export interface ExpiryBadge {
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  /** UTC day, e.g. `2029-01-02`. */
  readonly day: string;
  /** Whole days left, rounded up; 0 or less once expired. */
  readonly daysLeft: number;
  readonly state: ExpiryState;
  /** e.g. `expires 2029-01-02` or `expired 2024-05-01`. */
  readonly text: string;
}

/**
 * The badge of an expiry: `soon` when it falls within `warningDays` of `now` (the window the
 * `expiring-soon` finding uses), `expired` when it has passed.
 */
export function expiryBadge(expiresAt: number, now: number, warningDays: number): ExpiryBadge {
  const left = expiresAt - now;
  const day = utcDay(expiresAt);
  const state: ExpiryState = left <= 0 ? 'expired' : left < warningDays * DAY_MS ? 'soon' : 'ok';
  return { expiresAt, day, daysLeft: Math.ceil(left / DAY_MS), state, text: state === 'expired' ? `expired ${day}` : `expires ${day}` };
}

/** A badge as a line of text, e.g. `expires 2029-01-02 (in 12 days)`. */
export function badgeText(badge: ExpiryBadge): string {
  if (badge.state === 'expired') return `${badge.text} (${-badge.daysLeft} days ago)`;
  return badge.state === 'soon' ? `${badge.text} (in ${badge.daysLeft} days)` : badge.text;
}
