/**
 * Pure edits of Go-shaped targets documents, mirroring notary's repository operations
 * (`tuf/tuf.go` `AddTargets`, `RemoveTargets`, `delegationUpdateVisitor`, `DeleteDelegation`,
 * `SignTargets`; `tuf/data/roles.go` `mergeStrSlices`, `subtractStrSlices`; `tuf/utils`
 * `RemoveUnusedKeys`). Every function returns a new document and leaves its input untouched.
 */
import { keyObjectJson, type TufPublicKey } from '../tuf/keys';
import { expiresFor } from './expiry';
import type { DelegationDoc, FileMetaDoc, KeyDoc, TargetsDoc } from './goShapes';

/** notary `data.NewTargets()`: version 0 (the first signature makes it 1), empty maps and lists. */
export function emptyTargets(now: Date): TargetsDoc {
  return { _type: 'Targets', delegations: { keys: {}, roles: [] }, expires: expiresFor('targets', now), targets: {}, version: 0 };
}

/** A deep copy, so edits never reach the verified input. */
function copy(doc: TargetsDoc): TargetsDoc {
  return structuredClone(doc);
}

/** `"<tag>": {"hashes":{"sha256":…},"length":…}` as docker writes a target (`trust_push.go` `handleTarget`). */
export function dockerTarget(sha256Hex: string, length: number): FileMetaDoc {
  return { hashes: { sha256: Buffer.from(sha256Hex, 'hex').toString('base64') }, length };
}

/** notary `AddTargets`: sets (or replaces) the target. */
export function withTarget(doc: TargetsDoc, name: string, meta: FileMetaDoc): TargetsDoc {
  const out = copy(doc);
  out.targets = Object.fromEntries([...Object.entries(out.targets ?? {}).filter(([k]) => k !== name), [name, structuredClone(meta)]]);
  return out;
}

/** notary `RemoveTargets`: deletes the target if present. */
export function withoutTarget(doc: TargetsDoc, name: string): TargetsDoc {
  const out = copy(doc);
  if (out.targets) out.targets = Object.fromEntries(Object.entries(out.targets).filter(([k]) => k !== name));
  return out;
}

/** notary `SignTargets`: version + 1 and a fresh expiry (3 years). */
export function bumped<T extends { version: number; expires: string }>(doc: T, role: string, now: Date): T {
  return { ...structuredClone(doc), version: doc.version + 1, expires: expiresFor(role, now) };
}

/** The metadata key object of a public key (`private` null). */
export function keyDocOf(key: TufPublicKey): KeyDoc {
  return keyObjectJson(key.keytype, key.public);
}

/** notary `mergeStrSlices`: the original order, then new items not yet present. */
function merge(orig: readonly string[] | null, add: readonly string[]): string[] {
  const out = [...(orig ?? [])];
  for (const item of add) if (!out.includes(item)) out.push(item);
  return out;
}

/** notary `subtractStrSlices`: a nil slice (`null`) when nothing is kept. */
function subtract(orig: readonly string[] | null, remove: readonly string[]): string[] | null {
  const kept = (orig ?? []).filter((item) => !remove.includes(item));
  return kept.length > 0 ? kept : null;
}

/** notary `RemoveUnusedKeys`: drops delegation keys no role lists. */
function pruneUnusedKeys(doc: TargetsDoc): void {
  const used = new Set((doc.delegations.roles ?? []).flatMap((r) => r.keyids ?? []));
  const keys = doc.delegations.keys;
  if (keys) doc.delegations.keys = Object.fromEntries(Object.entries(keys).filter(([id]) => used.has(id)));
}

/**
 * Creates or extends a delegation the way docker's `signer add` does (`AddDelegationRoleAndKeys`
 * then `AddDelegationPaths`): key IDs are appended to an existing role (paths merged), or a new
 * role `{keyids, name, paths, threshold: 1}` is appended to the list; the keys go into
 * `delegations.keys`; unused keys are pruned.
 */
export function withDelegationKeys(doc: TargetsDoc, role: string, keys: readonly TufPublicKey[], paths: readonly string[]): TargetsDoc {
  const out = copy(doc);
  const roles = out.delegations.roles ?? [];
  const ids = keys.map((k) => k.id);
  const index = roles.findIndex((r) => r.name === role);
  const existing = index >= 0 ? (roles[index] as DelegationDoc) : undefined;
  let updated: DelegationDoc;
  if (existing) {
    // notary copies the role, re-subtracts (nothing) from its paths and keys, then appends.
    const kept = subtract(existing.keyids, []);
    updated = { keyids: ids.length > 0 ? merge(kept, ids) : kept, name: role, threshold: existing.threshold };
    const mergedPaths = merge(subtract(existing.paths ?? null, []), paths);
    if (mergedPaths.length > 0) updated.paths = mergedPaths;
  } else {
    updated = { keyids: [...ids], name: role, threshold: 1 };
    if (paths.length > 0) updated.paths = [...paths];
  }
  out.delegations.roles = index >= 0 ? roles.map((r, i) => (i === index ? updated : r)) : [...roles, updated];
  out.delegations.keys = Object.fromEntries([
    ...Object.entries(out.delegations.keys ?? {}).filter(([id]) => !ids.includes(id)),
    ...keys.map((k): [string, KeyDoc] => [k.id, keyDocOf(k)]),
  ]);
  pruneUnusedKeys(out);
  return out;
}

/**
 * docker `signer remove` step one (`RemoveDelegationKeys(targets/releases, ids)`): the IDs leave
 * the role's `keyids` (which become `null` when none is left, as notary's `subtractStrSlices`), and
 * unused keys are pruned. A role that is not declared is left alone.
 */
export function withoutDelegationKeys(doc: TargetsDoc, role: string, keyIds: readonly string[]): TargetsDoc {
  const out = copy(doc);
  const roles = out.delegations.roles;
  if (!roles || !roles.some((r) => r.name === role)) return out;
  out.delegations.roles = roles.map((r) => {
    if (r.name !== role) return r;
    const updated: DelegationDoc = { keyids: subtract(r.keyids, keyIds), name: r.name, threshold: r.threshold };
    const paths = subtract(r.paths ?? null, []);
    if (paths) updated.paths = paths;
    return updated;
  });
  pruneUnusedKeys(out);
  return out;
}

/** notary `DeleteDelegation`: the role leaves the list (order kept) and unused keys are pruned. */
export function withoutDelegation(doc: TargetsDoc, role: string): TargetsDoc {
  const out = copy(doc);
  const roles = out.delegations.roles;
  if (!roles || !roles.some((r) => r.name === role)) return out;
  const kept = roles.filter((r) => r.name !== role);
  // Go appends the remaining roles to a nil slice: none left means `null`.
  out.delegations.roles = kept.length > 0 ? kept : null;
  pruneUnusedKeys(out);
  return out;
}
