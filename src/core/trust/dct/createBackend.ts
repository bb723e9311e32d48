import { homedir } from 'node:os';
import { join } from 'node:path';
import { AuthCache } from '../../net/authCache';
import { CredentialResolver } from '../../net/credentials';
import type { RequestEvent } from '../../net/http';
import { repositoryScope, TokenAuthClient } from '../../net/tokenAuth';
import { UndiciHttpClient } from '../../net/undiciHttpClient';
import type { Clock, Logger } from '../../ports';
import type { MetadataStore } from './metadataStore';
import type { RepositoryKey } from './outcome';
import { DctUpdater } from './updater';

/** Everything needed to build a Docker Content Trust backend on Node. */
export interface DctBackendOptions {
  /** The docker config directory (credentials, `tls/<host:port>/` CAs), e.g. `~/.docker`. */
  dockerConfigDir: string;
  /** False in untrusted workspaces: no credential helper runs and no credential is sent. */
  allowCredentials: boolean;
  store: MetadataStore;
  clock: Clock;
  logger: Logger;
  /** e.g. `trustlens/0.1.0` */
  userAgent: string;
  /** A re-check within this many ms makes no request (default 5 minutes). */
  ttlMs?: number;
  /** Per-request time budget (default 15 s). */
  timeoutMs?: number;
  onRequest?: (event: RequestEvent) => void;
}

/** The default metadata cache directory of the CLI: `$XDG_CACHE_HOME/trustlens` or `~/.cache/trustlens`. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  return env.TRUSTLENS_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'trustlens');
}

export const DEFAULT_TTL_MS = 5 * 60_000;

/** Wires the undici client, docker credentials and token auth to a {@link DctUpdater}. */
export function createDctBackend(options: DctBackendOptions): { backend: DctUpdater; http: UndiciHttpClient; close(): Promise<void> } {
  const http = new UndiciHttpClient({
    dockerConfigDir: options.dockerConfigDir,
    logger: options.logger,
    userAgent: options.userAgent,
    timeoutMs: options.timeoutMs,
    onRequest: options.onRequest,
  });
  const credentials = options.allowCredentials
    ? new CredentialResolver({ dockerConfigDir: options.dockerConfigDir, allowCredentialHelpers: true, logger: options.logger })
    : { get: async () => undefined };
  const cache = new AuthCache(options.clock);
  const clients = new Map<string, TokenAuthClient>();
  const httpFor = (key: RepositoryKey) => {
    const id = `${key.registry}\n${key.gun}`;
    let client = clients.get(id);
    if (!client) {
      // The trust server chosen for a registry receives that registry's credentials, as with docker.
      const trustServerHost = new URL(key.server).hostname;
      client = new TokenAuthClient({
        http, registryHost: key.registry, scope: repositoryScope(key.gun, ['pull']), credentials, cache,
        trustedAuthHosts: [trustServerHost], logger: options.logger,
      });
      clients.set(id, client);
    }
    return client;
  };
  const backend = new DctUpdater({
    httpFor,
    store: options.store,
    clock: options.clock,
    logger: options.logger,
    ttlMs: options.ttlMs ?? DEFAULT_TTL_MS,
    timeoutMs: options.timeoutMs ?? 15_000,
  });
  return { backend, http, close: () => http.close() };
}

