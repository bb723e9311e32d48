/**
 * The HTTP port of the core. Everything that talks to a registry, a token server or a notary server
 * depends on {@link HttpClient}; the undici implementation lives in `undiciHttpClient.ts`, and the
 * bearer-token layer in `tokenAuth.ts` wraps any HttpClient.
 */

/** The methods the core uses. Only GET and HEAD are ever retried. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Options of one request. Every field is optional; the client supplies safe defaults. */
export interface RequestOptions {
  /** Extra request headers, e.g. `{ authorization: 'Bearer …' }`. Names are case-insensitive. */
  headers?: Record<string, string>;
  /** Shorthand for the `Accept` header, e.g. `['application/vnd.oci.image.index.v1+json']`. */
  accept?: string | readonly string[];
  /** Largest body accepted, in bytes, e.g. `1_048_576`. Enforced while streaming. */
  maxBytes?: number;
  /** Time budget of one attempt (connect, headers and body together), e.g. `10_000`. */
  timeoutMs?: number;
  /** Cancels the request; the error then has code `aborted`. */
  signal?: AbortSignal;
  /** Request body for POST/PUT/PATCH, e.g. the bytes of a multipart upload. */
  body?: Uint8Array | string;
  /** Content type of `body`, e.g. `'application/json'`. */
  contentType?: string;
  /**
   * When true (the default), a non-2xx final answer throws a typed error (`auth` for 401/403,
   * `not-found` for 404, `http-status` otherwise). When false, every answer is returned as is.
   */
  throwHttpErrors?: boolean;
}

/** A complete answer. Header names are lower-case; repeated headers are joined with `, `. */
export interface HttpResponse {
  /** HTTP status, e.g. `200`. */
  readonly status: number;
  /** Response headers, e.g. `{ 'docker-content-digest': 'sha256:…' }`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The whole body (empty for HEAD). */
  readonly body: Uint8Array;
  /** The URL that answered, after same-origin redirects (not redacted; never log it as is). */
  readonly url: string;
}

/** The HTTP client port. */
export interface HttpClient {
  request(method: HttpMethod, url: string, options?: RequestOptions): Promise<HttpResponse>;
  get(url: string, options?: RequestOptions): Promise<HttpResponse>;
  head(url: string, options?: RequestOptions): Promise<HttpResponse>;
  post(url: string, body: Uint8Array | string, options?: RequestOptions): Promise<HttpResponse>;
  put(url: string, body: Uint8Array | string, options?: RequestOptions): Promise<HttpResponse>;
}

/** The verb shorthands of an {@link HttpClient}, written once around its `request` method. */
export abstract class HttpClientBase implements HttpClient {
  abstract request(method: HttpMethod, url: string, options?: RequestOptions): Promise<HttpResponse>;

  get(url: string, options?: RequestOptions): Promise<HttpResponse> {
    return this.request('GET', url, options);
  }
  head(url: string, options?: RequestOptions): Promise<HttpResponse> {
    return this.request('HEAD', url, options);
  }
  post(url: string, body: Uint8Array | string, options?: RequestOptions): Promise<HttpResponse> {
    return this.request('POST', url, { ...options, body });
  }
  put(url: string, body: Uint8Array | string, options?: RequestOptions): Promise<HttpResponse> {
    return this.request('PUT', url, { ...options, body });
  }
}

/** One finished attempt, reported to observers (request counters, benchmarks, logs). */
export interface RequestEvent {
  readonly method: HttpMethod;
  /** Redacted URL. */
  readonly url: string;
  /** HTTP status, or undefined when the attempt failed before an answer. */
  readonly status: number | undefined;
  /** Error code when the attempt failed, e.g. `timeout`. */
  readonly errorCode: string | undefined;
  readonly durationMs: number;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
}

/** The body decoded as UTF-8 text. */
export function bodyText(response: HttpResponse): string {
  return new TextDecoder().decode(response.body);
}

/** Case-insensitive lookup of a request header in a plain record. */
export function findHeader(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === lower) return value;
  }
  return undefined;
}

/** A copy of `headers` without the named ones (case-insensitive). */
export function withoutHeaders(headers: Record<string, string> | undefined, ...names: string[]): Record<string, string> {
  const drop = new Set(names.map((n) => n.toLowerCase()));
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([key]) => !drop.has(key.toLowerCase())));
}
