/**
 * The composition place: the backends TrustLens ships, in the order their evidence is listed, and the
 * cache they keep. The CLI and the editor build their engine from these through `createTrustEngine`;
 * this is the one place outside a backend's folder that names one.
 */
import type { BackendFactory } from '../trust/trustService';
import { dctBackend } from '../trust/dct/createBackend';
import { notationBackend, notationRuleSection, NOTATION_SCHEME } from '../trust/notation/createBackend';
import { registerRuleSection } from '../policy/ruleSections';

// `.trustlens.yaml` rules may carry a section per shipped scheme that reads one.
registerRuleSection(NOTATION_SCHEME, notationRuleSection);

export { FileMetadataStore } from '../trust/dct/metadataStore';
export { DEFAULT_TTL_MS, defaultCacheDir } from '../trust/cacheDir';

/** Settings every shipped backend takes. */
export interface StandardBackendOptions {
  /** A re-check within this many ms makes no request. */
  ttlMs: number;
  /** Per-request time budget (default 15 s). */
  timeoutMs?: number;
}

/** The shipped backends: Docker Content Trust and Notation. */
export function standardBackends(options: StandardBackendOptions): BackendFactory[] {
  return [dctBackend(options), notationBackend(options)];
}
