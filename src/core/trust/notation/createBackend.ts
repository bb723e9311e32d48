/**
 * The Notation backend as the engine builds it: over the engine's transport (docker credentials, token
 * auth, per-host CAs, plain http for loopback registries as docker does), with the `notation:` rule
 * section it reads from `.trustlens.yaml`.
 */
import { OciRegistry } from '../../oci/ociRegistry';
import type { RuleSectionParser } from '../../policy/ruleSections';
import type { BackendFactory } from '../trustService';
import { DEFAULT_TTL_MS } from '../cacheDir';
import { NotationTrustBackend } from './notationBackend';
import { parseNotationRuleSection } from './ruleSection';

export { NOTATION_SCHEME } from './signatureEvidence';

/** Reads a rule's `notation:` section (trust store folders relative to the policy file). */
export const notationRuleSection: RuleSectionParser = (node, context) => parseNotationRuleSection(node, context.baseDir, context.fail);

export function notationBackend(options: { ttlMs?: number; timeoutMs?: number }): BackendFactory {
  return (context) => {
    if (!context.transport) throw new Error('the Notation backend needs the engine\'s transport');
    const { http, credentials, authCache } = context.transport;
    // A registry without the referrers API is asked once, then through the referrers tag: one request per image fewer.
    const oci = new OciRegistry({ http, credentials, cache: authCache, logger: context.logger, plainHttpForLoopback: true, timeoutMs: options.timeoutMs ?? 15_000, rememberReferrersSupport: true });
    return new NotationTrustBackend({ oci, http, clock: context.clock, logger: context.logger, env: context.env, ttlMs: options.ttlMs ?? DEFAULT_TTL_MS });
  };
}
