/**
 * A publish plan: the new versions of the roles a change touches, computed purely from verified
 * state. Signing, uploading and verifying happen elsewhere; planning can be re-run on fresher state
 * after a version conflict without losing anything.
 */
import type { RootDoc, TargetsDoc } from './goShapes';
import type { RepoState } from './repoState';

/** A new version of one role, already bumped (version + 1, fresh expiry). */
export interface PlannedRole {
  /** `root`, `targets` or a delegation such as `targets/releases`. */
  readonly role: string;
  readonly doc: RootDoc | TargetsDoc;
}

/** What one publish uploads. */
export interface Plan {
  readonly gun: string;
  /** Root as it is after the change (new on init), for looking up who signs base roles. */
  readonly root: RootDoc;
  /** `targets` as it is after the change, for looking up who signs its delegations. */
  readonly targets: TargetsDoc;
  /** New versions in upload order: root, targets, then delegations. */
  readonly updates: readonly PlannedRole[];
  /** Delegations deleted by this change (dropped from a client-signed snapshot, as notary does). */
  readonly deletedRoles: readonly string[];
  /** Remarks for the user, e.g. that a tag will not be released. */
  readonly notes: readonly string[];
}

/** A plan that keeps `state` and updates the given roles. */
export function planOf(
  state: RepoState,
  targets: TargetsDoc,
  updates: readonly PlannedRole[],
  extra: { deletedRoles?: readonly string[]; notes?: readonly string[] } = {},
): Plan {
  return { gun: state.gun, root: state.root, targets, updates, deletedRoles: extra.deletedRoles ?? [], notes: extra.notes ?? [] };
}

