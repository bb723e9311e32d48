import { NetError } from './netError';
import { redactUrl } from './redact';
import { withoutHeaders, type HttpMethod } from './http';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

// Headers that carry credentials. They never follow a redirect to another origin, so a registry that
// redirects blob or manifest reads to a storage host cannot leak the token (or Basic password) there.
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

/** The next hop of a redirect chain. */
export interface RedirectHop {
  url: URL;
  headers: Record<string, string>;
  /** True when the origin changed and credential headers were dropped. */
  crossOrigin: boolean;
}

/**
 * Decides whether and how to follow a redirect answer. Returns undefined when the answer is not a
 * followable redirect (not a redirect status, no Location, or a non-idempotent method), so the caller
 * treats it as the final answer.
 * @throws NetError `redirect` for a downgrade from https to http or a non-http(s) target
 */
export function planRedirect(
  from: URL,
  method: HttpMethod,
  status: number,
  location: string | undefined,
  headers: Record<string, string>,
): RedirectHop | undefined {
  if (!REDIRECT_STATUSES.has(status) || !location) return undefined;
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  let target: URL;
  try {
    target = new URL(location, from);
  } catch (e) {
    throw new NetError('redirect', `${redactUrl(from)} redirected to an invalid location`, { url: redactUrl(from), status, cause: e });
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    throw new NetError('redirect', `${redactUrl(from)} redirected to unsupported scheme ${target.protocol}`, { url: redactUrl(from), status });
  }
  if (from.protocol === 'https:' && target.protocol === 'http:') {
    throw new NetError('redirect', `refusing redirect from https to http: ${redactUrl(from)} -> ${redactUrl(target)}`, {
      url: redactUrl(from),
      status,
    });
  }
  const crossOrigin = target.origin !== from.origin;
  return { url: target, headers: crossOrigin ? withoutHeaders(headers, ...CREDENTIAL_HEADERS) : headers, crossOrigin };
}
