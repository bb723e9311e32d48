/**
 * Registry operations on OCI content, for any signature scheme: resolve a reference (keeping an index's
 * digest and a platform's digest apart), fetch manifests and blobs (bounded, digest-checked), and write
 * blobs and manifests. Built on the core's transport: an {@link HttpClient} (usually UndiciHttpClient,
 * with TLS, limits, retries) behind docker token auth ({@link TokenAuthClient}) with docker credentials.
 * Referrers live in `referrers.ts`.
 */
import { nullLogger, type Logger } from '../ports';
import type { HttpClient, HttpResponse } from '../net/http';
import { findNextLink } from '../net/linkHeader';
import { AuthCache } from '../net/authCache';
import { TokenAuthClient, repositoryScope } from '../net/tokenAuth';
import { NetError } from '../net/netError';
import { redactUrl } from '../net/redact';
import { bareMediaType, isValidDigest, isValidRegistryHost, isValidRepository, isValidTag } from '../net/manifestTypes';
import { RegistryClient, descriptorFromBody, digestOf, registryBaseUrl, type RegistryClientOptions } from '../net/registryClient';
import { MANIFEST_MEDIA_TYPES_ACCEPTED } from './mediaTypes';
import { parseManifest, platformMatches, type OciDescriptor, type OciImageIndex, type OciManifestDocument } from './manifest';

/** A repository on a registry, e.g. `{ registry: '127.0.0.1:5000', repository: 'team/app' }`. */
export interface OciRepository {
  /** Registry host[:port], e.g. `docker.io`, `127.0.0.1:5000`. */
  readonly registry: string;
  /** The path without the host, e.g. `library/alpine`. */
  readonly repository: string;
}

/** Bounds on what one registry answer may cost. */
export interface OciLimits {
  /** Largest manifest or index, in bytes (default 4 MiB). */
  maxManifestBytes: number;
  /** Most layers of one image manifest (default 1000, cosign's own limit). */
  maxLayers: number;
  /** Most entries of one index, including a referrers index (default 1000). */
  maxIndexEntries: number;
  /** Most referrer manifests read for one subject (default 100). */
  maxReferrers: number;
  /** Most pages of a paginated referrers answer (default 10). */
  maxReferrerPages: number;
  /** Largest blob fetched when the caller sets no limit (default 4 MiB). */
  maxBlobBytes: number;
}

export const DEFAULT_OCI_LIMITS: Readonly<OciLimits> = {
  maxManifestBytes: 4 * 1024 * 1024,
  maxLayers: 1000,
  maxIndexEntries: 1000,
  maxReferrers: 100,
  maxReferrerPages: 10,
  maxBlobBytes: 4 * 1024 * 1024,
};

/** Options of {@link OciRegistry}: the transport's, plus limits. */
export interface OciRegistryOptions extends RegistryClientOptions {
  limits?: Partial<OciLimits>;
  /**
   * Remember, per registry, that it has no referrers API once it said so, and ask it through the tag
   * schema only from then on (as oras-go does); default false: the API is asked for every subject.
   */
  rememberReferrersSupport?: boolean;
}

/** A manifest fetched and checked against its digest. */
export interface FetchedManifest {
  /** Its descriptor: media type from the registry, digest and size of the bytes received. */
  readonly descriptor: OciDescriptor;
  readonly bytes: Uint8Array;
  readonly document: OciManifestDocument;
}

/** What a reference resolves to. */
export interface ResolvedImage {
  /** What the tag (or digest) names: an index for multi-platform images. */
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly isIndex: boolean;
  /** For an index and a requested platform: that platform's manifest (its own digest). */
  readonly platform?: OciDescriptor;
}

/** Options of one call. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** Backend-neutral registry access for signature schemes. */
export class OciRegistry {
  readonly limits: Readonly<OciLimits>;
  readonly #o: OciRegistryOptions;
  readonly #cache: AuthCache;
  readonly #logger: Logger;
  readonly #resolver: RegistryClient;
  readonly #clients = new Map<string, HttpClient>();

  constructor(options: OciRegistryOptions) {
    this.#o = options;
    this.#cache = options.cache ?? new AuthCache();
    this.#logger = options.logger ?? nullLogger;
    this.limits = { ...DEFAULT_OCI_LIMITS, ...options.limits };
    this.#resolver = new RegistryClient({ ...options, cache: this.#cache, maxManifestBytes: this.limits.maxManifestBytes });
  }

