/**
 * Rotating a base role's key as `notary key rotate GUN ROLE [-r]` does (`client/client.go`
 * `RotateKey`, `checkRotationInput`; `tuf/tuf.go` `ReplaceBaseKeys`, `SignRoot`): root gets a new
 * version listing only the new key for the role; the role whose key changed is re-signed with it
 * (`targets` here; a client-held snapshot is re-signed by the signing step; the server re-signs a
 * snapshot or timestamp it holds). A new root is signed by the old root keys as well as the new ones,
 * so clients that pinned the old root follow it. Everything goes up in one upload.
 */
import type { TufPublicKey } from '../tuf/keys';
import type { RootDoc } from './goShapes';
import { planOf, type Plan } from './plan';
import { canSign, roleKeys, type RepoState } from './repoState';
import { SigningError } from './signingErrors';
import { bumped, keyDocOf } from './targetsEdit';

/** The roles whose keys rotate: every base role. */
export const ROTATABLE_ROLES = ['root', 'targets', 'snapshot', 'timestamp'] as const;
export type RotatableRole = (typeof ROTATABLE_ROLES)[number];

/**
 * notary `checkRotationInput`: the server may hold only the snapshot and timestamp keys, the client
 * only the root, targets and snapshot keys. Throws `invalid-key` with notary's wording otherwise.
 */
export function checkRotationInput(role: string, serverManaged: boolean): asserts role is RotatableRole {
  if (!(ROTATABLE_ROLES as readonly string[]).includes(role)) {
    throw new SigningError('invalid-key', `cannot rotate the ${role} key: the roles whose keys rotate are ${ROTATABLE_ROLES.join(', ')} (a signer's key rotates with signer rotate)`);
  }
  if (serverManaged && role !== 'snapshot' && role !== 'timestamp') {
    throw new SigningError('invalid-key', `the server cannot manage the ${role} key: only the snapshot and timestamp keys can be server-managed`);
  }
  if (!serverManaged && role === 'timestamp') {
    throw new SigningError('invalid-key', 'the timestamp key is always held by the server: rotate it with --server-managed');
  }
}

/**
 * notary `ReplaceBaseKeys`: the role lists only `keys` (appended in order); keys no other role lists
 * any more leave `keys`, except old root keys, which notary keeps (their certificates stay in root).
 */
export function replaceBaseKeys(root: RootDoc, role: RotatableRole, keys: readonly TufPublicKey[]): RootDoc {
  const out = structuredClone(root);
  const roles = out.roles ?? {};
  const spec = roles[role];
  if (!spec) throw new SigningError('untrusted-data', `root has no ${role} role`);
  const removed = new Set(spec.keyids ?? []);
  for (const [name, other] of Object.entries(roles)) {
    if (name === role) continue;
    for (const id of other?.keyids ?? []) removed.delete(id);
  }
  const allKeys = out.keys ?? {};
  if (role !== 'root') for (const id of removed) delete allKeys[id];
  for (const key of keys) allKeys[key.id] = keyDocOf(key);
  roles[role] = { keyids: keys.map((k) => k.id), threshold: spec.threshold };
  out.roles = roles;
  out.keys = allKeys;
  return out;
}

/** A rotation plan, with the key IDs it replaces. */
export interface RotationPlan extends Plan {
  readonly role: RotatableRole;
  /** The key IDs the role listed before, as root listed them. */
  readonly replacedKeyIds: readonly string[];
}

/**
 * Plans the rotation of `role` to `keys` on verified `state`. Needs a held root key (`no-signing-key`
 * otherwise): the new root must be signed by the current root keys.
 */
export function planRotateKey(state: RepoState, role: RotatableRole, keys: readonly TufPublicKey[], held: ReadonlySet<string>, now: Date): RotationPlan {
  if (keys.length === 0) throw new SigningError('invalid-key', `rotating the ${role} key of ${state.gun} needs a new key`);
  if (!canSign(roleKeys('root', state.root, undefined), held)) {
    throw new SigningError('no-signing-key', `cannot rotate the ${role} key of ${state.gun}: its root key is not held`);
  }
  const replacedKeyIds = [...(state.root.roles?.[role]?.keyids ?? [])];
  const root = bumped(replaceBaseKeys(state.root, role, keys), 'root', now);
  const targets = role === 'targets' ? bumped(state.targets, 'targets', now) : state.targets;
  const updates = role === 'targets' ? [{ role: 'root', doc: root }, { role: 'targets', doc: targets }] : [{ role: 'root', doc: root }];
  return { ...planOf(state, targets, updates), root, role, replacedKeyIds };
}

/** Whether `root` lists exactly `keyIds` for `role` (the rotation is in place). */
export function listsOnly(root: RootDoc, role: string, keyIds: readonly string[]): boolean {
  const listed = root.roles?.[role]?.keyids ?? [];
  return listed.length === keyIds.length && keyIds.every((id) => listed.includes(id));
}
