/**
 * Whether a signed digest names a multi-platform index or a single platform's manifest, asked of the
 * registry once per digest (a digest names the same bytes wherever it is pulled from).
 */
import { describeError } from '../errors';
import type { ManifestDescriptor } from '../net/registryClient';
import { isNetError } from '../net/netError';
import type { Clock } from '../ports';

/** Why the kind of a manifest is not known. */
export type UnknownKindReason =
  /** Connection refused, timeout, TLS failure. */
  | 'unreachable'
  /** The registry does not have the digest. */
  | 'not-found'
  /** The registry refused the credentials, or none were allowed. */
  | 'denied'
  /** The registry has not answered yet. */
  | 'pending'
  /** Anything else; `detail` says what. */
  | 'failed';

/** The kind of a manifest, as far as the registry told. */
export type ManifestKind =
  | { readonly kind: 'index'; readonly mediaType: string }
  | { readonly kind: 'manifest'; readonly mediaType: string }
  | { readonly kind: 'unknown'; readonly reason: UnknownKindReason; readonly detail?: string };

/** The kind a registry's descriptor gives. */
export function manifestKindOf(d: Pick<ManifestDescriptor, 'isIndex' | 'mediaType'>): ManifestKind {
  return { kind: d.isIndex ? 'index' : 'manifest', mediaType: d.mediaType };
}

/** Why a lookup failed, by the network error's code. */
export function manifestKindOfError(e: unknown): ManifestKind {
  if (isNetError(e, 'not-found')) return { kind: 'unknown', reason: 'not-found' };
  if (isNetError(e, 'auth') || isNetError(e, 'credentials')) return { kind: 'unknown', reason: 'denied', detail: describeError(e) };
  if (isNetError(e, 'timeout') || isNetError(e, 'connection') || isNetError(e, 'tls') || isNetError(e, 'aborted')) {
    return { kind: 'unknown', reason: 'unreachable', detail: describeError(e) };
  }
  return { kind: 'unknown', reason: 'failed', detail: describeError(e) };
}

/** Options of {@link ManifestKindCache}. */
export interface ManifestKindCacheOptions {
  /** Resolves `registry/repository@digest` on the registry (usually `RegistryClient.resolveTag`). */
  resolve(registry: string, repository: string, digest: string, signal: AbortSignal): Promise<Pick<ManifestDescriptor, 'digest' | 'isIndex' | 'mediaType'>>;
  clock: Clock;
  /** Ask again this long after a failed lookup, e.g. `30000`. */
  retryAfterMs?: number;
  /** Give a lookup up after this long, e.g. `10000`. */
  timeoutMs?: number;
  /** Most kinds remembered, e.g. `1000`. */
  maxEntries?: number;
}

interface Lookup {
  readonly startedAt: number;
  readonly promise: Promise<ManifestKind>;
}

/**
 * Remembers the kind of every digest asked about: a known kind for good, a failure for
 * `retryAfterMs`. Concurrent questions about the same digest share one request. Never rejects.
 */
export class ManifestKindCache {
  readonly #known = new Map<string, ManifestKind>();
  readonly #lookups = new Map<string, Lookup>();
  readonly #o: Required<Omit<ManifestKindCacheOptions, 'resolve' | 'clock'>> & ManifestKindCacheOptions;

  constructor(options: ManifestKindCacheOptions) {
    this.#o = { retryAfterMs: 30_000, timeoutMs: 10_000, maxEntries: 1000, ...options };
  }

  /** The kind already known for a digest, without asking. */
  peek(digest: string): ManifestKind | undefined {
    return this.#known.get(digest);
  }

  /**
   * The kind of `digest`, asking the registry if it is not known.
   * @param registry e.g. `127.0.0.1:5000`
   * @param repository the path without the host, e.g. `library/alpine`
   * @param digest e.g. `sha256:4bcf…`
   */
  get(registry: string, repository: string, digest: string): Promise<ManifestKind> {
    const known = this.#known.get(digest);
    if (known) return Promise.resolve(known);
    const id = `${registry}/${repository}@${digest}`;
    const now = this.#o.clock.now().getTime();
    const running = this.#lookups.get(id);
    if (running && now - running.startedAt < this.#o.retryAfterMs) return running.promise;
    const promise = this.#ask(registry, repository, digest);
    this.#lookups.set(id, { startedAt: now, promise });
    void promise.then((kind) => {
      if (kind.kind === 'unknown') return;
      this.#lookups.delete(id);
      this.#remember(digest, kind);
    });
    return promise;
  }

  /** Forgets failed lookups, e.g. after the registry settings changed. */
  forgetFailures(): void {
    this.#lookups.clear();
  }

  async #ask(registry: string, repository: string, digest: string): Promise<ManifestKind> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#o.timeoutMs);
    try {
      const d = await this.#o.resolve(registry, repository, digest, controller.signal);
      if (d.digest !== digest) return { kind: 'unknown', reason: 'failed', detail: `the registry answered with ${d.digest}` };
      return manifestKindOf(d);
    } catch (e) {
      return manifestKindOfError(e);
    } finally {
      clearTimeout(timer);
    }
  }

  #remember(digest: string, kind: ManifestKind): void {
    if (this.#known.size >= this.#o.maxEntries) {
      const oldest = this.#known.keys().next();
      if (!oldest.done) this.#known.delete(oldest.value);
    }
    this.#known.set(digest, kind);
  }
}
