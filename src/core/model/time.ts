/** One day in milliseconds: expiry windows and "in N days" are counted in these. */
export const DAY_MS = 86_400_000;

/** The UTC day of an instant, e.g. `2029-01-02`. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
