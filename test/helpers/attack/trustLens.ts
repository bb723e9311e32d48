/**
 * TrustLens as a user runs it, pointed at a tampering server: the real DCT backend (undici client,
 * size caps, timeouts, updater, cache) behind `TrustService.check`, with the policy's `trustServers`
 * mapping the registry to the tampering server, and the server's CA in `<docker config>/tls/<host>/`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDctBackend } from '../../../src/core/trust/dct/createBackend';
import type { CheckResult } from '../../../src/core/trust/checkResult';
import { MemoryMetadataStore, type MetadataStore } from '../../../src/core/trust/dct/metadataStore';
import { DctTrustBackend as TrustService } from '../../../src/core/trust/dct/dctBackend';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { scanText } from '../../../src/core/parse/scanText';
import { systemClock, type Clock } from '../../../src/core/ports';
import { RecordingLogger } from '../net/recordingLogger';
import { makeTempDir, type TempDir } from '../stack/tempDir';
import type { TamperServer } from './tamperServer';

/** Options of one check. */
export interface AttackCheckOptions {
  /** The trust cache; default a fresh in-memory store (first use). */
  store?: MetadataStore;
  clock?: Clock;
  /** Per-request time budget; default 10 s. */
  timeoutMs?: number;
}

/** What one check came to. */
export interface Verdict {
  readonly result: CheckResult;
  readonly elapsedMs: number;
  readonly log: RecordingLogger;
}

/** Checks references through one tampering server. */
export interface AttackClient {
  /** Checks `FROM <reference>` (forcing a refresh, as `trustlens check --refresh` does). */
  check(reference: string, options?: AttackCheckOptions): Promise<Verdict>;
  close(): Promise<void>;
}

/** A client that sends every trust request for `registryHost` to `server`. */
export async function attackClient(server: TamperServer, registryHost: string): Promise<AttackClient> {
  const dockerConfig: TempDir = await makeTempDir('attack-docker-config');
  if (server.caPem) {
    const tlsDir = join(dockerConfig.path, 'tls', server.host);
    await mkdir(tlsDir, { recursive: true });
    await writeFile(join(tlsDir, 'ca.crt'), server.caPem);
  }
  const policy = { ...defaultPolicy(), trustServers: { [registryHost]: server.url } };
  return {
    async check(reference, options = {}) {
      const log = new RecordingLogger();
      const clock = options.clock ?? systemClock;
      const { backend, close } = createDctBackend({
        dockerConfigDir: dockerConfig.path,
        allowCredentials: false,
        store: options.store ?? new MemoryMetadataStore(),
        clock,
        logger: log,
        userAgent: 'trustlens-attack-tests',
        timeoutMs: options.timeoutMs ?? 10_000,
      });
      // No environment: DOCKER_CONTENT_TRUST_SERVER of the caller must not redirect the check.
      const service = new TrustService({ backend, clock, logger: log, env: {} });
      const scan = scanText('Dockerfile', 'dockerfile', `FROM ${reference}\n`);
      if (scan.references.length !== 1) throw new Error(`not one image reference: ${reference}`);
      const started = performance.now();
      try {
        const [result] = await service.check(scan, { policy, force: true });
        return { result: result as CheckResult, elapsedMs: performance.now() - started, log };
      } finally {
        await close();
      }
    },
    close: () => dockerConfig.remove(),
  };
}
