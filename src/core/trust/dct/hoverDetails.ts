/**
 * What a hover shows of a repository's verified Docker Content Trust data: how its root was pinned,
 * when it was verified, and the expiry of every role the verdict depends on.
 */
import { escapeMarkdown, utcMinute } from '../../model/markdown';
import type { CheckResult } from '../checkResult';
import { expiryBadge } from '../expiryBadge';
import { dctRenewal, renewalContext } from './renewal';
import type { HoverDetails, HoverExpiry } from '../trustDetails';
import type { TrustData, VerifiedRole } from './tuf/verifiedData';

/** Verified trust data of the reference's repository, when at hand. */
export interface HoverTrustDetails {
  readonly data: TrustData;
  /** True when the check that produced this data pinned the root for the first time. */
  readonly firstUse: boolean;
  /** ISO time the root was first pinned, when known. */
  readonly pinnedAt: string | undefined;
  /** ISO time of the last verification against the trust server. */
  readonly verifiedAt: string;
  /** The trust pin the root matched, e.g. `trustPinning.certs "127.0.0.1:5000/app"`; absent on trust on first use. */
  readonly rootPin?: string;
}

/** One role's expiry in a hover. */
export type RoleExpiry = HoverExpiry;

const TIMESTAMP = 'timestamp';

/**
 * The roles a verdict depends on, each with its expiry: root, targets, the delegations used (the
 * released role and the signers' roles), snapshot and timestamp. The soonest is marked among all but
 * the timestamp, which the trust server re-signs on every change and keeps short-lived by design.
 * Each says who renews it, and with which command.
 */
export function roleExpiries(result: CheckResult, data: TrustData, now: number, warningDays: number): RoleExpiry[] {
  const used = new Set([result.role, ...result.signers.map((s) => `targets/${s}`)].filter((r): r is string => !!r && r.startsWith('targets/')));
  const delegations = data.delegations.filter((d) => used.has(d.name));
  const roles: VerifiedRole[] = [data.root, data.targets, ...delegations, data.snapshot, data.timestamp];
  let soonest: VerifiedRole | undefined;
  for (const r of roles) if (r.name !== TIMESTAMP && (!soonest || r.expiresAt < soonest.expiresAt)) soonest = r;
  // The check lists the snapshot among the owner's expiries only when the server said it does not hold its key.
  const ownerSnapshot = result.signatures?.some((s) => s.scheme === 'dct' && s.expires.some((e) => e.what === 'snapshot'));
  const context = renewalContext(result, data, ownerSnapshot ? false : undefined);
  return roles.map((r) => ({
    role: r.name,
    badge: expiryBadge(r.expiresAt, now, warningDays),
    soonest: r === soonest,
    ...dctRenewal(r.name, context),
  }));
}

function pinText(d: HoverTrustDetails): string {
  const version = `root version ${d.data.root.version}`;
  if (d.rootPin) return `matches ${escapeMarkdown(d.rootPin)} (${version})`;
  if (d.firstUse) return `pinned on first use just now (trust on first use, ${version}); later roots must be signed by it`;
  if (d.pinnedAt) return `pinned on first use on ${utcMinute(d.pinnedAt)} (trust on first use, ${version}); later roots must be signed by it`;
  return `pinned by an earlier check (${version}); later roots must be signed by it`;
}

/** The hover's facts and expiries from a repository's verified data, for the reference `result`. */
export function dctHoverDetails(result: CheckResult, details: HoverTrustDetails, now: number, warningDays: number): HoverDetails {
  return {
    facts: [`Root: ${pinText(details)}`, `Verified: ${utcMinute(details.verifiedAt)}`],
    expiries: roleExpiries(result, details.data, now, warningDays),
    scheme: 'dct',
  };
}
