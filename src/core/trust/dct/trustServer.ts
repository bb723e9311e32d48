import { TrustLensError } from '../../errors';

/** Docker Hub's notary, which shuts down on 2026-12-08. */
export const DOCKER_HUB_NOTARY = 'https://notary.docker.io';
export const DOCKER_HUB_NOTARY_SHUTDOWN = '2026-12-08';

/** Where the trust server URL came from, for messages and hovers. */
export type TrustServerSource = 'environment' | 'policy' | 'default';

export interface TrustServer {
  /** Base URL without a trailing slash, e.g. `https://127.0.0.1:4443`. */
  url: string;
  source: TrustServerSource;
}

const LOOPBACK = /^(?:127\.\d+\.\d+\.\d+|localhost|\[::1\])(?::\d+)?$/;

/**
 * Validates a trust server URL as docker does ("valid https URL required for trust server"). Plain
 * `http://` is accepted only for loopback hosts, for local development servers.
 */
export function validateTrustServerUrl(url: string, origin: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TrustLensError('invalid-config', `valid https URL required for trust server, got "${url}" (${origin})`);
  }
  const ok = parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOOPBACK.test(parsed.host));
  if (!ok || parsed.search || parsed.hash) {
    throw new TrustLensError('invalid-config', `valid https URL required for trust server, got "${url}" (${origin})`);
  }
  return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`;
}

/**
 * Chooses the trust server for a registry the way docker does, with a per-registry map in between:
 * `DOCKER_CONTENT_TRUST_SERVER` if set; else the map (`trustServers` in `.trustlens.yaml`, or editor
 * settings); else `https://notary.docker.io` for docker.io and `https://<registry host:port>` otherwise.
 */
export function resolveTrustServer(
  registry: string,
  options: { env?: Readonly<Record<string, string | undefined>>; map?: Readonly<Record<string, string>> } = {},
): TrustServer {
  const fromEnv = options.env?.DOCKER_CONTENT_TRUST_SERVER;
  if (fromEnv) return { url: validateTrustServerUrl(fromEnv, 'DOCKER_CONTENT_TRUST_SERVER'), source: 'environment' };
  const mapped = options.map?.[registry] ?? (registry === 'docker.io' ? options.map?.['index.docker.io'] : undefined);
  if (mapped) return { url: validateTrustServerUrl(mapped, `trust server for ${registry}`), source: 'policy' };
  if (registry === 'docker.io') return { url: DOCKER_HUB_NOTARY, source: 'default' };
  return { url: `https://${registry}`, source: 'default' };
}

/** Whether a trust server is Docker Hub's retiring notary. */
export function isDockerHubNotary(url: string): boolean {
  try {
    return new URL(url).hostname === 'notary.docker.io';
  } catch {
    return false;
  }
}
