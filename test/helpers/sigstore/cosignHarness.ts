/**
 * A real docker-registry on loopback (optionally behind htpasswd) with TrustLens's cosign verifier
 * and registry access wired to it the way the product wires them: undici transport, token/basic auth,
 * plain http for loopback. The Sigstore TUF repository points at a closed loopback port, so a test
 * never reaches the network: keyless checks use a `trustedRoot` file, or come out `unverifiable`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UndiciHttpClient } from '../../../src/core/net/undiciHttpClient';
import { AuthCache } from '../../../src/core/net/authCache';
import { OciRegistry, type OciLimits, type OciRepository } from '../../../src/core/oci/ociRegistry';
import type { Clock } from '../../../src/core/ports';
import { systemClock } from '../../../src/core/ports';
import { CosignVerifier, type CosignCheckOptions } from '../../../src/core/trust/cosign/cosignVerifier';
import type { CosignPolicy } from '../../../src/core/trust/cosign/cosignPolicy';
import type { CosignCheckResult } from '../../../src/core/trust/cosign/cosignResult';
import { PublicGoodTrustedRoot } from '../../../src/core/trust/cosign/sigstoreRoot';
import { freePort } from '../stack/ports';
import { startRegistry, type Registry, type RegistryOptions } from '../stack/registry';
import { makeTempDir, type TempDir } from '../stack/tempDir';

/** A registry and the cosign engine pointed at it. */
export interface CosignHarness {
  readonly registry: Registry;
  readonly oci: OciRegistry;
  readonly verifier: CosignVerifier;
  /** A scratch directory for keys, certificates and policy files. */
  readonly dir: string;
  /** HTTP requests the engine has sent so far. */
  requests(): number;
  /** `{ registry: <host>, repository }`. */
  repo(repository: string): OciRepository;
  /** Checks `<host>/<repository>` at a tag or digest under `policy`. */
  check(repository: string, reference: string, policy: CosignPolicy, options?: Omit<CosignCheckOptions, 'policy'> & { platform?: string; via?: string }): Promise<CosignCheckResult>;
  /** Writes a file into `dir` and returns its path. */
  write(name: string, content: string | Uint8Array): Promise<string>;
  stop(): Promise<void>;
}

/** Options of {@link startCosignHarness}. */
export interface HarnessOptions {
  registry?: RegistryOptions;
  clock?: Clock;
  limits?: Partial<OciLimits>;
  ttlMs?: number;
}

export async function startCosignHarness(options: HarnessOptions = {}): Promise<CosignHarness> {
  const registry = await startRegistry(options.registry);
  let temp: TempDir | undefined;
  let http: UndiciHttpClient | undefined;
  try {
    temp = await makeTempDir('cosign');
    http = new UndiciHttpClient({ retry: { attempts: 1 } });
    const clock = options.clock ?? systemClock;
    const user = registry.credentials;
    const credentials = { get: async () => (user ? { host: registry.host, username: user.user, password: user.password, source: 'test' } : undefined) };
    const oci = new OciRegistry({ http, credentials, cache: new AuthCache(clock), plainHttpForLoopback: true, timeoutMs: 10_000, limits: options.limits });
    const closedPort = await freePort();
    const root = new PublicGoodTrustedRoot({ cacheDir: join(temp.path, 'sigstore-cache'), clock, mirrorUrl: `http://127.0.0.1:${closedPort}`, timeoutMs: 2000 });
    const verifier = new CosignVerifier({ oci, publicGoodRoot: () => root.get(), clock, ttlMs: options.ttlMs ?? 0 });
    const dir = temp.path;
    const client = http;
    const scratch = temp;
    return {
      registry, oci, verifier, dir,
      requests: () => client.requestCount,
      repo: (repository) => ({ registry: registry.host, repository }),
      check: (repository, reference, policy, checkOptions = {}) => verifier.check(
        { registry: checkOptions.via ?? registry.host, repository, reference, ...(checkOptions.platform ? { platform: checkOptions.platform } : {}) },
        { ...checkOptions, policy },
      ),
      write: async (name, content) => {
        const path = join(dir, name);
        await writeFile(path, content);
        return path;
      },
      stop: async () => {
        await client.close();
        await registry.stop();
        await scratch.remove();
      },
    };
  } catch (e) {
    await http?.close();
    await temp?.remove();
    await registry.stop();
    throw e;
  }
}

/** The policy trusting just these key files. */
export function keysPolicy(...keys: string[]): CosignPolicy {
  return { keys, identities: [] };
}
