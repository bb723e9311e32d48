/**
 * Field guards that read JSON the way Go's `encoding/json` fills notary's structs: an absent or
 * `null` map, slice or scalar is its zero value; a value of the wrong JSON type is an error. Every
 * error is `TufError('malformed')` naming the role and the field.
 */
import { decodeStdBase64, stdBase64ToHex } from '../../../crypto/encoding';
import { makeTufKey, type TufPublicKey } from './keys';
import { parseExpiry, type Expiry } from './expires';
import type { FileMeta } from './metadata';
import type { TargetInfo } from './verifiedData';
import { TufError } from './tufErrors';

/** Where a value sits, for error messages, e.g. `{ role: 'snapshot', path: 'signed.meta.targets' }`. */
export interface At {
  readonly role: string;
  readonly path: string;
}

/** A child location, e.g. `at(here, 'keys')`. */
export function at(parent: At, field: string): At {
  return { role: parent.role, path: `${parent.path}.${field}` };
}

/** Throws the `malformed` error for a location. */
export function malformed(where: At, problem: string): never {
  throw new TufError('malformed', `${where.role} metadata is malformed: ${where.path} ${problem}`, { role: where.role });
}

/** A JSON object (not null, not an array). */
export function requireObject(value: unknown, where: At): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) malformed(where, 'must be an object');
  return value as Record<string, unknown>;
}

/** An object, or an empty one when absent/null (Go's nil map). */
export function objectOrEmpty(value: unknown, where: At): Record<string, unknown> {
  return value === undefined || value === null ? {} : requireObject(value, where);
}

/** The own entries of an object, in key order. */
export function entries(obj: Record<string, unknown>): [string, unknown][] {
  return Object.keys(obj).map((k) => [k, obj[k]]);
}

/** A string; absent/null is "". */
export function stringField(value: unknown, where: At): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') malformed(where, 'must be a string');
  return value;
}

/** A boolean; absent/null is false. */
export function boolField(value: unknown, where: At): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') malformed(where, 'must be a boolean');
  return value;
}

/** An int64; absent/null is 0. */
export function intField(value: unknown, where: At): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) malformed(where, 'must be an integer');
  return value;
}

/** An array of strings; absent/null is []. */
export function stringArray(value: unknown, where: At): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) malformed(where, 'must be an array of strings');
  return value.map((item, i) => {
    if (typeof item !== 'string') malformed(at(where, String(i)), 'must be a string');
    return item;
  });
}

/** Standard base64 bytes (Go `[]byte`); absent/null is empty. */
export function bytesField(value: unknown, where: At): Uint8Array {
  if (value === undefined || value === null) return new Uint8Array(0);
  const bytes = typeof value === 'string' ? decodeStdBase64(value) : undefined;
  if (!bytes) malformed(where, 'must be standard base64 with padding');
  return bytes;
}

/** `expires`: an RFC 3339 timestamp. */
export function expiresField(value: unknown, where: At): Expiry {
  const expiry = typeof value === 'string' ? parseExpiry(value) : undefined;
  if (!expiry) malformed(where, 'must be an RFC 3339 timestamp such as 2029-01-01T00:00:00Z');
  return expiry;
}

/** A key object `{keytype, keyval:{public, private}}`; `private` is ignored, as notary drops it. */
export function keyField(value: unknown, where: At): TufPublicKey {
  const obj = requireObject(value, where);
  const keyval = objectOrEmpty(obj.keyval, at(where, 'keyval'));
  return makeTufKey(stringField(obj.keytype, at(where, 'keytype')), bytesField(keyval.public, at(where, 'keyval.public')));
}

/** A map of key ID → key object. */
export function keyMap(value: unknown, where: At): Map<string, TufPublicKey> {
  const keys = new Map<string, TufPublicKey>();
  for (const [id, key] of entries(objectOrEmpty(value, where))) keys.set(id, keyField(key, at(where, id)));
  return keys;
}

/** A `FileMeta`: `{length, hashes:{alg: base64}, custom?}`. */
export function fileMetaField(value: unknown, where: At): FileMeta {
  const obj = requireObject(value, where);
  const length = intField(obj.length, at(where, 'length'));
  if (length < 0) malformed(at(where, 'length'), 'must not be negative');
  const hashes = new Map<string, Uint8Array>();
  for (const [alg, digest] of entries(objectOrEmpty(obj.hashes, at(where, 'hashes')))) {
    hashes.set(alg, bytesField(digest, at(where, `hashes.${alg}`)));
  }
  return obj.custom === undefined || obj.custom === null ? { length, hashes } : { length, hashes, custom: obj.custom };
}

/** A map of name → `FileMeta`. */
export function fileMetaMap(value: unknown, where: At): Map<string, FileMeta> {
  const map = new Map<string, FileMeta>();
  for (const [name, meta] of entries(objectOrEmpty(value, where))) map.set(name, fileMetaField(meta, at(where, name)));
  return map;
}

/**
 * A targets map `{name: FileMeta}` as the verified targets index: a null-prototype record of
 * `TargetInfo` with sha256/sha512 as lower-case hex. It accepts and refuses exactly what
 * {@link fileMetaMap} does (every field of every target is checked the same way, with the same
 * messages), but builds error locations only on error and no byte arrays: a targets file can hold
 * 10,000 tags.
 */
export function targetsField(value: unknown, where: At): Record<string, TargetInfo> {
  const out = Object.create(null) as Record<string, TargetInfo>;
  const targets = objectOrEmpty(value, where);
  for (const name of Object.keys(targets)) {
    const meta = targets[name];
    if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) malformed(at(where, name), 'must be an object');
    const obj = meta as Record<string, unknown>;
    const length = obj.length ?? 0;
    if (typeof length !== 'number' || !Number.isSafeInteger(length)) malformed(at(at(where, name), 'length'), 'must be an integer');
    if (length < 0) malformed(at(at(where, name), 'length'), 'must not be negative');
    let sha256: string | undefined;
    let sha512: string | undefined;
    const hashes = obj.hashes ?? {};
    if (typeof hashes !== 'object' || Array.isArray(hashes)) malformed(at(at(where, name), 'hashes'), 'must be an object');
    for (const alg in hashes) {
      if (!Object.hasOwn(hashes, alg)) continue;
      const digest = (hashes as Record<string, unknown>)[alg] ?? '';
      const hex = typeof digest === 'string' ? stdBase64ToHex(digest) : undefined;
      if (hex === undefined) malformed(at(at(where, name), `hashes.${alg}`), 'must be standard base64 with padding');
      if (alg === 'sha256') sha256 = hex;
      else if (alg === 'sha512') sha512 = hex;
    }
    const info: { length: number; sha256?: string; sha512?: string; custom?: unknown } = { length };
    // An empty digest is no digest (docker then refuses the target).
    if (sha256) info.sha256 = sha256;
    if (sha512) info.sha512 = sha512;
    if (obj.custom !== undefined && obj.custom !== null) info.custom = obj.custom;
    out[name] = info;
  }
  return out;
}
