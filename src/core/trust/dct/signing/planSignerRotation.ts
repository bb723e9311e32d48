/**
 * Rotating a signer's key: `targets/<name>` and `targets/releases` list the new key instead of the
 * signer's old ones (as `signer remove` then `signer add` would, in one new version of `targets.json`,
 * which the repository key signs). A delegation file that only the old keys carried to its threshold
 * stops verifying: it is re-signed, same content and a new version, when the new private key is held;
 * otherwise its tags are reported, and the caller decides whether to go on.
 */
import { canonicalKeyId, type TufPublicKey } from '../tuf/keys';
import { RELEASES_ROLE } from '../tuf/roleNames';
import type { TargetsDoc } from './goShapes';
import { planOf, type Plan, type PlannedRole } from './plan';
import { canSign, delegationBase, directChildren, roleKeys, type RepoState } from './repoState';
import { SigningError, validateSignerName } from './signingErrors';
import { bumped, withDelegationKeys, withoutDelegationKeys } from './targetsEdit';

/** Tags of a delegation whose file would stop verifying. */
export interface StopsVerifying {
  /** e.g. `targets/releases` */
  readonly role: string;
  /** e.g. `['v1', 'v2']`, sorted */
  readonly tags: readonly string[];
}

/** A signer rotation plan. */
export interface SignerRotationPlan extends Plan {
  /** The signer's key IDs before. */
  readonly oldKeyIds: readonly string[];
  /** Delegation files re-signed with the new key, e.g. `['targets/alice', 'targets/releases']`. */
  readonly resigned: readonly string[];
  /** What stops verifying because the new key is not held to re-sign it (empty when nothing does). */
  readonly stopsVerifying: readonly StopsVerifying[];
}

/**
 * Plans replacing signer `name`'s keys with `newKey` in `state`. Needs the repository key
 * (`no-signing-key`); `no-such-signer` when `name` is not a signer; `invalid-key` when it already
 * signs with exactly that key.
 */
export function planRotateSigner(state: RepoState, name: string, newKey: TufPublicKey, held: ReadonlySet<string>, now: Date): SignerRotationPlan {
  validateSignerName(name);
  const role = `targets/${name}`;
  const spec = state.targets.delegations.roles?.find((r) => r.name === role);
  if (!spec || !directChildren(state.targets).includes(role)) throw new SigningError('no-such-signer', `no signer ${name} for repository ${state.gun}`);
  if (!canSign(roleKeys('targets', state.root, undefined), held)) {
    throw new SigningError('no-signing-key', `cannot rotate the key of signer ${name} in ${state.gun}: the repository (targets) key is not held`);
  }
  const oldKeyIds = [...(spec.keyids ?? [])];
  if (oldKeyIds.length === 1 && oldKeyIds[0] === newKey.id) throw new SigningError('invalid-key', `signer ${name} already signs ${state.gun} with key ${newKey.id}`);
  if (spec.threshold > 1) {
    throw new SigningError('invalid-key', `signer ${name} needs ${spec.threshold} signatures per file in ${state.gun}; one new key cannot replace its keys`);
  }
  // Old keys another signer also uses stay in targets/releases for that signer.
  const shared = new Set(directChildren(state.targets)
    .filter((r) => r !== role && r !== RELEASES_ROLE)
    .flatMap((r) => state.targets.delegations.roles?.find((d) => d.name === r)?.keyids ?? []));
  const releasesHadOld = !!state.targets.delegations.roles?.find((r) => r.name === RELEASES_ROLE)?.keyids?.some((id) => oldKeyIds.includes(id));
  let targets = withDelegationKeys(withoutDelegationKeys(state.targets, role, oldKeyIds), role, [newKey], []);
  if (releasesHadOld) {
    targets = withoutDelegationKeys(targets, RELEASES_ROLE, oldKeyIds.filter((id) => !shared.has(id)));
    targets = withDelegationKeys(targets, RELEASES_ROLE, [newKey], []);
  }
  targets = bumped(targets, 'targets', now);

  const newKeyHeld = held.has(canonicalKeyId(newKey) ?? newKey.id);
  const updates: PlannedRole[] = [{ role: 'targets', doc: targets }];
  const resigned: string[] = [];
  const stopsVerifying: StopsVerifying[] = [];
  for (const affected of releasesHadOld ? [RELEASES_ROLE, role] : [role]) {
    const tags = breaks(state, targets, affected);
    if (!tags) continue;
    if (newKeyHeld) {
      updates.push({ role: affected, doc: bumped(delegationBase(state, affected, now), affected, now) });
      resigned.push(affected);
    } else {
      stopsVerifying.push({ role: affected, tags });
    }
  }
  return { ...planOf(state, targets, updates), oldKeyIds, resigned, stopsVerifying };
}

/**
 * The tags of `role`'s verified file when its valid signatures no longer reach its threshold under
 * the keys `targets` gives it; undefined when it keeps verifying (or has no verified file).
 */
function breaks(state: RepoState, targets: TargetsDoc, role: string): string[] | undefined {
  const verified = state.data.delegations.find((d) => d.name === role);
  if (!verified) return undefined;
  const spec = targets.delegations.roles?.find((r) => r.name === role);
  const kept = verified.signedBy.filter((id) => spec?.keyids?.includes(id));
  if (spec && kept.length >= spec.threshold) return undefined;
  return Object.keys(verified.targets).sort();
}
