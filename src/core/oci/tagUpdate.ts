/**
 * Read-modify-write of a manifest under a tag that several writers may update at once: a signature
 * manifest that signers append to, or a referrers tag-schema index. Registries offer no atomic update
 * (distribution 2.8 ignores `If-Match`), so each attempt:
 * 1. reads the tag (its digest is the base),
 * 2. builds the next manifest from it (or stops when what it adds is already there),
 * 3. checks with HEAD that the tag still names the base, and writes with `If-Match: <base>` (a registry
 *    that supports conditional writes refuses a stale one with 412),
 * 4. reads the tag back and starts over when a concurrent writer replaced its manifest,
 * 5. once it holds the addition, waits a moment (longer than another writer's HEAD-to-PUT gap) and
 *    reads once more: a writer that checked the tag just before this one wrote, and wrote just after,
 *    replaced the addition without seeing it, and that final read catches it.
 * Writers sharing one {@link OciRegistry} are also serialised per tag. A write the registry refuses
 * because a blob the manifest names is momentarily unreadable (another writer is uploading the same
 * blob: distribution answers `DIGEST_INVALID` or `MANIFEST_BLOB_UNKNOWN`) starts a new round too, which
 * uploads the blobs again; the manifest's own bytes are hashed here, so that refusal is never ours.
 * distribution's filesystem storage rewrites a tag's link file in place, so a read of the tag while
 * another writer writes it can fail with a 5xx: that round is lost too, and the next one starts after a
 * short pause; a registry that keeps failing still fails the update after `maxAttempts`.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { TrustLensError } from '../errors';
import { isNetError } from '../net/netError';
import type { FetchedManifest, OciRegistry, OciRepository } from './ociRegistry';

/** What {@link updateTag} writes, given what the tag holds now. */
export interface TagUpdate {
  /**
   * The next manifest, or undefined when `current` already holds everything to add. It may upload the
   * blobs the manifest names before returning it.
   */
  next(current: FetchedManifest | undefined): Promise<NextManifest | undefined> | NextManifest | undefined;
  /** Whether a manifest read back holds what this writer added. */
  contains(current: FetchedManifest): boolean;
}

/** A manifest to write. */
export interface NextManifest {
  readonly bytes: Uint8Array;
  readonly mediaType: string;
}

/** Outcome of {@link updateTag}. */
export interface TagUpdateResult {
  /** The digest the tag names afterwards. */
  readonly digest: string;
  /** False when the tag already held everything (nothing was written). */
  readonly written: boolean;
  readonly attempts: number;
}

/** Options of {@link updateTag}. */
export interface TagUpdateOptions {
  signal?: AbortSignal;
  /** Rounds of read-modify-write before giving up (default 8). */
  maxAttempts?: number;
  /**
   * What to wait for before the final read that confirms the addition survived concurrent writers
   * (default 300 ms, far longer than the gap between another writer's check and its write).
   */
  settle?: () => Promise<void>;
}

const DEFAULT_SETTLE_MS = 300;
const locks = new WeakMap<OciRegistry, Map<string, Promise<unknown>>>();

/**
 * Updates `tag` in `repo` until the manifest it names contains this writer's addition.
 * @throws TrustLensError `conflict` after `maxAttempts` lost races; NetError for transport failures,
 *   or `bad-response` when the tag holds something that cannot be read (it is never overwritten blindly)
 */
export async function updateTag(oci: OciRegistry, repo: OciRepository, tag: string, update: TagUpdate, options: TagUpdateOptions = {}): Promise<TagUpdateResult> {
  let mine = locks.get(oci);
  if (!mine) {
    mine = new Map();
    locks.set(oci, mine);
  }
  const held = mine;
  const id = `${repo.registry}/${repo.repository}:${tag}`;
  const previous = held.get(id) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => attempt(oci, repo, tag, update, options));
  held.set(id, run);
  try {
    return await run;
  } finally {
    if (held.get(id) === run) held.delete(id);
  }
}

async function attempt(oci: OciRegistry, repo: OciRepository, tag: string, update: TagUpdate, options: TagUpdateOptions): Promise<TagUpdateResult> {
  const maxAttempts = options.maxAttempts ?? 8;
  for (let attempts = 1; attempts <= maxAttempts; attempts++) {
    try {
      const done = await round(oci, repo, tag, update, options, attempts);
      if (done) return done;
    } catch (e) {
      if (!(attempts < maxAttempts && isTornRead(e))) throw e;
      await delay(10 * attempts, undefined, { signal: options.signal });
    }
  }
  throw new TrustLensError('conflict', `${repo.registry}/${repo.repository}:${tag} kept changing under concurrent writers; gave up after ${maxAttempts} attempts`);
}

/** One read-modify-write round: its result, or undefined when a concurrent writer won it. */
async function round(oci: OciRegistry, repo: OciRepository, tag: string, update: TagUpdate, options: TagUpdateOptions, attempts: number): Promise<TagUpdateResult | undefined> {
  const call = { signal: options.signal };
  const current = await read(oci, repo, tag, call);
  const next = await update.next(current);
  if (!next) return { digest: current?.descriptor.digest ?? '', written: false, attempts };
  const base = current?.descriptor.digest;
  if ((await oci.headManifest(repo, tag, call)) !== base) return undefined;
  try {
    await oci.pushManifest(repo, tag, next.bytes, next.mediaType, { ...call, ...(base ? { ifMatch: base } : {}) });
  } catch (e) {
    if (isNetError(e) && (e.status === 412 || isBlobRace(e))) return undefined;
    throw e;
  }
  const after = await read(oci, repo, tag, call);
  if (!after || !update.contains(after)) return undefined;
  await (options.settle ?? (() => delay(DEFAULT_SETTLE_MS, undefined, { signal: options.signal })))();
  const settled = await read(oci, repo, tag, call);
  if (settled && update.contains(settled)) return { digest: settled.descriptor.digest, written: true, attempts };
  return undefined;
}

/** A read that met another writer's write in distribution's storage: a server error, not a refusal. */
function isTornRead(e: unknown): boolean {
  return isNetError(e) && e.status !== undefined && e.status >= 500 && e.status <= 599;
}

/** The registry refused the manifest because a blob it names was being written by someone else. */
function isBlobRace(e: { status: number | undefined; registryCode: string | undefined }): boolean {
  return e.status === 400 && (e.registryCode === 'DIGEST_INVALID' || e.registryCode === 'MANIFEST_BLOB_UNKNOWN');
}

async function read(oci: OciRegistry, repo: OciRepository, tag: string, call: { signal?: AbortSignal }): Promise<FetchedManifest | undefined> {
  try {
    return await oci.fetchManifest(repo, tag, call);
  } catch (e) {
    if (isNetError(e, 'not-found')) return undefined;
    throw e;
  }
}
