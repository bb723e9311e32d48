/** The trust engine and log of the CLI's checking commands (`check`, `inspect`), built one way. */
import { defaultCacheDir, FileMetadataStore, standardBackends } from '../core/composition/backends';
import { defaultDockerConfigDir } from '../core/net/dockerConfig';
import { createRegistryTransport } from '../core/net/registryTransport';
import { nullLogger, systemClock, type Logger } from '../core/ports';
import { createTrustEngine, type TrustEngineOptions, type TrustService } from '../core/trust/trustService';
import { VERSION } from './version';

/** Warnings to stderr; with `--verbose`, every message (each request included). */
export function cliLogger(verbose: boolean | undefined, stderr: (text: string) => void): Logger {
  return verbose
    ? { debug: (m) => stderr(`debug: ${m}\n`), info: (m) => stderr(`info: ${m}\n`), warn: (m) => stderr(`warning: ${m}\n`), error: (m) => stderr(`error: ${m}\n`) }
    : { ...nullLogger, warn: (m) => stderr(`warning: ${m}\n`) };
}

/** What a checking command was given. */
export interface CliEngineOptions {
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  dockerConfig: string | undefined;
  cacheDir: string | undefined;
  ttlMs: number;
  timeoutMs: number;
  /** Instead of the shipped backends. */
  backends?: TrustEngineOptions['backends'];
}

/** The trust engine over the shipped backends, with the docker config's credentials and CAs and the on-disk cache. */
export function cliTrustEngine(o: CliEngineOptions): TrustService {
  const cacheDir = o.cacheDir ?? defaultCacheDir(o.env);
  const transport = createRegistryTransport({
    dockerConfigDir: o.dockerConfig ?? defaultDockerConfigDir(o.env),
    allowCredentials: true,
    clock: systemClock,
    logger: o.logger,
    userAgent: `trustlens/${VERSION}`,
    timeoutMs: o.timeoutMs,
  });
  return createTrustEngine({
    clock: systemClock,
    logger: o.logger,
    env: o.env,
    store: new FileMetadataStore(cacheDir),
    transport,
    backends: o.backends ?? standardBackends({ ttlMs: o.ttlMs, timeoutMs: o.timeoutMs, cacheDir, ...(o.env.TRUSTLENS_SIGSTORE_TUF_URL ? { sigstoreTufUrl: o.env.TRUSTLENS_SIGSTORE_TUF_URL } : {}) }),
  });
}
