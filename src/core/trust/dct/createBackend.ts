import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RequestEvent } from '../../net/http';
import { createRegistryTransport, type RegistryTransport } from '../../net/registryTransport';
import type { UndiciHttpClient } from '../../net/undiciHttpClient';
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
  /** A transport to share (the engine's); one is made from the options above when absent, and closed by `close()`. */
  transport?: RegistryTransport;
}

/** The default metadata cache directory of the CLI: `$XDG_CACHE_HOME/trustlens` or `~/.cache/trustlens`. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  return env.TRUSTLENS_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'trustlens');
}

export const DEFAULT_TTL_MS = 5 * 60_000;

/** Wires the shared transport (undici, docker credentials, token auth per repository) to a {@link DctUpdater}. */
export function createDctBackend(options: DctBackendOptions): { backend: DctUpdater; http: UndiciHttpClient; transport: RegistryTransport; close(): Promise<void> } {
  const own = options.transport === undefined;
  const transport = options.transport ?? createRegistryTransport(options);
  // The trust server chosen for a registry receives that registry's credentials, as with docker.
  const httpFor = (key: RepositoryKey) => transport.repositoryClient({
    registry: key.registry, repository: key.gun, actions: ['pull'], trustedAuthHosts: [new URL(key.server).hostname],
  });
  const backend = new DctUpdater({
    httpFor,
    store: options.store,
    clock: options.clock,
    logger: options.logger,
    ttlMs: options.ttlMs ?? DEFAULT_TTL_MS,
    timeoutMs: options.timeoutMs ?? 15_000,
  });
  return { backend, http: transport.http, transport, close: async () => (own ? transport.close() : undefined) };
}
