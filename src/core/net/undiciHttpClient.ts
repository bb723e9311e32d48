import type { SecureContext } from 'node:tls';
import type { Dispatcher } from 'undici';
import { Agent, request as undiciRequest } from './undiciParts';
import { nullLogger, type Logger } from '../ports';
import { HttpClientBase, type HttpMethod, type HttpResponse, type RequestEvent, type RequestOptions } from './http';
import { NetError } from './netError';
import { redactUrl } from './redact';
import { classifyRequestError } from './classifyError';
import { planRedirect } from './redirects';
import { readBodyLimited } from './responseBody';
import { statusError } from './statusError';
import { loadTlsMaterial, secureContextFor, type TlsMaterial } from './tlsMaterial';
import { abortableDelay, defaultRetryPolicy, isIdempotent, isRetryableError, isRetryableStatus, retryDelayMs, type RetryPolicy } from './retryPolicy';

/** Default time budget of one attempt, connect to last body byte. */
export const DEFAULT_TIMEOUT_MS = 15_000;
/** Default body limit; callers pass tighter limits per resource (e.g. 1 MiB for timestamp.json). */
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/** Options of {@link UndiciHttpClient}. */
export interface UndiciHttpClientOptions {
  /** Docker config directory whose `tls/<host:port>/` folders add CAs and client certificates, e.g. `~/.docker`. */
  dockerConfigDir?: string;
  /** Receives one debug line per attempt: `GET <redacted url> -> 200 (12 ms)`. */
  logger?: Logger;
  /** `User-Agent` header, e.g. `trustlens/0.1.0`. */
  userAgent?: string;
  /** Default per-attempt time budget, e.g. `15000`. */
  timeoutMs?: number;
  /** Default body limit in bytes, e.g. `16777216`. */
  maxBytes?: number;
  /** Retry policy for GET/HEAD, e.g. `{ attempts: 3, baseDelayMs: 250, maxDelayMs: 2000 }`. */
  retry?: Partial<RetryPolicy>;
  /** Most redirects followed per request, e.g. `5`. */
  maxRedirects?: number;
  /** Builds the dispatcher of an origin (e.g. a ProxyAgent); the default is an undici Agent with `tls`. */
  dispatcherFactory?: (origin: string, tls: TlsMaterial) => Dispatcher;
  /** Called after every attempt (including redirect hops), e.g. to count requests. */
  onRequest?: (event: RequestEvent) => void;
}

const REDIRECT_DUMP_LIMIT = 64 * 1024;

/** The undici implementation of the {@link HttpClient} port. Call `close()` when done. */
export class UndiciHttpClient extends HttpClientBase {
  readonly #options: UndiciHttpClientOptions;
  readonly #logger: Logger;
  readonly #retry: RetryPolicy;
  readonly #dispatchers = new Map<string, Promise<Dispatcher>>();
  #requestCount = 0;

  constructor(options: UndiciHttpClientOptions = {}) {
    super();
    this.#options = options;
    this.#logger = options.logger ?? nullLogger;
    this.#retry = { ...defaultRetryPolicy, ...options.retry };
  }

  /** Number of HTTP requests sent so far (every attempt and redirect hop counts). */
  get requestCount(): number {
    return this.#requestCount;
  }

