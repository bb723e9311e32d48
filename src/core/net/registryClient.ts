import { createHash } from 'node:crypto';
import { nullLogger, type Logger } from '../ports';
import { bodyText, type HttpClient, type HttpResponse } from './http';
import { AuthCache } from './authCache';
import { TokenAuthClient, repositoryScope, type CredentialSource } from './tokenAuth';
import { NetError } from './netError';
import { redactUrl } from './redact';
import { findNextLink } from './linkHeader';
import { DOCKER_HUB_HOST, DOCKER_HUB_REGISTRY_URL, isLoopbackHost, normalizeRegistryKey } from './registryHost';
import { MANIFEST_ACCEPT, bareMediaType, isIndexMediaType, isValidDigest, isValidRegistryHost, isValidRepository, isValidTag } from './manifestTypes';

/** What a tag (or digest) points at on a registry. */
export interface ManifestDescriptor {
  /** e.g. `sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1`. */
  digest: string;
  /** Manifest size in bytes; notary targets record it as `length`. */
  size: number;
  /** e.g. `application/vnd.oci.image.index.v1+json`. */
  mediaType: string;
  /** True for a multi-platform index / manifest list. */
  isIndex: boolean;
}

/** Options of {@link RegistryClient}. */
export interface RegistryClientOptions {
  /** The transport, usually an UndiciHttpClient (it carries TLS, limits, retries and the request log). */
  http: HttpClient;
  credentials: CredentialSource;
  /** Shared token cache; one is created when omitted. */
  cache?: AuthCache;
  logger?: Logger;
  /** Talk plain http to loopback registries (`127.0.0.1:5000`, `localhost:5000`), as for a local test registry. */
  plainHttpForLoopback?: boolean;
  /** Largest manifest accepted, e.g. `4194304`. */
  maxManifestBytes?: number;
  /** Per-request timeout, e.g. `15000`. */
  timeoutMs?: number;
  /** Extra host names allowed to receive credentials (as `TokenAuthOptions.trustedAuthHosts`). */
  trustedAuthHosts?: readonly string[];
}

const DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const TAGS_MAX_BYTES = 4 * 1024 * 1024;
const HASHES: Record<string, string> = { sha256: 'sha256', sha512: 'sha512' };

/**
 * The base URL of a registry's API: `https://registry-1.docker.io` for Docker Hub, else `https://<host>`,
 * or `http://<host>` for a loopback host when plain http is allowed.
 */
export function registryBaseUrl(registry: string, plainHttpForLoopback = false): string {
  const host = normalizeRegistryKey(registry);
  if (host === DOCKER_HUB_HOST) return DOCKER_HUB_REGISTRY_URL;
  return `${plainHttpForLoopback && isLoopbackHost(host) ? 'http' : 'https'}://${host}`;
}

/** Reads a registry: resolves tags to manifest digests and lists tags, with docker token auth. */
export class RegistryClient {
  readonly #o: RegistryClientOptions;
  readonly #cache: AuthCache;
  readonly #logger: Logger;

  constructor(options: RegistryClientOptions) {
    this.#o = options;
    this.#cache = options.cache ?? new AuthCache();
    this.#logger = options.logger ?? nullLogger;
  }

