import { nullLogger, type Logger } from '../ports';
import { HttpClientBase, withoutHeaders, type HttpClient, type HttpMethod, type HttpResponse, type RequestOptions } from './http';
import { findBearerChallenge, hasBasicChallenge, parseWwwAuthenticate } from './challenge';
import type { AuthCache, OriginAuth, TokenKey } from './authCache';
import type { RegistryCredentials } from './credentials';
import { mayReceiveCredentials } from './authPolicy';
import { basicAuthorization, fetchToken } from './tokenFetch';
import { NetError, isNetError } from './netError';
import { redactUrl } from './redact';
import { statusError } from './statusError';
import { normalizeRegistryKey } from './registryHost';

/** Where credentials come from; {@link CredentialResolver} implements it. */
export interface CredentialSource {
  get(registryHost: string, signal?: AbortSignal): Promise<RegistryCredentials | undefined>;
}

/** Options of {@link TokenAuthClient}. */
export interface TokenAuthOptions {
  /** The client that sends the requests (usually an UndiciHttpClient). */
  http: HttpClient;
  /** Registry whose credentials apply, e.g. `docker.io` (also for notary.docker.io) or `127.0.0.1:5000`. */
  registryHost: string;
  /** Scope asked of the token realm, e.g. `repository:library/alpine:pull` or `repository:<gun>:pull,push`. */
  scope: string;
  credentials: CredentialSource;
  /** Shared between clients so tokens and challenges are reused. */
  cache: AuthCache;
  /**
   * Further host names that may receive this registry's credentials, e.g. a token service on another
   * domain that the user approved in settings: `['auth.corp.example']`. Default none.
   */
  trustedAuthHosts?: readonly string[];
  logger?: Logger;
}

/** Docker's scope string, e.g. `repositoryScope('docker.io/library/alpine', ['pull', 'push'])`. */
export function repositoryScope(name: string, actions: readonly ('pull' | 'push' | '*')[]): string {
  return `repository:${name}:${actions.join(',')}`;
}

// What one authorisation step produced; `problem` says why credentials could not be looked up.
type Attempt = { header: string | undefined; fresh: boolean; key?: TokenKey; problem?: string };

/**
 * An {@link HttpClient} that answers 401 challenges the way docker does, for the registry and the
 * notary server alike: a Bearer challenge leads to a token request (with credentials only when policy
 * allows them for the realm), then one retry with `Authorization: Bearer`; a Basic challenge leads to
 * one retry with Basic credentials. A 401 after fresh credentials is an `auth` error, never a loop.
 */
export class TokenAuthClient extends HttpClientBase {
  readonly #o: TokenAuthOptions;
  readonly #logger: Logger;
  readonly #registryHost: string;

  constructor(options: TokenAuthOptions) {
    super();
    this.#o = options;
    this.#logger = options.logger ?? nullLogger;
    this.#registryHost = normalizeRegistryKey(options.registryHost);
  }

  async request(method: HttpMethod, url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const target = safeUrl(url);
    if (!target) throw new NetError('bad-request', `invalid URL ${redactUrl(url)}`);
    const known = this.#o.cache.originAuth(target.origin);
    let attempt: Attempt = known ? await this.#authorize(known, target, false, options.signal) : { header: undefined, fresh: false };
    let response = await this.#send(method, url, options, attempt.header);
    for (let retried = false; response.status === 401; retried = true) {
      const origin = this.#originAuth(response);
      if (!origin || retried || attempt.fresh) break;
      this.#o.cache.rememberOrigin(target.origin, origin);
      if (attempt.key) this.#o.cache.deleteToken(attempt.key);
      attempt = await this.#authorize(origin, target, true, options.signal);
      if (attempt.header === undefined) break;
      response = await this.#send(method, url, options, attempt.header);
    }
    if (response.status === 401) throw this.#authError(method, response, attempt);
    if (options.throwHttpErrors !== false && (response.status < 200 || response.status >= 300)) throw statusError(method, response);
    return response;
  }

