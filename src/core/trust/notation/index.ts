/**
 * The Notation (Notary Project) backend: verifies the signatures that refer to an image digest the way
 * `notation verify` does. Everything else in TrustLens reaches it through these exports.
 */
export { checkNotation, type NotationCheckOptions } from './checkNotation';
export type { NotationArtifactSource, OciDescriptor } from './source';
export type { NotationCheckResult, NotationSignatureResult, NotationSigner, NotationSource, NotationStatus, RevocationStatus } from './result';
export { NOTATION_FINDING_CODES, NOTATION_FINDING_DOCS, type NotationFinding, type NotationFindingCode, type TrustSignerFix } from './findings';
export { DEFAULT_LIMITS, NOTATION_ARTIFACT_TYPE, type NotationLimits } from './constants';
export { notationConfigDir, readNotationConfig } from './configFiles';
export { readTrustStoreFolder } from './trustStoreFolder';
export { resolveNotationPolicy, type EffectiveNotationPolicy, type NotationConfig } from './policy';
export { parseNotationRuleSection, policyFromRuleSection, type FailAt, type NotationRuleSection } from './ruleSection';
export { TrustPolicyError } from './trustPolicy';
