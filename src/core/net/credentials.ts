import { nullLogger, type Logger } from '../ports';
import { findAuthEntry, findCredentialHelper, readDockerConfig } from './dockerConfig';
import { runCredentialHelper } from './credentialHelper';
import { credentialServerAddress, normalizeRegistryKey } from './registryHost';

/**
 * Credentials for one registry host. They are bound to `host`: the auth layer sends them only to that
 * host or to a well-known token realm of it. Never log the object; use {@link describeCredentials}.
 */
export interface RegistryCredentials {
  /** The normalised registry host they were stored for, e.g. `docker.io` or `127.0.0.1:5000`. */
  host: string;
  username?: string;
  password?: string;
  /** OAuth refresh token, exchanged at the token realm with `grant_type=refresh_token`. */
  identityToken?: string;
  /** Where they came from, e.g. `config.json` or `docker-credential-pass`. */
  source: string;
}

/** Options of {@link CredentialResolver}. */
export interface CredentialOptions {
  /** The docker config directory, e.g. `defaultDockerConfigDir(process.env)`. */
  dockerConfigDir: string;
  /** False in untrusted workspaces: no `docker-credential-*` process is ever started. */
  allowCredentialHelpers: boolean;
  /** Time limit per helper run, e.g. `10000`. */
  helperTimeoutMs?: number;
  /** Environment for helper processes (its PATH picks the executable). Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  logger?: Logger;
}

/** A safe one-line description: who and from where, never a secret. */
export function describeCredentials(c: RegistryCredentials): string {
  const who = c.username !== undefined ? `user ${c.username}` : c.identityToken !== undefined ? 'an identity token' : 'no user';
  return `${who} for ${c.host} from ${c.source}`;
}

/**
 * Finds credentials for registry hosts the way docker does: a `credHelpers` entry for the host, else
 * `credsStore`, else the `auths` entry of `config.json`. Answers are cached per host for the life of
 * the resolver (helpers can be slow or prompt); call `clear()` after the user logs in again.
 */
export class CredentialResolver {
  readonly #options: CredentialOptions;
  readonly #logger: Logger;
  readonly #cache = new Map<string, Promise<RegistryCredentials | undefined>>();

  constructor(options: CredentialOptions) {
    this.#options = options;
    this.#logger = options.logger ?? nullLogger;
  }

  /**
   * Credentials for a registry host (`docker.io`, `127.0.0.1:5000`, or any docker key spelling).
   * @throws NetError `config` for a broken config file; `credentials`/`timeout` when a helper fails
   */
  get(registryHost: string, signal?: AbortSignal): Promise<RegistryCredentials | undefined> {
    const host = normalizeRegistryKey(registryHost);
    let pending = this.#cache.get(host);
    if (!pending) {
      pending = this.#resolve(host, signal);
      this.#cache.set(host, pending);
      // Failures are not cached: a helper may work on the next try (e.g. after unlocking a keychain).
      pending.catch(() => this.#cache.delete(host));
    }
    return pending;
  }

  /** Forgets every cached answer. */
  clear(): void {
    this.#cache.clear();
  }

  async #resolve(host: string, signal?: AbortSignal): Promise<RegistryCredentials | undefined> {
    const config = await readDockerConfig(this.#options.dockerConfigDir);
    const helper = findCredentialHelper(config, host);
    if (helper !== undefined && this.#options.allowCredentialHelpers) {
      const found = await runCredentialHelper(helper, credentialServerAddress(host), {
        timeoutMs: this.#options.helperTimeoutMs,
        env: this.#options.env,
        signal,
      });
      const source = `docker-credential-${helper}`;
      this.#logger.debug(found ? `credentials for ${host} from ${source}` : `${source} has no credentials for ${host}`);
      return found ? { host, source, ...found } : undefined;
    }
    if (helper !== undefined) {
      this.#logger.info(`credential helper docker-credential-${helper} not run for ${host}: credential helpers are disabled`);
    }
    const entry = findAuthEntry(config, host);
    if (!entry || (entry.username === undefined && entry.identityToken === undefined)) return undefined;
    this.#logger.debug(`credentials for ${host} from ${config.path}`);
    return { host, source: 'config.json', ...entry };
  }
}
