/**
 * Strict parsers from raw bytes to typed metadata, applying notary's structure checks
 * (`isValidRootStructure`, `isValidTargetsStructure`, `IsValidSnapshotStructure`,
 * `IsValidTimestampStructure` in `tuf/data/*.go`). Bad input throws a `TufError`; it never crashes.
 */
import { canonicalize } from './canonicalJson';
import type { DelegationSpec, Envelope, FileMeta, Root, RoleKeyIds, Signature, SignedCommon, Snapshot, Targets, Timestamp } from './metadata';
import { TUF_TYPES } from './metadata';
import {
  at, boolField, bytesField, entries, expiresField, fileMetaMap, intField, keyMap, malformed,
  objectOrEmpty, requireObject, stringArray, stringField, targetsField, type At,
} from './parseFields';
import { BASE_ROLES, isDelegationRole, parentRole } from './roleNames';
import { TufError } from './tufErrors';

const HASH_SIZES: Readonly<Record<string, number>> = { sha256: 32, sha512: 64 };

/**
 * Parses a metadata file's envelope: strict UTF-8 JSON `{"signed":{…},"signatures":[…]}`.
 * Signature methods are lower-cased (notary `Signature.UnmarshalJSON`); `signed` is re-canonicalised.
 */
export function parseEnvelope(bytes: Uint8Array, role: string): Envelope {
  const top: At = { role, path: 'file' };
  let json: unknown;
  try {
    // ignoreBOM keeps a BOM in the text so that JSON.parse refuses it, as Go's decoder does.
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes));
  } catch (cause) {
    throw new TufError('malformed', `${role} metadata is not valid UTF-8 JSON`, { role, cause });
  }
  const obj = requireObject(json, top);
  const signed = requireObject(obj.signed, { role, path: 'signed' });
  const sigsAt: At = { role, path: 'signatures' };
  const rawSigs = obj.signatures === undefined || obj.signatures === null ? [] : obj.signatures;
  if (!Array.isArray(rawSigs)) malformed(sigsAt, 'must be an array');
  const signatures: Signature[] = rawSigs.map((raw, i) => {
    const where = at(sigsAt, String(i));
    const sig = requireObject(raw, where);
    return {
      keyid: stringField(sig.keyid, at(where, 'keyid')),
      method: stringField(sig.method, at(where, 'method')).toLowerCase(),
      sig: bytesField(sig.sig, at(where, 'sig')),
    };
  });
  let signedBytes: Uint8Array;
  try {
    signedBytes = canonicalize(signed);
  } catch (cause) {
    throw new TufError('malformed', `${role} metadata cannot be canonicalised: ${(cause as Error).message}`, { role, cause });
  }
  return { signed, signedBytes, signatures };
}

/** Common fields: `_type` must be the role's type and `version` ≥ 1. */
function common(signed: Readonly<Record<string, unknown>>, role: string, expectedType: string): SignedCommon {
  const here: At = { role, path: 'signed' };
  const type = stringField(signed._type, at(here, '_type'));
  if (type !== expectedType) {
    throw new TufError('wrong-type', `${role} metadata has the wrong type: expected ${expectedType}, not ${type || '(none)'}`, { role });
  }
  const version = intField(signed.version, at(here, 'version'));
  if (version < 1) malformed(at(here, 'version'), 'cannot be less than 1');
  return { type, version, expires: expiresField(signed.expires, at(here, 'expires')) };
}

function roleKeyIds(value: unknown, where: At, keys: ReadonlyMap<string, unknown>, ownerRole: string): RoleKeyIds {
  const obj = requireObject(value, where);
  const keyids = stringArray(obj.keyids, at(where, 'keyids'));
  const threshold = intField(obj.threshold, at(where, 'threshold'));
  // notary isValidRootRoleStructure: threshold ≥ 1 and every key ID has a key.
  if (threshold < 1) malformed(at(where, 'threshold'), `must be at least 1 (${ownerRole})`);
  for (const id of keyids) if (!keys.has(id)) malformed(at(where, 'keyids'), `lists key ${id} without a corresponding key`);
  return { keyids, threshold };
}

