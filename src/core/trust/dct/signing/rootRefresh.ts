/**
 * Re-signing root before it expires, as notary's `Publish` does (`client/client.go`
 * `signRootIfNecessary`, `client/helpers.go` `nearExpiry`; protocol doc §9.1): when root expires
 * within six months and this client holds a root key, every publish also uploads root with
 * version + 1 and a fresh 10-year expiry, signed under the certificate key IDs root lists. Without a
 * root key nothing changes (notary would fail the publish; we leave root to its owner).
 */
import { parseExpiry } from '../tuf/expires';
import type { Plan } from './plan';
import { canSign, roleKeys, type RepoState } from './repoState';
import { bumped } from './targetsEdit';

/** notary `nearExpiry`: `expires` is before now + 6 months (calendar months, as Go's `AddDate`). */
export function rootNearExpiry(expires: string, now: Date): boolean {
  const limit = new Date(now.getTime());
  limit.setUTCMonth(limit.getUTCMonth() + 6);
  const parsed = parseExpiry(expires);
  return parsed !== undefined && parsed.epochMs < limit.getTime();
}

/** `plan` plus a re-signed root first, when root is near expiry and a root key is held. */
export function withRootRefresh<P extends Plan>(plan: P, state: RepoState, held: ReadonlySet<string>, now: Date): P {
  if (plan.updates.some((u) => u.role === 'root')) return plan;
  if (!rootNearExpiry(state.root.expires, now) || !canSign(roleKeys('root', state.root, undefined), held)) return plan;
  const root = bumped(state.root, 'root', now);
  return { ...plan, root, updates: [{ role: 'root', doc: root }, ...plan.updates], notes: [...plan.notes, 'root was near expiry and has been re-signed'] };
}
