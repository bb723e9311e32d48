import { NetError } from './netError';

// Node/OpenSSL codes for certificate and handshake failures. Anything with CERT, SSL or TLS in its code
// is a TLS problem too (e.g. ERR_TLS_CERT_ALTNAME_INVALID, ERR_SSL_WRONG_VERSION_NUMBER).
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'EPROTO',
]);

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
