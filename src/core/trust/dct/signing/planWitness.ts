/**
 * `notary witness ROLE…`: re-signs roles without changing them, so that a role nearing its expiry
 * (or a delegation already expired, whose signatures still verify) gets a new version and a fresh
 * expiry. notary stages it as a change of type "witness" and, on publish, bumps the version and the
 * expiry of each role named (`witnessTargets`). `targets` needs the repository key; a delegation, one
 * of its own keys. Root is renewed by rotating its key, `snapshot` and `timestamp` by publishing.
 */
import { isDelegationRole, RELEASES_ROLE } from '../tuf/roleNames';
import { planOf, type Plan, type PlannedRole } from './plan';
import { canSign, roleKeys, type RepoState } from './repoState';
import { SigningError } from './signingErrors';
import { bumped } from './targetsEdit';
import type { TargetsDoc } from './goShapes';

/** Roles `witness` re-signs: `targets` and its delegations. */
export function witnessableRole(role: string): boolean {
  return role === 'targets' || isDelegationRole(role);
}

/** Why a role cannot be witnessed, in words, with what renews it instead; undefined when it can be. */
export function notWitnessable(role: string, gun: string): string | undefined {
  if (witnessableRole(role)) return undefined;
  switch (role) {
    case 'root':
      return `root is renewed by rotating the root key: trustlens key rotate ${gun} root`;
    case 'snapshot':
      return 'snapshot is re-signed by every publish (by the trust server when it holds the snapshot key)';
    case 'timestamp':
      return 'timestamp is re-signed by the trust server';
    default:
      return `"${role}" is not a role: name targets or a delegation such as ${RELEASES_ROLE}`;
  }
}

/** The current document of a delegation: verified, or expired (its signatures verified). */
function delegationDoc(state: RepoState, role: string): TargetsDoc {
  const verified = state.delegations.get(role);
  if (verified) return verified;
  const ignored = state.ignored.get(role);
  if (ignored?.code === 'expired') return ignored.doc;
  if (ignored) throw new SigningError('untrusted-data', `${role} of ${state.gun} does not meet its signature threshold: it is not trusted, so it cannot be re-signed as it is`);
  throw new SigningError('no-such-signer', `${state.gun} has no role ${role}`);
}

/** The parent document that declares `role`, after the roles witnessed before it in the same plan. */
function parentDoc(state: RepoState, role: string, planned: ReadonlyMap<string, TargetsDoc>): TargetsDoc | undefined {
  const parent = role.slice(0, role.lastIndexOf('/'));
  if (parent === 'targets') return planned.get('targets') ?? state.targets;
  return planned.get(parent) ?? state.delegations.get(parent) ?? state.ignored.get(parent)?.doc;
}

/** A plan that re-signs each of `roles` (version + 1, fresh expiry), parents first. */
export function planWitness(state: RepoState, roles: readonly string[], held: ReadonlySet<string>, now: Date): Plan {
  const wanted = [...new Set(roles)].sort((a, b) => a.split('/').length - b.split('/').length);
  if (wanted.length === 0) throw new SigningError('no-such-signer', 'name at least one role to re-sign');
  const planned = new Map<string, TargetsDoc>();
  const updates: PlannedRole[] = [];
  for (const role of wanted) {
    const refused = notWitnessable(role, state.gun);
    if (refused) throw new SigningError('no-such-signer', `cannot re-sign ${role}: ${refused}`);
    const current = role === 'targets' ? state.targets : delegationDoc(state, role);
    const keys = role === 'targets' ? roleKeys('targets', state.root, undefined) : roleKeys(role, state.root, parentDoc(state, role, planned));
    if (!canSign(keys, held)) {
      const whose = role === 'targets' ? 'the repository (targets) key' : `a key of ${role}`;
      throw new SigningError('no-signing-key', `cannot re-sign ${role} of ${state.gun}: ${whose} is not held`);
    }
    const doc = bumped(current, role, now);
    planned.set(role, doc);
    updates.push({ role, doc });
  }
  return planOf(state, planned.get('targets') ?? state.targets, updates);
}
