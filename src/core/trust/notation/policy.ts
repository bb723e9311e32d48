/**
 * The policy one check runs under, whichever file it came from: a `.trustlens.yaml` rule's `notation:`
 * section when one matches the image, else the statement of notation's own trust policy whose
 * `registryScopes` select the repository.
 */
import { notationTrustStoreDir } from './configFiles';
import type { TrustStoreRef } from './trustStore';
import {
  parseTrustStoreRef,
  selectTrustPolicy,
  validateStatementCore,
  type OciTrustPolicy,
  type OciTrustPolicyDocument,
  type VerificationLevel,
} from './trustPolicy';

/** A validated policy, ready for verification. */
export interface EffectiveNotationPolicy {
  /** The statement's name, or `.trustlens.yaml rule for <images>`. */
  name: string;
  origin: 'notation-config' | 'trustlens-rule';
  file?: string;
  level: VerificationLevel;
  verifyTimestamp: 'always' | 'afterCertExpiry';
  trustStores: TrustStoreRef[];
  trustedIdentities: string[];
}

/** Notation's configuration as found on disk. */
export interface NotationConfig {
  configDir: string;
  document: OciTrustPolicyDocument;
  file: string;
}

/** A statement of notation's trust policy as an effective policy. */
export function policyFromStatement(statement: OciTrustPolicy, config: NotationConfig): EffectiveNotationPolicy {
  const sv = statement.signatureVerification;
  const level = validateStatementCore(statement.name, sv, statement.trustStores, statement.trustedIdentities);
  const seen = new Set<string>();
  const trustStores: TrustStoreRef[] = [];
  for (const value of statement.trustStores) {
    if (seen.has(value)) continue;
    seen.add(value);
    const { type, name } = parseTrustStoreRef(value, statement.name);
    trustStores.push({ type, name, dir: notationTrustStoreDir(config.configDir, type, name) });
  }
  return {
    name: statement.name,
    origin: 'notation-config',
    file: config.file,
    level,
    verifyTimestamp: sv.verifyTimestamp === 'afterCertExpiry' ? 'afterCertExpiry' : 'always',
    trustStores,
    trustedIdentities: [...statement.trustedIdentities],
  };
}

/**
 * The policy for a repository: the rule's (already resolved by the policy loader) when given, else the
 * notation statement selected by scope, else none (no policy trusts any signer).
 */
export function resolveNotationPolicy(repository: string, rulePolicy: EffectiveNotationPolicy | undefined, config: NotationConfig | undefined): EffectiveNotationPolicy | undefined {
  if (rulePolicy) return rulePolicy;
  if (!config) return undefined;
  const statement = selectTrustPolicy(config.document, repository);
  return statement ? policyFromStatement(statement, config) : undefined;
}