/** root.json `signed`: every base role present, thresholds ≥ 1, every key ID backed by a key. */
export function parseRoot(signed: Readonly<Record<string, unknown>>): Root {
  const c = common(signed, 'root', TUF_TYPES.root);
  const here: At = { role: 'root', path: 'signed' };
  const keys = keyMap(signed.keys, at(here, 'keys'));
  const roles = new Map<string, RoleKeyIds>();
  for (const [name, value] of entries(objectOrEmpty(signed.roles, at(here, 'roles')))) {
    if (value === null) continue;
    roles.set(name, roleKeyIds(value, at(here, `roles.${name}`), keys, name));
  }
  for (const name of BASE_ROLES) if (!roles.has(name)) malformed(at(here, 'roles'), `is missing the ${name} role`);
  const consistentSnapshot = boolField(signed.consistent_snapshot, at(here, 'consistent_snapshot'));
  return { ...c, consistentSnapshot, keys, roles };
}

/**
 * targets.json or a delegation file `signed`. Each declared delegation must be a valid delegation
 * name and a direct child of `role`, with threshold ≥ 1 and all its keys present.
 */
export function parseTargets(signed: Readonly<Record<string, unknown>>, role: string): Targets {
  if (role !== 'targets' && !isDelegationRole(role)) {
    throw new TufError('unknown-role', `${role} is not a targets role`, { role });
  }
  const c = common(signed, role, TUF_TYPES.targets);
  const here: At = { role, path: 'signed' };
  const targets = targetsField(signed.targets, at(here, 'targets'));
  const delegationsAt = at(here, 'delegations');
  const delegations = objectOrEmpty(signed.delegations, delegationsAt);
  const keys = keyMap(delegations.keys, at(delegationsAt, 'keys'));
  const rolesAt = at(delegationsAt, 'roles');
  const rawRoles = delegations.roles === undefined || delegations.roles === null ? [] : delegations.roles;
  if (!Array.isArray(rawRoles)) malformed(rolesAt, 'must be an array');
  const roles = rawRoles.map((raw, i): DelegationSpec => {
    const where = at(rolesAt, String(i));
    const obj = requireObject(raw, where);
    const name = stringField(obj.name, at(where, 'name'));
    if (!isDelegationRole(name) || parentRole(name) !== role) {
      malformed(at(where, 'name'), `${name || '(none)'} is not a valid delegation directly under ${role}`);
    }
    const ids = roleKeyIds(obj, where, keys, name);
    return { name, ...ids, paths: stringArray(obj.paths, at(where, 'paths')) };
  });
  return { ...c, targets, delegations: { keys, roles } };
}

/** Go `CheckValidHashStructures`: known hashes have the right size and at least one is known. */
function checkHashStructure(meta: FileMeta, where: At): void {
  let known = 0;
  for (const [alg, digest] of meta.hashes) {
    const size = HASH_SIZES[alg];
    if (!Object.hasOwn(HASH_SIZES, alg) || size === undefined) continue;
    if (digest.length !== size) malformed(at(where, `hashes.${alg}`), `must be ${size} bytes`);
    known++;
  }
  if (known === 0) malformed(where, 'needs at least one supported hash');
}

function requireSha256(meta: FileMeta | undefined, where: At, file: string): FileMeta {
  if (!meta || !meta.hashes.has('sha256')) malformed(where, `is missing ${file} sha256 checksum information`);
  checkHashStructure(meta, at(where, file));
  return meta;
}

/** snapshot.json `signed`: `meta.root` and `meta.targets` must carry a valid sha256. */
export function parseSnapshot(signed: Readonly<Record<string, unknown>>): Snapshot {
  const c = common(signed, 'snapshot', TUF_TYPES.snapshot);
  const metaAt: At = { role: 'snapshot', path: 'signed.meta' };
  const meta = fileMetaMap(signed.meta, metaAt);
  for (const file of ['root', 'targets']) requireSha256(meta.get(file), metaAt, file);
  return { ...c, meta };
}

/** timestamp.json `signed`: `meta.snapshot` must carry a valid sha256. */
export function parseTimestamp(signed: Readonly<Record<string, unknown>>): Timestamp {
  const c = common(signed, 'timestamp', TUF_TYPES.timestamp);
  const metaAt: At = { role: 'timestamp', path: 'signed.meta' };
  const meta = fileMetaMap(signed.meta, metaAt);
  const snapshot = requireSha256(meta.get('snapshot'), metaAt, 'snapshot');
  return { ...c, meta, snapshot };
}
