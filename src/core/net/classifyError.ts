import { NetError } from './netError';

// Node/OpenSSL codes for certificate and handshake failures. Anything with CERT, SSL or TLS in its code
// is a TLS problem too (e.g. ERR_TLS_CERT_ALTNAME_INVALID, ERR_SSL_WRONG_VERSION_NUMBER).
// Codes of a certificate that does not chain to a trusted CA.
const UNTRUSTED_CERT_CODES = [
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
];
const TLS_CODES = new Set([...UNTRUSTED_CERT_CODES, 'EPROTO']);

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Maps a low-level failure of one HTTP attempt (undici or Node socket/TLS error) to a typed
 * {@link NetError}. Abort and deadline handling happen before this, where the signals are known.
 * @param e the thrown value
 * @param method e.g. `GET`
 * @param url redacted URL of the attempt
 */
export function classifyRequestError(e: unknown, method: string, url: string): NetError {
  if (e instanceof NetError) return e;
  // undici wraps the socket error; the interesting code may sit on the cause.
  const codes = [errorCode(e), errorCode((e as { cause?: unknown } | null)?.cause)].filter((c): c is string => !!c);
  const detail = describe(e);
  if (codes.some((c) => TLS_CODES.has(c) || /CERT|SSL|TLS/.test(c))) {
    return new NetError('tls', `TLS failure for ${method} ${url}: ${detail}`, { url, cause: e });
  }
  if (codes.some((c) => TIMEOUT_CODES.has(c))) {
    return new NetError('timeout', `${method} ${url} timed out: ${detail}`, { url, cause: e });
  }
  return new NetError('connection', `cannot reach ${url} (${method}): ${detail}`, { url, cause: e });
}

function describe(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const cause = (e as { cause?: unknown } | null)?.cause;
  const code = errorCode(e) ?? errorCode(cause);
  const text = cause instanceof Error && !message.includes(cause.message) ? `${message}: ${cause.message}` : message;
  return code && !text.includes(code) ? `${text} (${code})` : text;
}

/** Every `code` along an error's cause chain (undici nests the socket's error), a few levels deep. */
function causeCodes(e: unknown): string[] {
  const codes: string[] = [];
  let at: unknown = e;
  for (let depth = 0; depth < 5 && at !== null && typeof at === 'object'; depth += 1) {
    const code = errorCode(at);
    if (code) codes.push(code);
    at = (at as { cause?: unknown }).cause;
  }
  return codes;
}

/**
 * Why a server could not be asked, in the few words a person reads in a diagnostic, completing
 * "the trust server …": e.g. `refused the connection`, `did not answer in time`. Undefined for a
 * failure that is not about reaching the server (an HTTP status, a refused login, a bad answer),
 * whose own message says more. The URL and error codes stay in the error's message.
 */
export function unreachableReason(e: NetError): string | undefined {
  const codes = causeCodes(e);
  const has = (...wanted: string[]) => codes.some((c) => wanted.includes(c));
  switch (e.code) {
    case 'timeout':
      return 'did not answer in time';
    case 'tls':
      if (has('CERT_HAS_EXPIRED')) return 'presented an expired TLS certificate';
      if (has('ERR_TLS_CERT_ALTNAME_INVALID')) return 'presented a TLS certificate for another host name';
      if (has(...UNTRUSTED_CERT_CODES)) return 'presented a TLS certificate that is not trusted';
      return 'failed the TLS handshake';
    case 'connection':
      if (has('ECONNREFUSED')) return 'refused the connection';
      if (has('ENOTFOUND', 'EAI_AGAIN')) return 'could not be found (its host name does not resolve)';
      if (has('EHOSTUNREACH', 'ENETUNREACH')) return 'is not reachable from this network';
      if (has('ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE')) return 'closed the connection';
      return 'could not be reached';
    default:
      return undefined;
  }
}