  #send(method: HttpMethod, url: string, options: RequestOptions, authorization: string | undefined): Promise<HttpResponse> {
    const headers = withoutHeaders(options.headers, 'authorization');
    if (authorization !== undefined) headers['authorization'] = authorization;
    return this.#o.http.request(method, url, { ...options, headers, throwHttpErrors: false });
  }

  #originAuth(response: HttpResponse): OriginAuth | undefined {
    const challenges = parseWwwAuthenticate(response.headers['www-authenticate'] ?? '');
    const bearer = findBearerChallenge(challenges);
    if (bearer) return { kind: 'bearer', challenge: bearer };
    return hasBasicChallenge(challenges) ? { kind: 'basic' } : undefined;
  }

  // The Authorization header for an origin. `fresh` forces a new token instead of a cached one.
  async #authorize(origin: OriginAuth, target: URL, fresh: boolean, signal?: AbortSignal): Promise<Attempt> {
    const { credentials, problem } = await this.#lookUpCredentials(signal);
    if (origin.kind === 'basic') {
      if (!credentials || credentials.username === undefined || !mayReceiveCredentials(credentials, target, this.#o.trustedAuthHosts)) {
        return withProblem({ header: undefined, fresh }, problem);
      }
      return { header: basicAuthorization(credentials.username, credentials.password ?? ''), fresh: true };
    }
    const { challenge } = origin;
    const realm = safeUrl(challenge.realm);
    const allowed = credentials !== undefined && realm !== undefined && mayReceiveCredentials(credentials, realm, this.#o.trustedAuthHosts);
    if (credentials && !allowed && this.#o.cache.firstTime(`${credentials.host} ${challenge.realm}`)) {
      this.#logger.warn(
        `not sending credentials for ${credentials.host} to token realm ${realm ? realm.origin : '(invalid)'}: it is not a host of ${credentials.host}; asking for an anonymous token`,
      );
    }
    const sent = allowed ? credentials : undefined;
    const key: TokenKey = { realm: challenge.realm, service: challenge.service ?? '', scope: this.#o.scope, account: accountOf(sent) };
    if (!fresh) {
      const cached = this.#o.cache.getToken(key);
      if (cached !== undefined) return withProblem({ header: `Bearer ${cached}`, fresh: false, key }, problem);
    }
    const issued = await fetchToken(this.#o.http, challenge, this.#o.scope, sent, signal);
    this.#o.cache.setToken(key, issued.token, issued.expiresInSec);
    return withProblem({ header: `Bearer ${issued.token}`, fresh: true, key }, problem);
  }

  // A broken helper or config must not stop anonymous access to public repositories (docker would
  // fail outright): the failure is logged and reported in the auth error if the server insists.
  async #lookUpCredentials(signal?: AbortSignal): Promise<{ credentials?: RegistryCredentials; problem?: string }> {
    try {
      const credentials = await this.#o.credentials.get(this.#registryHost, signal);
      return credentials ? { credentials } : {};
    } catch (e) {
      if (!isNetError(e) || e.code === 'aborted') throw e;
      if (this.#o.cache.firstTime(`lookup ${this.#registryHost} ${e.message}`)) {
        this.#logger.warn(`cannot look up credentials for ${this.#registryHost}, continuing without: ${e.message}`);
      }
      return { problem: e.message };
    }
  }

  #authError(method: HttpMethod, response: HttpResponse, attempt: Attempt): NetError {
    const url = redactUrl(response.url);
    const bearer = findBearerChallenge(parseWwwAuthenticate(response.headers['www-authenticate'] ?? ''));
    const reason =
      attempt.header === undefined
        ? `no usable credentials for ${this.#registryHost}`
        : bearer?.error === 'insufficient_scope'
          ? `the token does not grant ${this.#o.scope}`
          : 'the server refused the credentials';
    const problem = attempt.problem === undefined ? '' : ` (credentials could not be looked up: ${attempt.problem})`;
    return new NetError('auth', `${method} ${url} -> 401: ${reason}${problem}`, { url, status: 401 });
  }
}

function withProblem(attempt: Attempt, problem: string | undefined): Attempt {
  return problem === undefined ? attempt : { ...attempt, problem };
}

function accountOf(credentials: RegistryCredentials | undefined): string {
  if (!credentials) return '';
  return credentials.username ?? (credentials.identityToken !== undefined ? '<identity token>' : '');
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
