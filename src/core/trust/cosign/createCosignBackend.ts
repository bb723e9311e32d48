/**
 * Wires the cosign verifier on Node: the undici transport (docker's `tls/<host:port>/` CAs), docker
 * credentials and token auth behind an {@link OciRegistry}, and the Sigstore public-good trusted root
 * cached under the TrustLens cache directory.
 */
import { join } from 'node:path';
import type { RequestEvent } from '../../net/http';
import { createRegistryTransport, type RegistryTransport } from '../../net/registryTransport';
import type { UndiciHttpClient } from '../../net/undiciHttpClient';
import { OciRegistry, type OciLimits } from '../../oci/ociRegistry';
import type { Clock, Logger } from '../../ports';
import { defaultCacheDir } from '../cacheDir';
import type { BackendFactory } from '../trustService';
import { CosignTrustBackend } from './cosignBackend';
import { parseCosignSection } from './cosignPolicy';
import type { RuleSectionParser } from '../../policy/ruleSections';
import { CosignVerifier } from './cosignVerifier';
import { publicGoodRootModule } from './lazyVerification';
import type { PublicGoodTrustedRoot } from './sigstoreRoot';

/** Everything needed to build the cosign backend on Node. */
export interface CosignBackendOptions {
  /** The docker config directory (credentials, `tls/<host:port>/` CAs), e.g. `~/.docker`. */
  dockerConfigDir: string;
  /** False in untrusted workspaces: no credential helper runs and no credential is sent. */
  allowCredentials: boolean;
  /** TrustLens's cache directory; the Sigstore trusted root is kept in its `sigstore/` folder. */
  cacheDir: string;
  clock: Clock;
  logger: Logger;
  /** e.g. `trustlens/0.1.0` */
  userAgent: string;
  /** A re-check within this many ms makes no request (default 5 minutes). */
  ttlMs?: number;
  /** Per-request time budget (default 15 s). */
  timeoutMs?: number;
  /** Talk plain http to loopback registries, as docker does (default true). */
  plainHttpForLoopback?: boolean;
  /** Sigstore's TUF repository (default the public-good one). */
  tufMirrorUrl?: string;
  limits?: Partial<OciLimits>;
  onRequest?: (event: RequestEvent) => void;
  /** A transport to share (the engine's); one is made from the options above when absent, and closed by `close()`. */
  transport?: RegistryTransport;
}

/** The cosign verifier and the registry access it uses (signing shares it); `close()` ends connections. */
export interface CosignBackend {
  readonly verifier: CosignVerifier;
  readonly oci: OciRegistry;
  readonly http: UndiciHttpClient;
  close(): Promise<void>;
}

export function createCosignBackend(options: CosignBackendOptions): CosignBackend {
  const own = options.transport === undefined;
  const transport = options.transport ?? createRegistryTransport(options);
  const { verifier, oci } = cosignVerifierOver(transport, options);
  return { verifier, oci, http: transport.http, close: async () => (own ? transport.close() : undefined) };
}

/** The registry access and the cosign verifier over a transport. */
function cosignVerifierOver(
  transport: RegistryTransport,
  options: Pick<CosignBackendOptions, 'cacheDir' | 'clock' | 'logger' | 'ttlMs' | 'timeoutMs' | 'plainHttpForLoopback' | 'tufMirrorUrl' | 'limits'> & { rememberReferrersSupport?: boolean },
): { verifier: CosignVerifier; oci: OciRegistry } {
  const oci = new OciRegistry({
    http: transport.http, credentials: transport.credentials, cache: transport.authCache, logger: options.logger,
    plainHttpForLoopback: options.plainHttpForLoopback ?? true, timeoutMs: options.timeoutMs, limits: options.limits,
    ...(options.rememberReferrersSupport ? { rememberReferrersSupport: true } : {}),
  });
  // Made (and its code loaded) when a keyless signature first needs it.
  let root: Promise<PublicGoodTrustedRoot> | undefined;
  const publicGoodRoot = async () => {
    root ??= publicGoodRootModule().then(({ PublicGoodTrustedRoot }) => new PublicGoodTrustedRoot({
      cacheDir: join(options.cacheDir, 'sigstore'), clock: options.clock, logger: options.logger,
      ...(options.tufMirrorUrl !== undefined ? { mirrorUrl: options.tufMirrorUrl } : {}),
    }));
    return (await root).get();
  };
  const verifier = new CosignVerifier({ oci, publicGoodRoot, clock: options.clock, logger: options.logger, ttlMs: options.ttlMs });
  return { verifier, oci };
}

export { COSIGN_SCHEME } from './cosignBackend';

/** Reads a rule's `cosign:` section (key and trusted root files relative to the policy file). */
export const cosignRuleSection: RuleSectionParser = (node, context) => ({ ...parseCosignSection(node, { baseDir: context.baseDir }, context.fail), baseDir: context.baseDir });

/** Settings of the cosign backend the engine builds. */
export interface CosignBackendFactoryOptions {
  /** A re-check within this many ms makes no request (default 5 minutes). */
  ttlMs?: number;
  /** Per-request time budget (default 15 s). */
  timeoutMs?: number;
  /** Where the Sigstore trusted root is cached (in its `sigstore/` folder); default the CLI's cache directory. */
  cacheDir?: string;
  /** Sigstore's TUF repository (default the public-good one). */
  tufMirrorUrl?: string;
}

/** The cosign backend as the engine builds it, over the engine's transport. */
export function cosignBackend(options: CosignBackendFactoryOptions = {}): BackendFactory {
  return (context) => {
    if (!context.transport) throw new Error('the cosign backend needs the engine\'s transport');
    const { verifier } = cosignVerifierOver(context.transport, {
      // A registry without the referrers API is asked once, then read through the referrers tag: one request per image fewer.
      rememberReferrersSupport: true,
      cacheDir: options.cacheDir ?? defaultCacheDir(context.env),
      clock: context.clock,
      logger: context.logger,
      ...(options.ttlMs !== undefined ? { ttlMs: options.ttlMs } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.tufMirrorUrl !== undefined ? { tufMirrorUrl: options.tufMirrorUrl } : {}),
    });
    return new CosignTrustBackend({ verifier, logger: context.logger });
  };
}
