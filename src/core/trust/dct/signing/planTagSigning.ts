/**
 * Signing a tag as `docker trust sign` does (`cmd/docker-trust/trust/sign.go`,
 * `internal/trust/trust.go` `GetSignableRoles`, `image.AddTargetToAllSignableRoles`; protocol doc
 * §6.7): with no delegations the tag goes into `targets`; otherwise into every direct child of
 * `targets` whose paths allow the tag and for which a private key is held. For a named signer only
 * `targets/releases` and `targets/<signer>` are considered, and a signer without a delegation gets
 * one first (as docker's first `trust sign` on a new repository), which needs the repository key.
 */
import type { TufPublicKey } from '../tuf/keys';
import { pathAllowed } from '../tuf/delegations';
import { RELEASES_ROLE } from '../tuf/roleNames';
import type { FileMetaDoc } from './goShapes';
import { planOf, type Plan, type PlannedRole } from './plan';
import { canSign, delegationBase, directChildren, roleKeys, type RepoState } from './repoState';
import { SigningError, whoCanSign } from './signingErrors';
import { bumped, withDelegationKeys, withTarget } from './targetsEdit';

/** What to sign. */
export interface SignIntent {
  /** The tag, e.g. `v1`. */
  readonly tag: string;
  /** The target, e.g. from {@link dockerTarget}. */
  readonly target: FileMetaDoc;
  /** Sign as this signer (`targets/<name>` + `targets/releases`); its public key, held privately. */
  readonly signer?: { readonly name: string; readonly key: TufPublicKey };
}

/** The plan and the roles the tag goes into. */
export interface SignPlan extends Plan {
  /** e.g. `['targets/releases', 'targets/alice']` or `['targets']`. */
  readonly signedRoles: readonly string[];
}

/** Plans signing `intent.tag` on `state` with the keys in `held` (canonical key IDs). */
export function planSignTag(state: RepoState, intent: SignIntent, held: ReadonlySet<string>, now: Date): SignPlan {
  let targets = state.targets;
  let targetsChanged = false;
  let candidates: string[];
  const notes: string[] = [];
  if (intent.signer) {
    const role = `targets/${intent.signer.name}`;
    if (!directChildren(targets).includes(role)) {
      if (!canSign(roleKeys('targets', state.root, undefined), held)) {
        throw new SigningError('no-signing-key',
          `signer ${intent.signer.name} has no delegation in ${state.gun}, and the repository key needed to add one is not held`, { whoCanSign: whoCanSign(state.data) });
      }
      targets = withDelegationKeys(targets, role, [intent.signer.key], ['']);
      targets = withDelegationKeys(targets, RELEASES_ROLE, [intent.signer.key], ['']);
      targetsChanged = true;
      notes.push(`created signer ${intent.signer.name}`);
    }
    candidates = [RELEASES_ROLE, role];
  } else {
    candidates = directChildren(targets);
  }
  let signable: string[];
  if (candidates.length === 0) {
    if (!canSign(roleKeys('targets', state.root, undefined), held)) {
      throw new SigningError('no-signing-key', `could not find signing keys for ${state.gun}: the repository key is not held`, { whoCanSign: whoCanSign(state.data) });
    }
    signable = ['targets'];
  } else {
    signable = candidates.filter((role) => {
      const spec = targets.delegations.roles?.find((r) => r.name === role);
      return !!spec && pathAllowed(intent.tag, spec.paths ?? []) && canSign(roleKeys(role, state.root, targets), held);
    });
  }
  if (intent.signer && !signable.includes(`targets/${intent.signer.name}`)) {
    throw new SigningError('no-signing-key', `no held key can sign targets/${intent.signer.name} in ${state.gun} for tag ${intent.tag}`, { whoCanSign: whoCanSign(state.data) });
  }
  if (signable.length === 0) throw new SigningError('no-signing-key', `no valid signing keys for delegation roles of ${state.gun}`, { whoCanSign: whoCanSign(state.data) });
  if (!signable.includes('targets') && !signable.includes(RELEASES_ROLE)) {
    notes.push(`${intent.tag} is signed only in ${signable.join(', ')}: docker will not trust it until targets/releases holds it`);
  }

  const updates: PlannedRole[] = [];
  for (const role of signable) {
    if (role === 'targets') {
      targets = withTarget(targets, intent.tag, intent.target);
      targetsChanged = true;
      continue;
    }
    updates.push({ role, doc: bumped(withTarget(delegationBase(state, role, now), intent.tag, intent.target), role, now) });
  }
  if (targetsChanged) {
    targets = bumped(targets, 'targets', now);
    updates.unshift({ role: 'targets', doc: targets });
  }
  return { ...planOf(state, targets, updates, { notes }), signedRoles: signable };
}

/** Whether every role in `roles` of the verified data holds `tag` with sha256 `hex`. */
export function tagSignedIn(state: RepoState, roles: readonly string[], tag: string, sha256Hex: string): boolean {
  return roles.every((role) => {
    const verified = role === 'targets' ? state.data.targets : state.data.delegations.find((d) => d.name === role);
    const target = verified && Object.hasOwn(verified.targets, tag) ? verified.targets[tag] : undefined;
    return target?.sha256 === sha256Hex;
  });
}

