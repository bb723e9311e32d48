import { TrustLensError } from '../errors';

/**
 * Codes of every failure the network layer reports. Callers switch on these, never on message text.
 * - `timeout`: no complete answer within the request's time budget (connect, headers or body).
 * - `aborted`: the caller's `AbortSignal` fired.
 * - `connection`: refused, reset, DNS failure, socket closed early.
 * - `tls`: certificate not trusted, wrong host name, handshake failure.
 * - `http-status`: the server answered with an unexpected status (`status` is set).
 * - `not-found`: the server answered 404 (`status` is 404).
 * - `auth`: 401/403, a rejected token request, or credentials withheld by policy.
 * - `too-large`: the body exceeded `maxBytes` (announced or while streaming).
 * - `redirect`: too many redirects, or a redirect the client refuses to follow (e.g. https to http).
 * - `bad-response`: the server's answer is malformed (bad JSON, missing header, unknown media type).
 * - `digest-mismatch`: the bytes received do not hash to the digest announced or asked for.
 * - `bad-request`: the caller asked for something invalid (bad URL, bad repository name).
 * - `config`: the docker config file cannot be read or is malformed.
 * - `credentials`: a credential helper is missing, failed or answered nonsense.
 */
export type NetErrorCode =
  | 'timeout'
  | 'aborted'
  | 'connection'
  | 'tls'
  | 'http-status'
  | 'not-found'
  | 'auth'
  | 'too-large'
  | 'redirect'
  | 'bad-response'
  | 'digest-mismatch'
  | 'bad-request'
  | 'config'
  | 'credentials';

/** Where a network error happened. `url` is always redacted (no userinfo, no query secrets). */
export interface NetErrorDetails {
  /** The redacted URL of the failing request, e.g. `https://127.0.0.1:4443/v2/`. */
  url?: string;
  /** The HTTP status when the server answered, e.g. `503`. */
  status?: number;
  /** The lower-level error, if any. */
  cause?: unknown;
  /** The first errcode of a docker/distribution error body, e.g. `DIGEST_INVALID`. */
  registryCode?: string;
}

/**
 * A typed network failure. It is a {@link TrustLensError} (so `TrustLensError.is(e, 'timeout')` works)
 * that also carries the URL and, for HTTP answers, the status.
 */
export class NetError extends TrustLensError<NetErrorCode> {
  readonly url: string | undefined;
  readonly status: number | undefined;
  readonly registryCode: string | undefined;

  constructor(code: NetErrorCode, message: string, details: NetErrorDetails = {}) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.url = details.url;
    this.status = details.status;
    this.registryCode = details.registryCode;
  }
}

/** True when `e` is a network error, optionally with the given code. Checks shape, not `instanceof`. */
export function isNetError(e: unknown, code?: NetErrorCode): e is NetError {
  return TrustLensError.is(e, code) && 'url' in e && 'status' in e;
}
