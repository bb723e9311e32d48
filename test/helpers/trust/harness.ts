/**
 * TrustLens's trust engine wired as the CLI wires it (undici, docker config, token auth, an on-disk
 * metadata cache), pointed at a test docker config and a temp cache dir, with every HTTP attempt
 * recorded so tests can count requests per repository.
 */
import type { RequestEvent } from '../../../src/core/net/http';
import type { Policy } from '../../../src/core/policy/policy';
import { nullLogger, systemClock, type Clock, type Logger } from '../../../src/core/ports';
import type { CheckResult } from '../../../src/core/trust/checkResult';
import { createDctBackend } from '../../../src/core/trust/dct/createBackend';
import type { DctUpdater } from '../../../src/core/trust/dct/updater';
import { FileMetadataStore } from '../../../src/core/trust/dct/metadataStore';
import { DctTrustBackend as TrustService } from '../../../src/core/trust/dct/dctBackend';
import type { ScanResult } from '../../../src/core/model/occurrence';
import { makeTempDir, type TempDir } from '../stack/tempDir';

/** Options of {@link createTrustHarness}. */
export interface TrustHarnessOptions {
  /** Docker config dir with the trust servers' CAs under `tls/<host:port>/`. */
  dockerConfigDir: string;
  /** Metadata cache dir to reuse (e.g. another harness's); default a fresh temp dir owned by this harness. */
  cacheDir?: string;
  /** Default the system clock. */
  clock?: Clock;
  /** Default the product default (5 minutes). */
  ttlMs?: number;
  /** Default true (a trusted workspace). */
  allowCredentials?: boolean;
  /** Per-request budget; default the product default. */
  timeoutMs?: number;
  logger?: Logger;
}

/** One metadata request as the trust server saw it. */
export interface TrustRequest {
  readonly method: string;
  /** The GUN, decoded, e.g. `127.0.0.1:40125/trustlens/releases`. */
  readonly gun: string;
  /** The file under `_trust/tuf/`, e.g. `timestamp.json`, `snapshot.<sha256>.json`, `snapshot.key`. */
  readonly file: string;
  readonly status: number | undefined;
}

/** The engine plus what it did. */
export interface TrustHarness {
  readonly service: TrustService;
  readonly backend: DctUpdater;
  /** Where verified metadata is cached. */
  readonly cacheDir: string;
  /** Every HTTP attempt so far (token requests included), oldest first. */
  readonly requests: RequestEvent[];
  /** The metadata requests (`/v2/<gun>/_trust/tuf/…`) so far, optionally only those of one GUN. */
  trustRequests(gun?: string): TrustRequest[];
  /** Forgets the recorded requests. */
  resetRequests(): void;
  check(scan: ScanResult, policy: Policy, options?: { force?: boolean }): Promise<CheckResult[]>;
  /** Closes the HTTP client and removes the cache dir if this harness made it. */
  close(): Promise<void>;
}

/** Parses a recorded URL as a notary metadata request, or undefined for anything else. */
export function trustRequestOf(event: Pick<RequestEvent, 'method' | 'url' | 'status'>): TrustRequest | undefined {
  let path: string;
  try {
    path = decodeURIComponent(new URL(event.url).pathname);
  } catch {
    return undefined;
  }
  const match = /^\/v2\/(.+)\/_trust\/tuf\/(.+)$/.exec(path);
  return match ? { method: event.method, gun: match[1]!, file: match[2]!, status: event.status } : undefined;
}

/** Builds the engine the way `trustlens check` does, with a request recorder. */
export async function createTrustHarness(options: TrustHarnessOptions): Promise<TrustHarness> {
  let ownCache: TempDir | undefined;
  let cacheDir = options.cacheDir;
  if (cacheDir === undefined) {
    ownCache = await makeTempDir('trust-cache');
    cacheDir = ownCache.path;
  }
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? nullLogger;
  const requests: RequestEvent[] = [];
  const { backend, close } = createDctBackend({
    dockerConfigDir: options.dockerConfigDir,
    allowCredentials: options.allowCredentials ?? true,
    store: new FileMetadataStore(cacheDir),
    clock,
    logger,
    userAgent: 'trustlens-test',
    ttlMs: options.ttlMs,
    timeoutMs: options.timeoutMs,
    onRequest: (event) => requests.push(event),
  });
  // No DOCKER_CONTENT_TRUST_SERVER from the caller's environment: the policy maps every registry.
  const service = new TrustService({ backend, clock, logger, env: {} });
  return {
    service,
    backend,
    cacheDir,
    requests,
    trustRequests(gun) {
      return requests.map(trustRequestOf).filter((r): r is TrustRequest => r !== undefined && (gun === undefined || r.gun === gun));
    },
    resetRequests() {
      requests.length = 0;
    },
    check(scan, policy, checkOptions = {}) {
      return service.check(scan, { policy, force: checkOptions.force });
    },
    async close() {
      await close();
      await ownCache?.remove();
    },
  };
}
