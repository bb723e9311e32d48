/**
 * Wires a {@link TrustPublisher} for Node the way docker wires `docker trust`: docker config
 * credentials and CAs, token auth with scope `repository:<gun>:pull,push` (`ActionsPushAndPull`),
 * the trust server chosen per registry as docker chooses it, the key store in
 * `$DOCKER_CONFIG/trust/private`, and the registry for resolving tags.
 */
import { join } from 'node:path';
import { FileKeyStore } from '../keys/fileKeyStore';
import type { RequestEvent } from '../../../net/http';
import { RegistryClient } from '../../../net/registryClient';
import { createRegistryTransport } from '../../../net/registryTransport';
import type { Clock, Logger } from '../../../ports';
import type { RepositoryKey } from '../outcome';
import type { MetadataStore } from '../metadataStore';
import { resolveTrustServer } from '../trustServer';
import type { PublishingKeys } from './publishingKeys';
import type { PassphraseProvider } from '../keys/signingKey';
import { StoreKeys } from './storeKeys';
import { TrustPublisher } from './trustPublisher';

/** Everything needed to publish from Node. */
export interface PublisherSetup {
  /** Docker config directory (credentials, `tls/<host:port>/`, `trust/private`), e.g. `~/.docker`. */
  dockerConfigDir: string;
  /** The verified-metadata cache the read side uses (its pinned roots are trusted here too). */
  store: MetadataStore;
  /** Passphrases for key files, e.g. docker's environment variables or an input box. */
  passphrases: PassphraseProvider;
  /** `DOCKER_CONTENT_TRUST_SERVER` and friends. */
  env: Readonly<Record<string, string | undefined>>;
  /** Trust server per registry host, e.g. `{ 'registry.example.com': 'https://notary.example.com:4443' }`. */
  trustServers?: Readonly<Record<string, string>>;
  clock: Clock;
  logger: Logger;
  /** e.g. `trustlens/0.1.0` */
  userAgent: string;
  /** Keys to use instead of the docker key store (e.g. a separate trust dir). */
  keys?: PublishingKeys;
  /** Talk plain http to loopback registries, as to a local test registry. */
  plainHttpForLoopbackRegistries?: boolean;
  timeoutMs?: number;
  onRequest?: (event: RequestEvent) => void;
}

/** A publisher and the HTTP client to close when done. */
export function createTrustPublisher(setup: PublisherSetup): { publisher: TrustPublisher; close(): Promise<void> } {
  const transport = createRegistryTransport({ ...setup, allowCredentials: true });
  const { http, credentials, authCache: cache } = transport;
  const httpFor = (key: RepositoryKey) => transport.repositoryClient({
    registry: key.registry, repository: key.gun, actions: ['pull', 'push'], trustedAuthHosts: [new URL(key.server).hostname],
  });
  // notary asks for `*` for administrative requests, such as having the server make a new key.
  const adminHttpFor = (key: RepositoryKey) => transport.repositoryClient({
    registry: key.registry, repository: key.gun, actions: ['*'], trustedAuthHosts: [new URL(key.server).hostname],
  });
  const registry = new RegistryClient({
    http, credentials, cache, logger: setup.logger, timeoutMs: setup.timeoutMs,
    plainHttpForLoopback: setup.plainHttpForLoopbackRegistries ?? false,
  });
  const keys = setup.keys ?? new StoreKeys(new FileKeyStore(join(setup.dockerConfigDir, 'trust')), setup.passphrases, setup.clock);
  const publisher = new TrustPublisher({
    httpFor,
    adminHttpFor,
    store: setup.store,
    keys,
    registry,
    trustServerFor: (host) => resolveTrustServer(host, { env: setup.env, map: setup.trustServers }).url,
    clock: setup.clock,
    logger: setup.logger,
    ...(setup.timeoutMs === undefined ? {} : { timeoutMs: setup.timeoutMs }),
  });
  return { publisher, close: () => transport.close() };
}
