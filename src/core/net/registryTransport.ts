/**
 * The one place HTTP to registries and trust servers is wired on Node: the undici client (docker's
 * `tls/<host:port>/` CAs, timeouts, the request log), docker credentials (none in an untrusted
 * workspace) and a token cache, and one token-auth client per repository and scope. Every backend,
 * signing and the registry client share it, so they share connections and tokens.
 */
import { AuthCache } from './authCache';
import { CredentialResolver } from './credentials';
import type { RequestEvent } from './http';
import { repositoryScope, TokenAuthClient, type CredentialSource } from './tokenAuth';
import { UndiciHttpClient } from './undiciHttpClient';
import type { Clock, Logger } from '../ports';

/** Everything needed to reach registries and trust servers from Node. */
export interface RegistryTransportOptions {
  /** The docker config directory (credentials, `tls/<host:port>/` CAs), e.g. `~/.docker`. */
  dockerConfigDir: string;
  /** False in untrusted workspaces: no credential helper runs and no credential is sent. */
  allowCredentials: boolean;
  clock: Clock;
  logger: Logger;
  /** e.g. `trustlens/0.1.0` */
  userAgent: string;
  /** Per-request time budget. */
  timeoutMs?: number;
  onRequest?: (event: RequestEvent) => void;
}

/** Which token a repository client asks for. */
export interface RepositoryAccess {
  /** The registry whose credentials apply, e.g. `127.0.0.1:5000`. */
  registry: string;
  /** The repository, e.g. `127.0.0.1:5000/team/app`. */
  repository: string;
  /** `*` is what notary asks for administrative requests such as rotating a server-held key. */
  actions: readonly ('pull' | 'push' | '*')[];
  /** Hosts besides the registry's own that may receive its credentials (e.g. its trust server). */
  trustedAuthHosts?: readonly string[];
}

export interface RegistryTransport {
  readonly http: UndiciHttpClient;
  readonly credentials: CredentialSource;
  readonly authCache: AuthCache;
  /** The token-auth client of one repository and scope, made once and then shared. */
  repositoryClient(access: RepositoryAccess): TokenAuthClient;
  close(): Promise<void>;
}

export function createRegistryTransport(options: RegistryTransportOptions): RegistryTransport {
  const http = new UndiciHttpClient({
    dockerConfigDir: options.dockerConfigDir,
    logger: options.logger,
    userAgent: options.userAgent,
    timeoutMs: options.timeoutMs,
    onRequest: options.onRequest,
  });
  const credentials: CredentialSource = options.allowCredentials
    ? new CredentialResolver({ dockerConfigDir: options.dockerConfigDir, allowCredentialHelpers: true, logger: options.logger })
    : { get: async () => undefined };
  const authCache = new AuthCache(options.clock);
  const clients = new Map<string, TokenAuthClient>();
  return {
    http,
    credentials,
    authCache,
    repositoryClient(access) {
      const hosts = access.trustedAuthHosts ?? [];
      const id = [access.registry, access.repository, access.actions.join(','), ...hosts].join('\n');
      let client = clients.get(id);
      if (!client) {
        client = new TokenAuthClient({
          http, registryHost: access.registry, scope: repositoryScope(access.repository, [...access.actions]), credentials, cache: authCache,
          trustedAuthHosts: [...hosts], logger: options.logger,
        });
        clients.set(id, client);
      }
      return client;
    },
    close: () => http.close(),
  };
}
