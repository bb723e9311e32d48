/**
 * Revoking a tag as `docker trust revoke IMAGE:TAG` does (`cmd/docker-trust/trust/revoke.go`
 * `revokeSingleSig`; protocol doc §6.10): the tag must be released (in `targets/releases` or
 * `targets`); it is removed from every role docker would sign it into (`GetSignableRoles`). Unlike
 * notary, which re-signs every signable role whose file exists, only roles that hold the tag get a
 * new version.
 */
import { pathAllowed } from '../tuf/delegations';
import { RELEASES_ROLE } from '../tuf/roleNames';
import type { TargetsDoc } from './goShapes';
import { planOf, type Plan, type PlannedRole } from './plan';
import { canSign, delegationBase, directChildren, roleKeys, type RepoState } from './repoState';
import { SigningError } from './signingErrors';
import { bumped, withoutTarget } from './targetsEdit';

function holds(doc: TargetsDoc | undefined, tag: string): boolean {
  return !!doc?.targets && Object.hasOwn(doc.targets, tag);
}

/** The plan and the roles the tag leaves. */
export interface RevokePlan extends Plan {
  /** e.g. `['targets/releases', 'targets/alice']`. */
  readonly revokedRoles: readonly string[];
}

/** Plans removing `tag` from every role of `state` that holds it and that a key in `held` can sign. */
export function planRevokeTag(state: RepoState, tag: string, held: ReadonlySet<string>, now: Date): RevokePlan {
  const released = holds(state.delegations.get(RELEASES_ROLE), tag) || holds(state.targets, tag);
  if (!released) throw new SigningError('no-such-target', `no signed tag ${tag} in ${state.gun}`);
  const children = directChildren(state.targets);
  let signable: string[];
  if (children.length === 0) {
    signable = canSign(roleKeys('targets', state.root, undefined), held) ? ['targets'] : [];
  } else {
    signable = children.filter((role) => {
      const spec = state.targets.delegations.roles?.find((r) => r.name === role);
      return !!spec && pathAllowed(tag, spec.paths ?? []) && canSign(roleKeys(role, state.root, state.targets), held);
    });
  }
  if (signable.length === 0) throw new SigningError('no-signing-key', `no valid signing keys to revoke ${tag} in ${state.gun}`);
  const updates: PlannedRole[] = [];
  let targets = state.targets;
  for (const role of signable) {
    if (role === 'targets') {
      if (!holds(targets, tag)) continue;
      targets = bumped(withoutTarget(targets, tag), 'targets', now);
      updates.unshift({ role, doc: targets });
      continue;
    }
    const doc = delegationBase(state, role, now);
    if (!holds(doc, tag)) continue;
    updates.push({ role, doc: bumped(withoutTarget(doc, tag), role, now) });
  }
  if (updates.length === 0) throw new SigningError('no-signing-key', `${tag} is held only by roles this client cannot sign in ${state.gun}`);
  return { ...planOf(state, targets, updates), revokedRoles: updates.map((u) => u.role) };
}
