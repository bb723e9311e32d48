/**
 * Redaction of URLs before they reach a log or an error message. Credentials can hide in the userinfo
 * part (`https://user:pass@host`) and in query parameters (pre-signed blob URLs, token endpoints).
 */

// Query parameter names whose values are secrets or capabilities. Matched case-insensitively; any
// name containing one of these fragments is redacted (e.g. `X-Amz-Signature`, `refresh_token`).
const SECRET_PARAM_FRAGMENTS = ['token', 'password', 'passwd', 'secret', 'signature', 'sig', 'credential', 'auth', 'key', 'code'];

const REDACTED = 'REDACTED';

/** True when a query parameter of this name should never be shown, e.g. `access_token`, `X-Amz-Signature`. */
export function isSecretParam(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_PARAM_FRAGMENTS.some((fragment) => lower.includes(fragment));
}

/**
 * A URL safe to log: userinfo removed, secret query values replaced by `REDACTED`, fragment dropped.
 * Unparseable input is reduced to a placeholder rather than echoed, since it may hold anything.
 * @example redactUrl('https://u:p@auth.example/token?scope=repository:a:pull&access_token=x')
 *   // 'https://auth.example/token?scope=repository:a:pull&access_token=REDACTED'
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url.toString());
  } catch {
    return '<invalid URL>';
  }
  parsed.username = '';
  parsed.password = '';
  parsed.hash = '';
  // Rewrite the raw query pair by pair so that harmless parameters keep their exact spelling.
  if (parsed.search.length > 1) {
    const pairs = parsed.search.slice(1).split('&').map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      return eq >= 0 && isSecretParam(safeDecode(rawName)) ? `${rawName}=${REDACTED}` : pair;
    });
    parsed.search = `?${pairs.join('&')}`;
  }
  return parsed.toString();
}

function safeDecode(component: string): string {
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    return component;
  }
}
