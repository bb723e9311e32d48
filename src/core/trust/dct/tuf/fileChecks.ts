/**
 * Checking downloaded bytes against the meta that vouches for them (notary `data.CheckHashes`,
 * `storage.GetSized`), and naming the files to download (`utils.ConsistentName`).
 */
import { bytesEqual, sha256, sha512, toHex } from '../../../crypto/encoding';
import type { FileMeta } from './metadata';
import { TufError } from './tufErrors';

/** notary `MaxTimestampSize`: timestamp.json is always fetched by name, capped at 1 MiB. */
export const MAX_TIMESTAMP_BYTES = 1 << 20;
/** notary `MaxDownloadSize`: the cap when no length is known (root.json). */
export const MAX_DOWNLOAD_BYTES = 100 << 20;

const HASHERS: Readonly<Record<string, (b: Uint8Array) => Uint8Array>> = { sha256, sha512 };

/**
 * Verifies `bytes` against `meta`:
 * - no meta at all (the role is absent from the vouching file) → `missing-meta`;
 * - a length that differs → `length-mismatch` (notary refuses a longer body and hashes a truncated
 *   one; we name the cause);
 * - every sha256/sha512 present must match → `hash-mismatch`; at least one must be present →
 *   `missing-meta`. Other algorithms are ignored, as in notary.
 */
export function checkFileMeta(bytes: Uint8Array, role: string, meta: FileMeta | undefined): void {
  if (!meta) throw new TufError('missing-meta', `no checksum information for ${role}`, { role });
  if (bytes.length !== meta.length) {
    throw new TufError('length-mismatch', `${role} is ${bytes.length} bytes, expected ${meta.length}`, { role });
  }
  let checked = 0;
  for (const [alg, expected] of meta.hashes) {
    const hasher = Object.hasOwn(HASHERS, alg) ? HASHERS[alg] : undefined;
    if (!hasher) continue;
    if (!bytesEqual(hasher(bytes), expected)) {
      throw new TufError('hash-mismatch', `${alg} checksum for ${role} did not match: expected ${toHex(expected)}`, { role });
    }
    checked++;
  }
  if (checked === 0) throw new TufError('missing-meta', `no sha256 or sha512 checksum for ${role}`, { role });
}

/** What to download next for a role. */
export interface FileRequest {
  /** e.g. `targets/releases` */
  readonly role: string;
  /**
   * Path under `<server>/v2/<gun>/_trust/tuf/`, e.g. `snapshot.2f0c….json`, `targets/releases.9ad3….json`,
   * `timestamp.json`.
   */
  readonly path: string;
  /** Read at most this many bytes; a response announcing more is a malicious server. */
  readonly maxBytes: number;
  /** The hashes/length the bytes must match, when known. */
  readonly expected: FileMeta | undefined;
}

/** notary `ConsistentName`: `<role>.<hex sha256>` when a sha256 is known, else `<role>`. */
export function consistentName(role: string, meta: FileMeta | undefined): string {
  const digest = meta?.hashes.get('sha256');
  return digest && digest.length > 0 ? `${role}.${toHex(digest)}` : role;
}

/** The request for a role vouched for by `meta` (or by nothing). */
export function fileRequest(role: string, meta: FileMeta | undefined, fallbackMax: number): FileRequest {
  return {
    role,
    path: `${consistentName(role, meta)}.json`,
    maxBytes: meta ? meta.length : fallbackMax,
    expected: meta,
  };
}
