/**
 * Adding and removing signers as `docker trust signer add` / `signer remove` do
 * (`cmd/docker-trust/trust/signer_add.go`, `signer_remove.go`; protocol doc §6.8–6.9). Both change
 * only `targets.json`, which the repository ("targets") key signs.
 */
import type { TufPublicKey } from '../tuf/keys';
import { RELEASES_ROLE } from '../tuf/roleNames';
import { planOf, type Plan } from './plan';
import { canSign, directChildren, roleKeys, type RepoState } from './repoState';
import { SigningError, validateSignerName } from './signingErrors';
import { bumped, withDelegationKeys, withoutDelegation, withoutDelegationKeys } from './targetsEdit';

function requireRepositoryKey(state: RepoState, held: ReadonlySet<string>, action: string): void {
  if (!canSign(roleKeys('targets', state.root, undefined), held)) {
    throw new SigningError('no-signing-key', `cannot ${action} in ${state.gun}: the repository (targets) key is not held`);
  }
}

/**
 * `signer add NAME --key K… REPO`: creates or extends `targets/<name>` with the keys (paths `[""]`)
 * and adds the same keys to `targets/releases` (created with paths `[""]`, threshold 1, if needed).
 */
export function planAddSigner(state: RepoState, name: string, keys: readonly TufPublicKey[], held: ReadonlySet<string>, now: Date): Plan {
  validateSignerName(name);
  if (keys.length === 0) throw new SigningError('invalid-key', `signer ${name} needs at least one public key`);
  requireRepositoryKey(state, held, `add signer ${name}`);
  let targets = withDelegationKeys(state.targets, `targets/${name}`, keys, ['']);
  targets = withDelegationKeys(targets, RELEASES_ROLE, keys, ['']);
  targets = bumped(targets, 'targets', now);
  return planOf(state, targets, [{ role: 'targets', doc: targets }]);
}

/** A signer-removal plan and docker's safety check. */
export interface RemoveSignerPlan extends Plan {
  /**
   * docker `isLastSignerForReleases`: removing the signer's keys leaves fewer valid signatures on
   * `targets/releases` than its threshold, so released tags would stop verifying (docker prompts).
   */
  readonly releasesBelowThreshold: boolean;
}

/**
 * `signer remove NAME REPO`: removes the signer's keys from `targets/releases`, deletes
 * `targets/<name>`, and prunes keys no role uses any more.
 */
export function planRemoveSigner(state: RepoState, name: string, held: ReadonlySet<string>, now: Date): RemoveSignerPlan {
  validateSignerName(name);
  const role = `targets/${name}`;
  const spec = state.targets.delegations.roles?.find((r) => r.name === role);
  if (!spec || !directChildren(state.targets).includes(role)) {
    throw new SigningError('no-such-signer', `no signer ${name} for repository ${state.gun}`);
  }
  requireRepositoryKey(state, held, `remove signer ${name}`);
  const signerKeyIds = spec.keyids ?? [];
  let targets = withoutDelegationKeys(state.targets, RELEASES_ROLE, signerKeyIds);
  targets = withoutDelegation(targets, role);
  targets = bumped(targets, 'targets', now);
  return { ...planOf(state, targets, [{ role: 'targets', doc: targets }], { deletedRoles: [role] }), releasesBelowThreshold: leavesReleasesBelowThreshold(state, signerKeyIds) };
}

/**
 * docker counts the signatures on `targets/releases` and subtracts those by the signer's keys. We
 * count valid signatures only; a releases role with none (absent, or already failing) cannot get
 * worse, where docker refuses with "all signed tags are currently revoked".
 */
function leavesReleasesBelowThreshold(state: RepoState, signerKeyIds: readonly string[]): boolean {
  const releases = state.data.delegations.find((d) => d.name === RELEASES_ROLE);
  if (!releases || releases.signedBy.length === 0) return false;
  const remaining = releases.signedBy.filter((id) => !signerKeyIds.includes(id));
  return remaining.length < releases.threshold;
}
