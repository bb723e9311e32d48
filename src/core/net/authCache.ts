import { systemClock, type Clock } from '../ports';
import type { BearerChallenge } from './challenge';

/** How an origin asked to be authenticated, remembered so later requests can authenticate up front. */
export type OriginAuth = { kind: 'bearer'; challenge: BearerChallenge } | { kind: 'basic' };

/** Identifies a token: one per realm, service, scope and account (anonymous = empty account). */
export interface TokenKey {
  realm: string;
  service: string;
  scope: string;
  account: string;
}

// A token is not reused in its last seconds: it could expire while a request is in flight.
const EXPIRY_MARGIN_MS = 5_000;

/**
 * Bearer tokens (until their `expires_in`) and per-origin challenges, shared by every
 * authenticated client (registry and notary alike) so that a warm re-check needs no token request and no 401.
 * Expiry decisions use the injected {@link Clock}.
 */
export class AuthCache {
  readonly #clock: Clock;
  readonly #tokens = new Map<string, { token: string; expiresAt: number }>();
  readonly #origins = new Map<string, OriginAuth>();
  readonly #warned = new Set<string>();

  constructor(clock: Clock = systemClock) {
    this.#clock = clock;
  }

  /** A still-valid token for `key`, if any. */
  getToken(key: TokenKey): string | undefined {
    const id = tokenId(key);
    const entry = this.#tokens.get(id);
    if (!entry) return undefined;
    if (this.#clock.now().getTime() >= entry.expiresAt - EXPIRY_MARGIN_MS) {
      this.#tokens.delete(id);
      return undefined;
    }
    return entry.token;
  }

  /** Stores a token valid for `expiresInSec` seconds from now. */
  setToken(key: TokenKey, token: string, expiresInSec: number): void {
    this.#tokens.set(tokenId(key), { token, expiresAt: this.#clock.now().getTime() + expiresInSec * 1000 });
  }

  /** Drops a token the server refused. */
  deleteToken(key: TokenKey): void {
    this.#tokens.delete(tokenId(key));
  }

  rememberOrigin(origin: string, auth: OriginAuth): void {
    this.#origins.set(origin, auth);
  }

  originAuth(origin: string): OriginAuth | undefined {
    return this.#origins.get(origin);
  }

  /** True the first time for a given text: used to warn once instead of on every request. */
  firstTime(text: string): boolean {
    if (this.#warned.has(text)) return false;
    this.#warned.add(text);
    return true;
  }

  /** Forgets every token and challenge (e.g. after the user changed credentials). */
  clear(): void {
    this.#tokens.clear();
    this.#origins.clear();
    this.#warned.clear();
  }
}

function tokenId(key: TokenKey): string {
  return JSON.stringify([key.realm, key.service, key.scope, key.account]);
}