  /**
   * Resolves `registry/repository:reference` (a tag or a digest) with a HEAD request, falling back to
   * GET when HEAD is not answered usefully. A fetched body is hashed and must match
   * `Docker-Content-Digest` (and a requested digest).
   * @param registry e.g. `docker.io` or `127.0.0.1:5000`
   * @param repository the path without the host, e.g. `library/alpine`
   * @param reference e.g. `3.19` or `sha256:…`
   * @throws NetError `not-found`, `auth`, `digest-mismatch`, `bad-response`, `bad-request`, or a transport code
   */
  async resolveTag(registry: string, repository: string, reference: string, signal?: AbortSignal): Promise<ManifestDescriptor> {
    const client = this.#client(registry, repository);
    const byDigest = isValidDigest(reference);
    if (!byDigest && !isValidTag(reference)) throw new NetError('bad-request', `invalid tag or digest "${reference}"`);
    const url = `${registryBaseUrl(registry, this.#o.plainHttpForLoopback)}/v2/${repository}/manifests/${reference}`;
    const common = { accept: MANIFEST_ACCEPT, signal, timeoutMs: this.#o.timeoutMs };
    const head = await client.head(url, { ...common, throwHttpErrors: false });
    if (head.status === 404) throw new NetError('not-found', `${registry}/${repository}:${reference} not found`, { url: redactUrl(url), status: 404 });
    const fromHead = head.status === 200 ? descriptorFromHead(head) : undefined;
    if (fromHead && (!byDigest || fromHead.digest === reference)) return fromHead;
    this.#logger.debug(`HEAD ${redactUrl(url)} gave no usable digest (${head.status}); fetching the manifest`);
    const get = await client.get(url, { ...common, maxBytes: this.#o.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES });
    return descriptorFromBody(get, byDigest ? reference : undefined);
  }

  /**
   * Every tag of a repository, following `Link: <…>; rel="next"` pages on the same origin.
   * @param options.pageSize the `n` parameter, e.g. `100`; omitted when undefined
   * @param options.maxPages guard against endless pagination, e.g. `100`
   */
  async listTags(registry: string, repository: string, options: { signal?: AbortSignal; pageSize?: number; maxPages?: number } = {}): Promise<string[]> {
    const client = this.#client(registry, repository);
    const base = new URL(registryBaseUrl(registry, this.#o.plainHttpForLoopback));
    let next: URL | undefined = new URL(`/v2/${repository}/tags/list${options.pageSize ? `?n=${options.pageSize}` : ''}`, base);
    const tags: string[] = [];
    const seen = new Set<string>();
    const maxPages = options.maxPages ?? 100;
    while (next) {
      if (seen.has(next.toString()) || seen.size >= maxPages) {
        throw new NetError('bad-response', `tag list of ${registry}/${repository} did not end within ${maxPages} pages`, { url: redactUrl(next) });
      }
      seen.add(next.toString());
      const res = await client.get(next.toString(), { accept: 'application/json', signal: options.signal, maxBytes: TAGS_MAX_BYTES, timeoutMs: this.#o.timeoutMs });
      tags.push(...parseTagPage(res));
      const link = findNextLink(res.headers['link']);
      next = link === undefined ? undefined : new URL(link, res.url);
      if (next && next.origin !== base.origin) {
        throw new NetError('bad-response', `tag list pagination left ${base.origin}`, { url: redactUrl(res.url) });
      }
    }
    return tags;
  }

  #client(registry: string, repository: string): HttpClient {
    if (!isValidRegistryHost(registry)) throw new NetError('bad-request', `invalid registry host "${registry}"`);
    if (!isValidRepository(repository)) throw new NetError('bad-request', `invalid repository name "${repository}"`);
    return new TokenAuthClient({
      http: this.#o.http,
      registryHost: registry,
      scope: repositoryScope(repository, ['pull']),
      credentials: this.#o.credentials,
      cache: this.#cache,
      logger: this.#logger,
      trustedAuthHosts: this.#o.trustedAuthHosts,
    });
  }
}

function descriptorFromHead(res: HttpResponse): ManifestDescriptor | undefined {
  const digest = res.headers['docker-content-digest'];
  const mediaType = bareMediaType(res.headers['content-type']);
  const size = Number(res.headers['content-length']);
  if (!digest || !isValidDigest(digest) || !mediaType || !MANIFEST_ACCEPT.includes(mediaType) || !Number.isSafeInteger(size) || size <= 0) return undefined;
  return { digest, size, mediaType, isIndex: isIndexMediaType(mediaType) };
}

/** `<algorithm>:<hex>` of some bytes, e.g. `digestOf('sha256', bytes)`. */
export function digestOf(algorithm: string, body: Uint8Array): string {
  return `${algorithm}:${createHash(HASHES[algorithm] ?? 'sha256').update(body).digest('hex')}`;
}

/**
 * The descriptor of a fetched manifest. The bytes are the truth: their hash must equal every digest
 * the server (`Docker-Content-Digest`) or the caller (`requested`) named.
 * @throws NetError `digest-mismatch`, `bad-response`
 */
export function descriptorFromBody(res: HttpResponse, requested: string | undefined): ManifestDescriptor {
  const url = redactUrl(res.url);
  const announced = res.headers['docker-content-digest'];
  for (const expected of [announced, requested]) {
    if (expected === undefined) continue;
    const algorithm = expected.split(':')[0]?.toLowerCase() ?? '';
    if (!(algorithm in HASHES)) throw new NetError('bad-response', `unsupported digest algorithm in ${expected}`, { url });
    const actual = digestOf(algorithm, res.body);
    if (actual !== expected.toLowerCase()) {
      throw new NetError('digest-mismatch', `manifest from ${url} hashes to ${actual}, not ${expected}`, { url, status: res.status });
    }
  }
  const digest = digestOf((requested ?? announced)?.split(':')[0]?.toLowerCase() ?? 'sha256', res.body);
  const mediaType = bareMediaType(res.headers['content-type']) ?? mediaTypeInBody(res);
  if (!mediaType || !MANIFEST_ACCEPT.includes(mediaType)) {
    throw new NetError('bad-response', `manifest from ${url} has unsupported media type ${mediaType ?? '(none)'}`, { url });
  }
  return { digest, size: res.body.byteLength, mediaType, isIndex: isIndexMediaType(mediaType) };
}

function mediaTypeInBody(res: HttpResponse): string | undefined {
  try {
    const parsed = JSON.parse(bodyText(res)) as { mediaType?: unknown };
    return typeof parsed.mediaType === 'string' ? parsed.mediaType : undefined;
  } catch {
    return undefined;
  }
}

function parseTagPage(res: HttpResponse): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText(res));
  } catch {
    throw new NetError('bad-response', `tag list from ${redactUrl(res.url)} is not JSON`, { url: redactUrl(res.url) });
  }
  const tags = (parsed as { tags?: unknown } | null)?.tags;
  if (tags === null || tags === undefined) return [];
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) {
    throw new NetError('bad-response', `tag list from ${redactUrl(res.url)} is malformed`, { url: redactUrl(res.url) });
  }
  return tags as string[];
}
