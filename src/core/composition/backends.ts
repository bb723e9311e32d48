/**
 * The composition place: the backends TrustLens ships, in the order their evidence is listed, the
 * rule sections they read from `.trustlens.yaml`, and the cache they keep. The CLI and the editor build their
 * engine from these through `createTrustEngine`; this is the one place outside a backend's folder
 * that names one.
 */
import type { BackendFactory } from '../trust/trustService';
import { dctBackend } from '../trust/dct/createBackend';
import { cosignBackend, cosignRuleSection, COSIGN_SCHEME } from '../trust/cosign/createCosignBackend';
import { notationBackend, notationRuleSection, NOTATION_SCHEME } from '../trust/notation/createBackend';
import { registerRuleSection } from '../policy/ruleSections';

// `.trustlens.yaml` rules may carry a section per shipped scheme that reads one.
registerRuleSection(COSIGN_SCHEME, cosignRuleSection);
registerRuleSection(NOTATION_SCHEME, notationRuleSection);

export { FileMetadataStore } from '../trust/dct/metadataStore';
export { DEFAULT_TTL_MS, defaultCacheDir } from '../trust/cacheDir';

/** Settings every shipped backend takes. */
export interface StandardBackendOptions {
  /** A re-check within this many ms makes no request. */
  ttlMs: number;
  /** Per-request time budget (default 15 s). */
  timeoutMs?: number;
  /** The cache directory (the Sigstore trusted root is kept in its `sigstore/` folder); default the CLI's. */
  cacheDir?: string;
  /** Sigstore's TUF repository (default the public-good one). */
  sigstoreTufUrl?: string;
}

/** The shipped backends: Docker Content Trust, Sigstore cosign and Notation, in that order. */
export function standardBackends(options: StandardBackendOptions): BackendFactory[] {
  return [
    dctBackend(options),
    cosignBackend({
      ttlMs: options.ttlMs,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
      ...(options.sigstoreTufUrl !== undefined ? { tufMirrorUrl: options.sigstoreTufUrl } : {}),
    }),
    notationBackend(options),
  ];
}

