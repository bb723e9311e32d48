/**
 * The Sigstore public-good trusted root (Fulcio CAs, Rekor and CT log keys, TSAs) for keyless
 * signatures: fetched and verified through Sigstore's TUF repository with `@sigstore/tuf`, then kept on
 * disk and in memory. Offline, the last root fetched is used; with no network and nothing cached there
 * is no root, and keyless signatures are `unverifiable`, never `unsigned`. A policy's `trustedRoot:`
 * file replaces all of this for air-gapped use.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { describeError } from '../../errors';
import type { Clock, Logger } from '../../ports';
import { nullLogger } from '../../ports';
import { parseTrustedRoot } from './trustMaterial';

/** Sigstore's public-good TUF repository. */
export const PUBLIC_GOOD_TUF_MIRROR = 'https://tuf-repo-cdn.sigstore.dev';

/** Options of {@link PublicGoodTrustedRoot}. */
export interface PublicGoodRootOptions {
  /** Where the TUF metadata and the last verified root are kept, e.g. `~/.cache/trustlens/sigstore`. */
  cacheDir: string;
  clock: Clock;
  logger?: Logger;
  /** The TUF repository, default {@link PUBLIC_GOOD_TUF_MIRROR}. */
  mirrorUrl?: string;
  /** A TUF `root.json` to start from instead of the one `@sigstore/tuf` ships (another instance). */
  tufRootPath?: string;
  /** Per-request time budget of the TUF client (default 5 s). */
  timeoutMs?: number;
  /** A root fetched less than this long ago is used without asking TUF again (default 24 h). */
  refreshAfterMs?: number;
}

/** A root, or why there is none. */
export type RootAvailability =
  | { kind: 'ok'; root: TrustedRoot; source: 'tuf' | 'cache'; fetchedAt: string }
  | { kind: 'unavailable'; message: string };

const ROOT_FILE = 'trusted_root.json';
const META_FILE = 'trusted_root.meta.json';

/** The public-good trusted root, fetched once per refresh period however many checks ask for it. */
export class PublicGoodTrustedRoot {
  readonly #o: PublicGoodRootOptions;
  readonly #logger: Logger;
  #current: { root: TrustedRoot; fetchedAt: number; source: 'tuf' | 'cache' } | undefined;
  #pending: Promise<RootAvailability> | undefined;

  constructor(options: PublicGoodRootOptions) {
    this.#o = options;
    this.#logger = options.logger ?? nullLogger;
  }

  /** The root: from memory or disk when fresh, else from TUF, else the last one cached, else unavailable. */
  get(): Promise<RootAvailability> {
    const now = this.#o.clock.now().getTime();
    const current = this.#current;
    if (current && now - current.fetchedAt < this.#refreshAfter) return Promise.resolve(this.#ok(current));
    this.#pending ??= this.#load(now).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  get #refreshAfter(): number {
    return this.#o.refreshAfterMs ?? 24 * 60 * 60_000;
  }

  #ok(current: { root: TrustedRoot; fetchedAt: number; source: 'tuf' | 'cache' }): RootAvailability {
    return { kind: 'ok', root: current.root, source: current.source, fetchedAt: new Date(current.fetchedAt).toISOString() };
  }

  async #load(now: number): Promise<RootAvailability> {
    const cached = await this.#readCache();
    if (cached && now - cached.fetchedAt < this.#refreshAfter) {
      this.#current = { ...cached, source: 'cache' };
      return this.#ok(this.#current);
    }
    try {
      const root = await this.#fetch();
      this.#current = { root, fetchedAt: now, source: 'tuf' };
      await this.#writeCache(root, now);
      return this.#ok(this.#current);
    } catch (e) {
      const reason = describeError(e);
      if (cached) {
        this.#logger.warn(`the Sigstore trusted root could not be refreshed (${reason}); using the one fetched at ${new Date(cached.fetchedAt).toISOString()}`);
        this.#current = { ...cached, source: 'cache' };
        return this.#ok(this.#current);
      }
      return {
        kind: 'unavailable',
        message: `the Sigstore trusted root could not be fetched from ${this.#o.mirrorUrl ?? PUBLIC_GOOD_TUF_MIRROR} (${reason}) and none is cached; name a trusted root file with "trustedRoot" in .trustlens.yaml to check keyless signatures offline`,
      };
    }
  }

  async #fetch(): Promise<TrustedRoot> {
    const { getTrustedRoot } = await import('@sigstore/tuf');
    return getTrustedRoot({
      cachePath: join(this.#o.cacheDir, 'tuf'),
      mirrorURL: this.#o.mirrorUrl ?? PUBLIC_GOOD_TUF_MIRROR,
      ...(this.#o.tufRootPath !== undefined ? { rootPath: this.#o.tufRootPath } : {}),
      timeout: this.#o.timeoutMs ?? 5000,
      retry: false,
    });
  }

  async #readCache(): Promise<{ root: TrustedRoot; fetchedAt: number } | undefined> {
    try {
      const meta = JSON.parse(await readFile(join(this.#o.cacheDir, META_FILE), 'utf8')) as { fetchedAt?: unknown };
      const fetchedAt = typeof meta.fetchedAt === 'string' ? Date.parse(meta.fetchedAt) : NaN;
      if (!Number.isFinite(fetchedAt)) return undefined;
      const path = join(this.#o.cacheDir, ROOT_FILE);
      return { root: parseTrustedRoot(new Uint8Array(await readFile(path)), path), fetchedAt };
    } catch {
      return undefined;
    }
  }

  // Root first, then its metadata, each replaced atomically: a reader never sees a new date on an old root.
  async #writeCache(root: TrustedRoot, fetchedAt: number): Promise<void> {
    try {
      await mkdir(this.#o.cacheDir, { recursive: true });
      await atomicWrite(join(this.#o.cacheDir, ROOT_FILE), JSON.stringify(TrustedRoot.toJSON(root)));
      await atomicWrite(join(this.#o.cacheDir, META_FILE), JSON.stringify({ fetchedAt: new Date(fetchedAt).toISOString() }));
    } catch (e) {
      this.#logger.warn(`cannot cache the Sigstore trusted root in ${this.#o.cacheDir}: ${describeError(e)}`);
    }
  }
}

async function atomicWrite(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode: 0o644 });
  await rename(temp, path);
}