  async request(method: HttpMethod, url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const target = parseHttpUrl(url);
    const attempts = isIdempotent(method) ? Math.max(1, this.#retry.attempts) : 1;
    for (let attempt = 1; ; attempt++) {
      let response: HttpResponse;
      try {
        response = await this.#send(method, target, options, attempt);
      } catch (e) {
        if (attempt >= attempts || !isRetryableError(e)) throw e;
        await this.#backoff(method, target, attempt, undefined, options.signal);
        continue;
      }
      if (attempt < attempts && isRetryableStatus(response.status)) {
        await this.#backoff(method, target, attempt, response.headers['retry-after'], options.signal);
        continue;
      }
      if (options.throwHttpErrors !== false && (response.status < 200 || response.status >= 300)) {
        throw statusError(method, response);
      }
      return response;
    }
  }

  /** Closes every connection pool. */
  async close(): Promise<void> {
    const dispatchers = await Promise.allSettled([...this.#dispatchers.values()]);
    this.#dispatchers.clear();
    await Promise.all(dispatchers.map((d) => (d.status === 'fulfilled' ? d.value.close() : undefined)));
  }

  async #backoff(method: HttpMethod, url: URL, attempt: number, retryAfter: string | undefined, signal?: AbortSignal): Promise<void> {
    const delay = retryDelayMs(this.#retry, attempt, retryAfter);
    this.#logger.debug(`retrying ${method} ${redactUrl(url)} in ${delay} ms (attempt ${attempt + 1} of ${this.#retry.attempts})`);
    try {
      await abortableDelay(delay, signal);
    } catch (e) {
      throw new NetError('aborted', `${method} ${redactUrl(url)} was cancelled`, { url: redactUrl(url), cause: e });
    }
  }

  // One attempt: the first request plus the redirects it leads to, under one deadline.
  async #send(method: HttpMethod, start: URL, options: RequestOptions, attempt: number): Promise<HttpResponse> {
    const callerSignal = options.signal;
    if (callerSignal?.aborted) throw new NetError('aborted', `${method} ${redactUrl(start)} was cancelled`, { url: redactUrl(start) });
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, deadline.signal]) : deadline.signal;
    let url = start;
    let headers = this.#requestHeaders(options);
    try {
      for (let hop = 0; ; hop++) {
        const response = await this.#exchange(method, url, headers, options, signal, attempt, () => {
          if (callerSignal?.aborted) return new NetError('aborted', `${method} ${redactUrl(url)} was cancelled`, { url: redactUrl(url) });
          if (deadline.signal.aborted) return new NetError('timeout', `${method} ${redactUrl(url)} timed out after ${timeoutMs} ms`, { url: redactUrl(url) });
          return undefined;
        });
        const next = planRedirect(url, method, response.status, response.headers['location'], headers);
        if (!next) return response;
        if (hop >= (this.#options.maxRedirects ?? 5)) {
          throw new NetError('redirect', `too many redirects from ${redactUrl(start)}`, { url: redactUrl(start), status: response.status });
        }
        if (next.crossOrigin) this.#logger.debug(`redirect to another origin ${next.url.origin}: credentials not forwarded`);
        url = next.url;
        headers = next.headers;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  // A single HTTP exchange. `interrupted` tells whether the caller or the deadline stopped it.
  async #exchange(
    method: HttpMethod,
    url: URL,
    headers: Record<string, string>,
    options: RequestOptions,
    signal: AbortSignal,
    attempt: number,
    interrupted: () => NetError | undefined,
  ): Promise<HttpResponse> {
    const started = performance.now();
    const safeUrl = redactUrl(url);
    this.#requestCount++;
    let status: number | undefined;
    try {
      const dispatcher = await this.#dispatcherFor(url);
      const res = await undiciRequest(dispatcher, url, { method, headers, body: options.body ?? null, signal });
      status = res.statusCode;
      const responseHeaders = flattenHeaders(res.headers);
      let body: Uint8Array = new Uint8Array(0);
      if (method === 'HEAD' || (status >= 300 && status < 400 && responseHeaders['location'])) {
        await res.body.dump({ limit: REDIRECT_DUMP_LIMIT });
      } else {
        const maxBytes = options.maxBytes ?? this.#options.maxBytes ?? DEFAULT_MAX_BYTES;
        body = await readBodyLimited(res.body, responseHeaders['content-length'], maxBytes, safeUrl);
      }
      this.#report(method, safeUrl, status, undefined, started, attempt);
      return { status, headers: responseHeaders, body, url: url.toString() };
    } catch (e) {
      const error = interrupted() ?? classifyRequestError(e, method, safeUrl);
      const typed = error.status === undefined && status !== undefined ? new NetError(error.code, error.message, { url: safeUrl, status, cause: error.cause ?? e }) : error;
      this.#report(method, safeUrl, status, typed.code, started, attempt);
      throw typed;
    }
  }

  #report(method: HttpMethod, url: string, status: number | undefined, errorCode: string | undefined, started: number, attempt: number): void {
    const durationMs = Math.round(performance.now() - started);
    this.#logger.debug(`${method} ${url} -> ${status ?? errorCode} (${durationMs} ms)`);
    this.#options.onRequest?.({ method, url, status, errorCode, durationMs, attempt });
  }

  #requestHeaders(options: RequestOptions): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.#options.userAgent) headers['user-agent'] = this.#options.userAgent;
    if (options.accept !== undefined) headers['accept'] = typeof options.accept === 'string' ? options.accept : options.accept.join(', ');
    if (options.contentType !== undefined) headers['content-type'] = options.contentType;
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
    return headers;
  }

  #dispatcherFor(url: URL): Promise<Dispatcher> {
    const origin = url.origin;
    let dispatcher = this.#dispatchers.get(origin);
    if (!dispatcher) {
      dispatcher = this.#createDispatcher(url);
      this.#dispatchers.set(origin, dispatcher);
      // A failed TLS directory read must not stick: the user may fix the files and retry.
      dispatcher.catch(() => this.#dispatchers.delete(origin));
    }
    return dispatcher;
  }

  async #createDispatcher(url: URL): Promise<Dispatcher> {
    const dir = this.#options.dockerConfigDir;
    const material = url.protocol === 'https:' && dir !== undefined ? await loadTlsMaterial(dir, url) : {};
    if (this.#options.dispatcherFactory) return this.#options.dispatcherFactory(url.origin, material);
    // The connect timeout also bounds a TLS handshake that never completes.
    const connect: { secureContext?: SecureContext; timeout: number } = { timeout: this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS };
    // One secure context per origin, shared by its connections.
    try {
      const secureContext = secureContextFor(material);
      if (secureContext) connect.secureContext = secureContext;
    } catch (e) {
      throw new NetError('tls', `unusable TLS files in ${material.dir ?? 'the docker config'}`, { cause: e });
    }
    return new Agent({ connect });
  }
}

function parseHttpUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (e) {
    throw new NetError('bad-request', `invalid URL ${redactUrl(url)}`, { cause: e });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new NetError('bad-request', `unsupported URL scheme ${parsed.protocol} in ${redactUrl(parsed)}`, { url: redactUrl(parsed) });
  }
  // Credentials come from the docker config and the auth layer, never from a URL that might be logged or shared.
  if (parsed.username !== '' || parsed.password !== '') {
    throw new NetError('bad-request', `credentials in URLs are not supported: ${redactUrl(parsed)}`, { url: redactUrl(parsed) });
  }
  return parsed;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
