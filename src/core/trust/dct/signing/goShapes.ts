/**
 * Metadata `signed` objects shaped field for field like notary's Go structs (`tuf/data/root.go`,
 * `targets.go`, `snapshot.go`, `timestamp.go`, `roles.go`, `keys.go`, `types.go`), so that their
 * canonical JSON is exactly what notary's `MarshalCanonical` writes for the same struct (protocol
 * doc §2.3). notary-server re-serialises every uploaded file through these structs to compute the
 * snapshot hashes, so anything we upload must already be in this shape:
 * - exactly the struct's fields, no others (unknown fields such as `terminating` are dropped);
 * - nil Go maps and slices are `null`, kept as the input had them; `paths` and `custom` are omitted
 *   when empty or absent (`omitempty`); `delegations` is always present; keys carry `private: null`;
 * - `expires` as Go's `time.Time.MarshalJSON` re-writes it (see {@link goTimeText}).
 */
import { TufError } from '../tuf/tufErrors';

/** A public key object (`TUFKey`): `public` is standard base64, `private` always null. */
export interface KeyDoc {
  keytype: string;
  keyval: { private: null; public: string | null };
}

/** A role's keys in root.json (`RootRole`). */
export interface RoleKeysDoc {
  keyids: string[] | null;
  threshold: number;
}

/** A delegation in a targets file (`Role`); `paths` is omitted when empty. */
export interface DelegationDoc {
  keyids: string[] | null;
  name: string;
  paths?: string[];
  threshold: number;
}

/** Hashes and length of a file or target (`FileMeta`); `custom` is omitted when absent. */
export interface FileMetaDoc {
  custom?: unknown;
  hashes: Record<string, string | null> | null;
  length: number;
}

/** root.json `signed` (`Root`). */
export interface RootDoc {
  _type: string;
  consistent_snapshot: boolean;
  expires: string;
  keys: Record<string, KeyDoc> | null;
  roles: Record<string, RoleKeysDoc | null> | null;
  version: number;
}

/** targets.json or a delegation file `signed` (`Targets`). */
export interface TargetsDoc {
  _type: string;
  delegations: { keys: Record<string, KeyDoc> | null; roles: DelegationDoc[] | null };
  expires: string;
  targets: Record<string, FileMetaDoc> | null;
  version: number;
}

/** snapshot.json or timestamp.json `signed` (`Snapshot`, `Timestamp`). */
export interface MetaDoc {
  _type: string;
  expires: string;
  meta: Record<string, FileMetaDoc> | null;
  version: number;
}

type Json = Record<string, unknown>;

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An RFC 3339 time as Go's `time.Time.MarshalJSON` writes it back after parsing: fractional seconds
 * with trailing zeros trimmed (`.000` disappears), a zero offset written as `Z`, other offsets kept.
 * e.g. `2029-01-01T00:00:00.000Z` → `2029-01-01T00:00:00Z`; `…36.027379879-05:00` is unchanged.
 */
export function goTimeText(text: string): string {
  const m = RFC3339.exec(text);
  if (!m) throw new TufError('malformed', `not an RFC 3339 time: ${text}`);
  const fraction = (m[2] ?? '').slice(0, 9).replace(/0+$/, '');
  const zone = m[3] === 'Z' || m[3]?.slice(1) === '00:00' ? 'Z' : (m[3] as string);
  return `${m[1]}${fraction ? `.${fraction}` : ''}${zone}`;
}

/** Object entries mapped into a fresh object (own data properties, so `__proto__` stays a name). */
function mapValues<T>(value: unknown, f: (v: unknown) => T): Record<string, T> | null {
  if (value === undefined || value === null) return null;
  return Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, f(v)]));
}

function stringsOrNull(value: unknown): string[] | null {
  return value === undefined || value === null ? null : [...(value as string[])];
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A key as notary re-writes it: `NewPublicKey(keytype, public)`, private material dropped. */
export function keyDoc(value: unknown): KeyDoc {
  const obj = (value ?? {}) as Json;
  const keyval = (obj.keyval ?? {}) as Json;
  const pub = keyval.public;
  return { keytype: str(obj.keytype), keyval: { private: null, public: pub === undefined || pub === null ? null : str(pub) } };
}

/** A `FileMeta` as Go re-writes it. */
export function fileMetaDoc(value: unknown): FileMetaDoc {
  const obj = (value ?? {}) as Json;
  const hashes = mapValues(obj.hashes, (h) => (h === null ? null : str(h)));
  const out: FileMetaDoc = { hashes, length: num(obj.length) };
  if (obj.custom !== undefined && obj.custom !== null) out.custom = obj.custom;
  return out;
}

function roleKeysDoc(value: unknown): RoleKeysDoc | null {
  if (value === null || value === undefined) return null;
  const obj = value as Json;
  return { keyids: stringsOrNull(obj.keyids), threshold: num(obj.threshold) };
}

/** A delegation `Role`: `paths` has `omitempty`. */
export function delegationDoc(value: unknown): DelegationDoc {
  const obj = (value ?? {}) as Json;
  const paths = stringsOrNull(obj.paths);
  const out: DelegationDoc = { keyids: stringsOrNull(obj.keyids), name: str(obj.name), threshold: num(obj.threshold) };
  if (paths && paths.length > 0) out.paths = paths;
  return out;
}

/** root.json `signed` of already-verified metadata, in Go's shape. */
export function rootDoc(signed: Readonly<Json>): RootDoc {
  return {
    _type: str(signed._type),
    consistent_snapshot: signed.consistent_snapshot === true,
    expires: goTimeText(str(signed.expires)),
    keys: mapValues(signed.keys, keyDoc),
    roles: mapValues(signed.roles, roleKeysDoc),
    version: num(signed.version),
  };
}

/** A targets or delegation `signed` of already-verified metadata, in Go's shape. */
export function targetsDoc(signed: Readonly<Json>): TargetsDoc {
  const delegations = (signed.delegations ?? {}) as Json;
  const roles = delegations.roles;
  return {
    _type: str(signed._type),
    delegations: {
      keys: mapValues(delegations.keys, keyDoc),
      roles: roles === undefined || roles === null ? null : (roles as unknown[]).map(delegationDoc),
    },
    expires: goTimeText(str(signed.expires)),
    targets: mapValues(signed.targets, fileMetaDoc),
    version: num(signed.version),
  };
}

/** A snapshot or timestamp `signed` of already-verified metadata, in Go's shape. */
export function metaDoc(signed: Readonly<Json>): MetaDoc {
  return {
    _type: str(signed._type),
    expires: goTimeText(str(signed.expires)),
    meta: mapValues(signed.meta, fileMetaDoc),
    version: num(signed.version),
  };
}

/** The Go-shaped `signed` for a role name: root, snapshot/timestamp, or a targets role. */
export function docForRole(role: string, signed: Readonly<Json>): RootDoc | TargetsDoc | MetaDoc {
  if (role === 'root') return rootDoc(signed);
  if (role === 'snapshot' || role === 'timestamp') return metaDoc(signed);
  return targetsDoc(signed);
}