  /**
   * Resolves a tag or digest with HEAD (GET when HEAD gives no digest). For an index and a `platform`
   * (`os/arch[/variant]`), also reads the index and names that platform's manifest, whose digest is
   * kept apart from the index's.
   * @throws NetError `not-found` when the reference does not exist, or a transport/validation code
   */
  async resolve(repo: OciRepository, reference: string, options: CallOptions & { platform?: string } = {}): Promise<ResolvedImage> {
    const top = await this.#resolver.resolveTag(repo.registry, repo.repository, reference, options.signal);
    const resolved: ResolvedImage = { digest: top.digest, mediaType: top.mediaType, size: top.size, isIndex: top.isIndex };
    if (!top.isIndex || options.platform === undefined) return resolved;
    const index = await this.fetchManifest(repo, top.digest, options);
    const entry = (index.document as OciImageIndex).manifests.find((m) => platformMatches(m.platform, options.platform as string));
    return entry ? { ...resolved, platform: entry } : resolved;
  }

  /**
   * Fetches a manifest or index by tag or digest: at most `maxManifestBytes` (or a smaller `maxBytes`), the bytes hashed against
   * `Docker-Content-Digest` and a requested digest, then parsed within the layer/entry limits.
   * @throws NetError `not-found`, `too-large`, `digest-mismatch`, `bad-response`, or a transport code
   */
  async fetchManifest(repo: OciRepository, reference: string, options: CallOptions & { maxBytes?: number } = {}): Promise<FetchedManifest> {
    checkReference(reference);
    const url = this.#url(repo, `manifests/${reference}`);
    const res = await this.#client(repo, false).get(url, {
      accept: MANIFEST_MEDIA_TYPES_ACCEPTED, signal: options.signal, maxBytes: Math.min(options.maxBytes ?? Infinity, this.limits.maxManifestBytes), timeoutMs: this.#o.timeoutMs,
    });
    const byDigest = isValidDigest(reference);
    const checked = descriptorFromBody(res, byDigest ? reference.toLowerCase() : undefined);
    const document = parseManifest(res.body, bareMediaType(res.headers['content-type']), `${repo.repository}@${checked.digest}`, this.limits);
    return { descriptor: { mediaType: checked.mediaType, digest: checked.digest, size: checked.size }, bytes: res.body, document };
  }

  /**
   * The digest a tag or digest names now, from a HEAD request, or undefined when it does not exist.
   * Falls back to fetching the manifest when HEAD gives no digest.
   */
  async headManifest(repo: OciRepository, reference: string, options: CallOptions = {}): Promise<string | undefined> {
    checkReference(reference);
    const url = this.#url(repo, `manifests/${reference}`);
    const res = await this.#client(repo, false).head(url, { accept: MANIFEST_MEDIA_TYPES_ACCEPTED, signal: options.signal, timeoutMs: this.#o.timeoutMs, throwHttpErrors: false });
    if (res.status === 404) return undefined;
    const digest = res.headers['docker-content-digest'];
    if (res.status === 200 && digest !== undefined && isValidDigest(digest)) return digest.toLowerCase();
    try {
      return (await this.fetchManifest(repo, reference, options)).descriptor.digest;
    } catch (e) {
      if (e instanceof NetError && e.code === 'not-found') return undefined;
      throw e;
    }
  }

  /**
   * Fetches a blob, refusing more than `maxBytes` (announced or streamed) and bytes that do not hash to
   * `digest`. With `expectedSize`, a blob whose descriptor already says it is too large is not fetched.
   * @throws NetError `too-large`, `digest-mismatch`, `not-found`, or a transport code
   */
  async fetchBlob(repo: OciRepository, digest: string, options: CallOptions & { maxBytes?: number; expectedSize?: number } = {}): Promise<Uint8Array> {
    if (!isValidDigest(digest)) throw new NetError('bad-request', `invalid digest "${digest}"`);
    const maxBytes = options.maxBytes ?? this.limits.maxBlobBytes;
    const where = `${repo.registry}/${repo.repository}@${digest}`;
    if (options.expectedSize !== undefined && options.expectedSize > maxBytes) {
      throw new NetError('too-large', `blob ${where} is ${options.expectedSize} bytes, more than the limit of ${maxBytes}`);
    }
    const url = this.#url(repo, `blobs/${digest}`);
    const res = await this.#client(repo, false).get(url, { signal: options.signal, maxBytes, timeoutMs: this.#o.timeoutMs });
    const algorithm = digest.slice(0, digest.indexOf(':')).toLowerCase();
    if (algorithm !== 'sha256' && algorithm !== 'sha512') throw new NetError('bad-response', `unsupported digest algorithm in ${digest}`);
    const actual = digestOf(algorithm, res.body);
    if (actual !== digest.toLowerCase()) throw new NetError('digest-mismatch', `blob ${where} hashes to ${actual}`, { url: redactUrl(res.url) });
    if (options.expectedSize !== undefined && res.body.byteLength !== options.expectedSize) {
      throw new NetError('digest-mismatch', `blob ${where} is ${res.body.byteLength} bytes, its descriptor says ${options.expectedSize}`, { url: redactUrl(res.url) });
    }
    return res.body;
  }

  /**
   * Uploads a blob unless the repository already has it (monolithic upload: POST, then PUT with the
   * digest). Needs push access.
   * @returns its digest and size
   */
  async pushBlob(repo: OciRepository, bytes: Uint8Array, options: CallOptions = {}): Promise<{ digest: string; size: number }> {
    const digest = digestOf('sha256', bytes);
    const client = this.#client(repo, true);
    const common = { signal: options.signal, timeoutMs: this.#o.timeoutMs };
    const existing = await client.head(this.#url(repo, `blobs/${digest}`), { ...common, throwHttpErrors: false });
    if (existing.status === 200) return { digest, size: bytes.byteLength };
    const started = await client.post(this.#url(repo, 'blobs/uploads/'), new Uint8Array(0), common);
    const location = started.headers['location'];
    if (started.status !== 202 || !location) {
      throw new NetError('bad-response', `the registry did not start an upload (${started.status}, no Location)`, { url: redactUrl(started.url), status: started.status });
    }
    const target = new URL(location, started.url);
    if (target.origin !== new URL(started.url).origin) {
      throw new NetError('bad-response', `the registry sent the upload to another origin ${target.origin}`, { url: redactUrl(started.url) });
    }
    target.searchParams.set('digest', digest);
    const done = await client.put(target.toString(), bytes, { ...common, contentType: 'application/octet-stream' });
    if (done.status !== 201) throw new NetError('bad-response', `blob upload of ${digest} answered ${done.status}`, { url: redactUrl(done.url), status: done.status });
    return { digest, size: bytes.byteLength };
  }

  /**
   * Puts a manifest under a tag or its digest. `ifMatch` asks registries that support conditional
   * writes to refuse the write (412) unless the tag still names that digest; others ignore it.
   * @returns the digest of the bytes written, and the `OCI-Subject` header of a registry that indexed
   *   the manifest's `subject` for its referrers API
   * @throws NetError `http-status` with status 412 when a conditional write was refused
   */
  async pushManifest(repo: OciRepository, reference: string, bytes: Uint8Array, mediaType: string, options: CallOptions & { ifMatch?: string } = {}): Promise<{ digest: string; ociSubject: string | undefined }> {
    checkReference(reference);
    const digest = digestOf('sha256', bytes);
    const headers: Record<string, string> = options.ifMatch ? { 'if-match': `"${options.ifMatch}"` } : {};
    const res = await this.#client(repo, true).put(this.#url(repo, `manifests/${reference}`), bytes, {
      signal: options.signal, timeoutMs: this.#o.timeoutMs, contentType: mediaType, headers,
    });
    const stored = res.headers['docker-content-digest'];
    if (stored !== undefined && stored.toLowerCase() !== digest) {
      throw new NetError('digest-mismatch', `the registry stored ${repo.repository}:${reference} as ${stored}, not ${digest}`, { url: redactUrl(res.url) });
    }
    return { digest, ociSubject: res.headers['oci-subject'] };
  }

  /**
   * `GET /v2/<name>/referrers/<digest>`, one page. Undefined when the registry has no referrers API
   * (404, or an answer that is not an OCI index), so callers fall back to the tag schema.
   */
  async referrersPage(repo: OciRepository, url: string, options: CallOptions = {}): Promise<{ index: OciImageIndex; next: string | undefined } | undefined> {
    const res = await this.#client(repo, false).get(url, {
      accept: 'application/vnd.oci.image.index.v1+json', signal: options.signal, maxBytes: this.limits.maxManifestBytes,
      timeoutMs: this.#o.timeoutMs, throwHttpErrors: false,
    });
    if (res.status === 404 || res.status === 400 || res.status === 405) return undefined;
    if (res.status !== 200) throw new NetError('http-status', `GET ${redactUrl(res.url)} -> ${res.status}`, { url: redactUrl(res.url), status: res.status });
    if (bareMediaType(res.headers['content-type']) !== 'application/vnd.oci.image.index.v1+json') {
      this.#logger.debug(`${redactUrl(res.url)} is not an OCI index; using the referrers tag schema`);
      return undefined;
    }
    const document = parseManifest(res.body, 'application/vnd.oci.image.index.v1+json', redactUrl(res.url), this.limits);
    if (document.kind !== 'index') throw new NetError('bad-response', `${redactUrl(res.url)} is not an index`);
    const link = nextLink(res);
    return { index: document, next: link };
  }

  /** Per registry, whether it has the referrers API, once it answered; the first question while it has not. */
  readonly #referrersApi = new Map<string, boolean>();
  readonly #referrersProbe = new Map<string, Promise<unknown>>();

  /**
   * The first page of a subject's referrers from the API, or `undefined` when the registry has none.
   * With `rememberReferrersSupport`, a registry that said it has none is not asked again, and while the
   * first question to a registry is under way, others wait for its answer instead of asking too.
   */
  async firstReferrersPage(repo: OciRepository, url: string, options: CallOptions = {}): Promise<{ index: OciImageIndex; next: string | undefined } | undefined> {
    if (this.#o.rememberReferrersSupport !== true) return this.referrersPage(repo, url, options);
    const probe = this.#referrersProbe.get(repo.registry);
    if (probe) await probe.catch(() => undefined);
    if (this.#referrersApi.get(repo.registry) === false) return undefined;
    const asking = this.referrersPage(repo, url, options);
    if (!this.#referrersApi.has(repo.registry)) {
      this.#referrersProbe.set(repo.registry, asking);
      void asking.catch(() => undefined).finally(() => this.#referrersProbe.delete(repo.registry));
    }
    const page = await asking;
    this.#referrersApi.set(repo.registry, page !== undefined);
    return page;
  }

  /** The referrers API URL of a subject, e.g. `https://host/v2/team/app/referrers/sha256:…`. */
  referrersUrl(repo: OciRepository, subject: string): string {
    if (!isValidDigest(subject)) throw new NetError('bad-request', `invalid digest "${subject}"`);
    return this.#url(repo, `referrers/${subject}`);
  }

  #url(repo: OciRepository, path: string): string {
    return `${registryBaseUrl(repo.registry, this.#o.plainHttpForLoopback)}/v2/${repo.repository}/${path}`;
  }

  #client(repo: OciRepository, push: boolean): HttpClient {
    if (!isValidRegistryHost(repo.registry)) throw new NetError('bad-request', `invalid registry host "${repo.registry}"`);
    if (!isValidRepository(repo.repository)) throw new NetError('bad-request', `invalid repository name "${repo.repository}"`);
    const id = `${repo.registry}\n${repo.repository}\n${push ? 'push' : 'pull'}`;
    let client = this.#clients.get(id);
    if (!client) {
      client = new TokenAuthClient({
        http: this.#o.http,
        registryHost: repo.registry,
        scope: repositoryScope(repo.repository, push ? ['pull', 'push'] : ['pull']),
        credentials: this.#o.credentials,
        cache: this.#cache,
        logger: this.#logger,
        trustedAuthHosts: this.#o.trustedAuthHosts,
      });
      this.#clients.set(id, client);
    }
    return client;
  }
}

function checkReference(reference: string): void {
  if (!isValidDigest(reference) && !isValidTag(reference)) throw new NetError('bad-request', `invalid tag or digest "${reference}"`);
}

// `Link: <…>; rel="next"`, resolved against the answering URL; only same-origin pages are followed.
function nextLink(res: HttpResponse): string | undefined {
  const link = findNextLink(res.headers['link']);
  if (link === undefined) return undefined;
  const next = new URL(link, res.url);
  if (next.origin !== new URL(res.url).origin) throw new NetError('bad-response', `referrers pagination left ${new URL(res.url).origin}`, { url: redactUrl(res.url) });
  return next.toString();
}
