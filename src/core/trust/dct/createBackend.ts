import type { RequestEvent } from '../../net/http';
import { createRegistryTransport, type RegistryTransport } from '../../net/registryTransport';
import type { UndiciHttpClient } from '../../net/undiciHttpClient';
import type { Clock, Logger } from '../../ports';
import type { MetadataStore } from './metadataStore';
import { DEFAULT_TTL_MS } from '../cacheDir';
import type { BackendFactory } from '../trustService';
import { DctTrustBackend } from './dctBackend';
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

export { DEFAULT_TTL_MS, defaultCacheDir } from '../cacheDir';

/** An updater over a transport: the trust server chosen for a registry receives that registry's credentials, as with docker. */
function dctUpdater(transport: RegistryTransport, store: MetadataStore, clock: Clock, logger: Logger, o: { ttlMs?: number; timeoutMs?: number }): DctUpdater {
  return new DctUpdater({
    httpFor: (key: RepositoryKey) => transport.repositoryClient({
      registry: key.registry, repository: key.gun, actions: ['pull'], trustedAuthHosts: [new URL(key.server).hostname],
    }),
    store,
    clock,
    logger,
    ttlMs: o.ttlMs ?? DEFAULT_TTL_MS,
    timeoutMs: o.timeoutMs ?? 15_000,
  });
}

/** Wires the shared transport (undici, docker credentials, token auth per repository) to a {@link DctUpdater}. */
export function createDctBackend(options: DctBackendOptions): { backend: DctUpdater; http: UndiciHttpClient; transport: RegistryTransport; close(): Promise<void> } {
  const own = options.transport === undefined;
  const transport = options.transport ?? createRegistryTransport(options);
  const backend = dctUpdater(transport, options.store, options.clock, options.logger, options);
  return { backend, http: transport.http, transport, close: async () => (own ? transport.close() : undefined) };
}

/** The DCT backend as the engine builds it, over the engine's transport and cache. */
export function dctBackend(options: { ttlMs?: number; timeoutMs?: number; concurrency?: number }): BackendFactory {
  return (context) => {
    if (!context.transport || !context.store) throw new Error('the Docker Content Trust backend needs the engine\'s transport and store');
    const updater = dctUpdater(context.transport, context.store, context.clock, context.logger, options);
    return new DctTrustBackend({ backend: updater, clock: context.clock, logger: context.logger, env: context.env, ...(options.concurrency ? { concurrency: options.concurrency } : {}) });
  };
}
