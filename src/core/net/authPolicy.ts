import type { RegistryCredentials } from './credentials';
import { hostnameOf, isLoopbackHost } from './registryHost';

// Hosts that belong to a registry although their names differ from it. Only these may receive that
// registry's credentials besides the registry's own host name. Keep this list short and exact.
const WELL_KNOWN_AUTH_HOSTS: Readonly<Record<string, readonly string[]>> = {
  'docker.io': ['auth.docker.io', 'registry-1.docker.io', 'index.docker.io'],
};

/**
 * May credentials stored for `credentials.host` be sent to `url`? Only when `url` is on the same host
 * name (any port: token services often listen beside the registry) or on a well-known auth host of that
 * registry (Docker Hub: `auth.docker.io`), or on a host the user explicitly trusts for it, and only over
 * https or to a loopback address. A token realm chosen by some other server therefore never receives them.
 * @param extraHosts host names the user approved for these credentials, e.g. `['auth.corp.example']`
 */
export function mayReceiveCredentials(credentials: Pick<RegistryCredentials, 'host'>, url: URL, extraHosts: readonly string[] = []): boolean {
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.host))) return false;
  const target = url.hostname.toLowerCase();
  const home = hostnameOf(credentials.host);
  return (
    target === home ||
    (WELL_KNOWN_AUTH_HOSTS[credentials.host] ?? []).includes(target) ||
    extraHosts.some((h) => hostnameOf(h) === target)
  );
}
