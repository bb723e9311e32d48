/**
 * Registry host names as docker spells them in `config.json`, in credential helpers and in URLs.
 * Everything here is pure string work.
 */

/** The canonical host of Docker Hub. */
export const DOCKER_HUB_HOST = 'docker.io';
/** The key under which docker stores Docker Hub credentials, and the URL it hands to credential helpers. */
export const DOCKER_HUB_SERVER_ADDRESS = 'https://index.docker.io/v1/';
/** Where Docker Hub's registry API really lives. */
export const DOCKER_HUB_REGISTRY_URL = 'https://registry-1.docker.io';

const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * The registry host a `config.json` key (or any registry spelling) refers to, as docker's
 * `ConvertToHostname` does, with Docker Hub's aliases folded into `docker.io`. Lower-case.
 * @example normalizeRegistryKey('https://index.docker.io/v1/') // 'docker.io'
 * @example normalizeRegistryKey('http://myreg:5000/v1/') // 'myreg:5000'
 */
export function normalizeRegistryKey(key: string): string {
  const host = key.trim().replace(/^https?:\/\//i, '').split('/')[0]?.toLowerCase() ?? '';
  return HUB_ALIASES.has(host) ? DOCKER_HUB_HOST : host;
}

/**
 * The server address docker uses for a registry host when it looks up credentials and runs helpers:
 * `https://index.docker.io/v1/` for Docker Hub, the host itself otherwise.
 * @example credentialServerAddress('127.0.0.1:5000') // '127.0.0.1:5000'
 */
export function credentialServerAddress(host: string): string {
  const normalized = normalizeRegistryKey(host);
  return normalized === DOCKER_HUB_HOST ? DOCKER_HUB_SERVER_ADDRESS : normalized;
}

/** True for hosts that can only be this machine: `localhost`, `127.0.0.0/8`, `::1` (with or without a port). */
export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : isBareIpv6(host) ? host : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** The host name part of `host[:port]` (or a bracketed IPv6 literal), lower-case. */
export function hostnameOf(host: string): string {
  const lower = host.toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  return isBareIpv6(lower) ? lower : lower.replace(/:\d+$/, '');
}

// An IPv6 literal without brackets (two or more colons) has no port to strip.
function isBareIpv6(host: string): boolean {
  return host.indexOf(':') !== host.lastIndexOf(':');
}
