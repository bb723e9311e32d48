import { bodyText, type HttpClient } from './http';
import type { BearerChallenge } from './challenge';
import type { RegistryCredentials } from './credentials';
import { NetError } from './netError';
import { redactUrl } from './redact';
import { statusError } from './statusError';

/** A token from a token endpoint. Never log it. */
export interface IssuedToken {
  token: string;
  /** Lifetime in seconds; 60 when the server does not say (the docker token spec's default). */
  expiresInSec: number;
}

const TOKEN_MAX_BYTES = 1024 * 1024;
const DEFAULT_EXPIRES_IN = 60;

/** Basic credentials for a header value, e.g. `Basic YWxpY2U6cHc=`. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/**
 * Asks a token realm for a bearer token, following the docker token protocol:
 * - anonymous or with a password: `GET <realm>?service=…&scope=…[&account=user]`, Basic credentials;
 * - with an identity token: `POST <realm>` form `grant_type=refresh_token&refresh_token=…&service=…&scope=…`.
 * Accepts `token` or `access_token` in the answer. The caller has already decided that `credentials`
 * may be sent to this realm; pass undefined for an anonymous token.
 * @throws NetError `auth` when the realm refuses, `bad-response` for an unusable answer, `bad-request` for a bad realm
 */
export async function fetchToken(
  http: HttpClient,
  challenge: BearerChallenge,
  scope: string,
  credentials: RegistryCredentials | undefined,
  signal?: AbortSignal,
): Promise<IssuedToken> {
  let realm: URL;
  try {
    realm = new URL(challenge.realm);
  } catch {
    throw new NetError('bad-response', 'the server sent an invalid token realm');
  }
  if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
    throw new NetError('bad-response', `unsupported token realm scheme ${realm.protocol}`, { url: redactUrl(realm) });
  }
  const params = new URLSearchParams();
  if (challenge.service !== undefined) params.set('service', challenge.service);
  if (scope !== '') params.set('scope', scope);
  const common = { maxBytes: TOKEN_MAX_BYTES, throwHttpErrors: false, signal, accept: 'application/json' } as const;
  let response;
  if (credentials?.identityToken !== undefined) {
    params.set('grant_type', 'refresh_token');
    params.set('refresh_token', credentials.identityToken);
    params.set('client_id', 'trustlens');
    response = await http.post(realm.toString(), params.toString(), { ...common, contentType: 'application/x-www-form-urlencoded' });
  } else {
    const headers: Record<string, string> = {};
    if (credentials?.username !== undefined) {
      params.set('account', credentials.username);
      headers['authorization'] = basicAuthorization(credentials.username, credentials.password ?? '');
    }
    for (const [name, value] of params) realm.searchParams.append(name, value);
    response = await http.get(realm.toString(), { ...common, headers });
  }
  if (response.status === 401 || response.status === 403) {
    const who = credentials ? `the credentials for ${credentials.host}` : 'an anonymous token request';
    throw new NetError('auth', `token server ${redactUrl(challenge.realm)} refused ${who} (${response.status})`, {
      url: redactUrl(response.url),
      status: response.status,
    });
  }
  if (response.status < 200 || response.status >= 300) throw statusError(credentials?.identityToken ? 'POST' : 'GET', response);
  return decodeTokenAnswer(bodyText(response), redactUrl(response.url));
}

/**
 * Reads `{"token"|"access_token": …, "expires_in": …}`.
 * @throws NetError `bad-response`
 */
export function decodeTokenAnswer(text: string, url: string): IssuedToken {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new NetError('bad-response', `token server ${url} answered with invalid JSON`, { url });
  }
  const answer = (typeof raw === 'object' && raw !== null ? raw : {}) as { token?: unknown; access_token?: unknown; expires_in?: unknown };
  const token = typeof answer.token === 'string' && answer.token !== '' ? answer.token : answer.access_token;
  if (typeof token !== 'string' || token === '') throw new NetError('bad-response', `token server ${url} answered without a token`, { url });
  const expiresIn = typeof answer.expires_in === 'number' && Number.isFinite(answer.expires_in) && answer.expires_in > 0 ? answer.expires_in : DEFAULT_EXPIRES_IN;
  return { token, expiresInSec: expiresIn };
}
