/**
 * Notation's OCI trust policy (trust-store-trust-policy.md, "OCI Trust Policy"): the document and its
 * validation as notation-go applies it, verification levels with `override`, and the choice of the
 * statement for a repository by `registryScopes`.
 */
import { parseDistinguishedName, isSubsetDN } from './distinguishedName';

export type ValidationType = 'integrity' | 'authenticity' | 'authenticTimestamp' | 'expiry' | 'revocation';
export type ValidationAction = 'enforce' | 'log' | 'skip';
export type LevelName = 'strict' | 'permissive' | 'audit' | 'skip';
export type TrustStoreType = 'ca' | 'signingAuthority' | 'tsa';
export const TRUST_STORE_TYPES: readonly TrustStoreType[] = ['ca', 'signingAuthority', 'tsa'];

/** A level and what it does with each validation ("Signature Verification details" table). */
export interface VerificationLevel {
  name: LevelName;
  /** True when `override` changed the level's actions. */
  custom: boolean;
  actions: Readonly<Record<ValidationType, ValidationAction>>;
}

const LEVELS: Readonly<Record<LevelName, Record<ValidationType, ValidationAction>>> = {
  strict: { integrity: 'enforce', authenticity: 'enforce', authenticTimestamp: 'enforce', expiry: 'enforce', revocation: 'enforce' },
  permissive: { integrity: 'enforce', authenticity: 'enforce', authenticTimestamp: 'log', expiry: 'log', revocation: 'log' },
  audit: { integrity: 'enforce', authenticity: 'log', authenticTimestamp: 'log', expiry: 'log', revocation: 'log' },
  skip: { integrity: 'skip', authenticity: 'skip', authenticTimestamp: 'skip', expiry: 'skip', revocation: 'skip' },
};

/** The `signatureVerification` object of a statement. */
export interface SignatureVerification {
  level: string;
  override?: Readonly<Record<string, string>>;
  verifyTimestamp?: string;
}

/** One statement of `trustpolicy.oci.json`. */
export interface OciTrustPolicy {
  name: string;
  registryScopes: string[];
  signatureVerification: SignatureVerification;
  trustStores: string[];
  trustedIdentities: string[];
}

export interface OciTrustPolicyDocument {
  version: string;
  trustPolicies: OciTrustPolicy[];
}

/** A trust policy that cannot be used; the message names the statement and the problem. */
export class TrustPolicyError extends Error {}

/** The level with its overrides ("Custom Verification Level"), as notation-go's `GetVerificationLevel`. */
export function verificationLevel(sv: SignatureVerification): VerificationLevel {
  if (!sv.level) throw new TrustPolicyError('the signature verification level is empty or missing');
  const base = LEVELS[sv.level as LevelName];
  if (!base || !Object.hasOwn(LEVELS, sv.level)) throw new TrustPolicyError(`invalid signature verification level "${sv.level}"`);
  const overrides = Object.entries(sv.override ?? {});
  if (overrides.length === 0) return { name: sv.level as LevelName, custom: false, actions: base };
  if (sv.level === 'skip') throw new TrustPolicyError('the level "skip" cannot be customised with "override"');
  const actions = { ...base };
  for (const [type, action] of overrides) {
    if (!Object.hasOwn(base, type)) throw new TrustPolicyError(`"${type}" cannot be overridden (authenticity, authenticTimestamp, expiry or revocation)`);
    if (action !== 'enforce' && action !== 'log' && action !== 'skip') throw new TrustPolicyError(`"${action}" is not a verification action (enforce, log or skip)`);
    if (type === 'integrity') throw new TrustPolicyError('integrity verification cannot be overridden');
    if (type !== 'revocation' && action === 'skip') throw new TrustPolicyError(`${type} verification cannot be skipped`);
    actions[type as ValidationType] = action;
  }
  return { name: sv.level as LevelName, custom: true, actions };
}

const STORE_NAME = /^[a-zA-Z0-9_.-]+$/;
// distribution's reference grammar, as notation-go's `validateRegistryScopeFormat` uses it.
const DOMAIN = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?$/;
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*)*$/;

/** Parses a `type:name` trust store reference. */
export function parseTrustStoreRef(value: string, statement: string): { type: TrustStoreType; name: string } {
  const at = value.indexOf(':');
  if (at < 0) throw new TrustPolicyError(`statement "${statement}": trust store "${value}" is not <type>:<name>`);
  const type = value.slice(0, at);
  const name = value.slice(at + 1);
  if (!(TRUST_STORE_TYPES as readonly string[]).includes(type)) throw new TrustPolicyError(`statement "${statement}": unsupported trust store type "${type}"`);
  if (!STORE_NAME.test(name)) throw new TrustPolicyError(`statement "${statement}": trust store name "${name}" must match [a-zA-Z0-9_.-]+`);
  return { type: type as TrustStoreType, name };
}

/**
 * Checks `trustedIdentities` ("Trusted Identities Constraints"): `*` alone, or `x509.subject:` DNs with
 * C, ST and O that do not overlap. Other prefixes are kept (notation ignores them).
 */
export function validateTrustedIdentities(identities: readonly string[], statement: string): void {
  if (identities.length > 1 && identities.includes('*')) throw new TrustPolicyError(`statement "${statement}": the wildcard identity "*" cannot be combined with others`);
  const parsed: { raw: string; dn: ReadonlyMap<string, string> }[] = [];
  for (const identity of identities) {
    if (identity === '') throw new TrustPolicyError(`statement "${statement}" has an empty trusted identity`);
    if (identity === '*') continue;
    const at = identity.indexOf(':');
    if (at < 0) throw new TrustPolicyError(`statement "${statement}": trusted identity "${identity}" has no "x509.subject:" prefix`);
    if (identity.slice(0, at) !== 'x509.subject') continue;
    const value = identity.slice(at + 1);
    if (value.trim() === '') throw new TrustPolicyError(`statement "${statement}": trusted identity "${identity}" has no value`);
    const dn = parseDistinguishedName(value);
    if (!dn.ok) throw new TrustPolicyError(`statement "${statement}": trusted identity "${identity}" is not a valid DN: ${dn.reason}`);
    parsed.push({ raw: identity, dn: dn.attributes });
  }
  for (const a of parsed) {
    for (const b of parsed) {
      if (a !== b && isSubsetDN(a.dn, b.dn)) throw new TrustPolicyError(`statement "${statement}": trusted identities "${a.raw}" and "${b.raw}" overlap`);
    }
  }
}

/** Validates a statement's level, trust stores and identities (notation-go `validatePolicyCore`). */
export function validateStatementCore(name: string, sv: SignatureVerification, trustStores: readonly string[], trustedIdentities: readonly string[]): VerificationLevel {
  if (!name) throw new TrustPolicyError('a trust policy statement has no name');
  let level: VerificationLevel;
  try {
    level = verificationLevel(sv);
  } catch (e) {
    throw new TrustPolicyError(`statement "${name}": ${(e as Error).message}`);
  }
  if (sv.verifyTimestamp !== undefined && sv.verifyTimestamp !== 'always' && sv.verifyTimestamp !== 'afterCertExpiry') {
    throw new TrustPolicyError(`statement "${name}": verifyTimestamp must be "always" or "afterCertExpiry"`);
  }
  if (level.name === 'skip') {
    if (trustStores.length > 0 || trustedIdentities.length > 0) throw new TrustPolicyError(`statement "${name}" skips verification but names trust stores or identities`);
    return level;
  }
  if (trustStores.length === 0 || trustedIdentities.length === 0) throw new TrustPolicyError(`statement "${name}" needs both trust stores and trusted identities`);
  for (const store of trustStores) parseTrustStoreRef(store, name);
  validateTrustedIdentities(trustedIdentities, name);
  return level;
}

function strings(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new TrustPolicyError(`${what} must be a list of strings`);
  return value as string[];
}

/** Reads and validates a parsed `trustpolicy.oci.json` (notation-go `OCIDocument.Validate`). */
export function parseOciTrustPolicyDocument(json: unknown): OciTrustPolicyDocument {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TrustPolicyError('the trust policy must be a JSON object');
  const doc = json as Record<string, unknown>;
  if (doc.version !== '1.0') throw new TrustPolicyError(`unsupported trust policy version ${JSON.stringify(doc.version)} (expected "1.0")`);
  if (!Array.isArray(doc.trustPolicies) || doc.trustPolicies.length === 0) throw new TrustPolicyError('the trust policy has no statements');
  const names = new Set<string>();
  const scopeOwners = new Map<string, string>();
  const trustPolicies = doc.trustPolicies.map((raw): OciTrustPolicy => {
    if (typeof raw !== 'object' || raw === null) throw new TrustPolicyError('each trust policy statement must be an object');
    const s = raw as Record<string, unknown>;
    const name = typeof s.name === 'string' ? s.name : '';
    const svRaw = s.signatureVerification;
    if (typeof svRaw !== 'object' || svRaw === null) throw new TrustPolicyError(`statement "${name}" has no signatureVerification`);
    const sv = svRaw as Record<string, unknown>;
    const override = sv.override;
    if (override !== undefined && (typeof override !== 'object' || override === null || Object.values(override).some((v) => typeof v !== 'string'))) {
      throw new TrustPolicyError(`statement "${name}": override must map validations to actions`);
    }
    const signatureVerification: SignatureVerification = {
      level: typeof sv.level === 'string' ? sv.level : '',
      ...(override !== undefined ? { override: override as Record<string, string> } : {}),
      ...(typeof sv.verifyTimestamp === 'string' ? { verifyTimestamp: sv.verifyTimestamp } : {}),
    };
    const statement: OciTrustPolicy = {
      name,
      registryScopes: strings(s.registryScopes, `statement "${name}": registryScopes`),
      signatureVerification,
      trustStores: strings(s.trustStores, `statement "${name}": trustStores`),
      trustedIdentities: strings(s.trustedIdentities, `statement "${name}": trustedIdentities`),
    };
    if (names.has(name)) throw new TrustPolicyError(`two statements are named "${name}"; names must be unique`);
    names.add(name);
    validateStatementCore(name, signatureVerification, statement.trustStores, statement.trustedIdentities);
    validateScopes(statement, scopeOwners);
    return statement;
  });
  return { version: '1.0', trustPolicies };
}

// "OCI Trust Policy Constraints": at least one scope; `*` alone; fully qualified repositories; one statement per scope.
function validateScopes(statement: OciTrustPolicy, owners: Map<string, string>): void {
  const { name, registryScopes } = statement;
  if (registryScopes.length === 0) throw new TrustPolicyError(`statement "${name}" has no registry scopes`);
  if (registryScopes.length > 1 && registryScopes.includes('*')) throw new TrustPolicyError(`statement "${name}": the global scope "*" cannot be combined with other scopes`);
  for (const scope of registryScopes) {
    if (scope !== '*') {
      const slash = scope.indexOf('/');
      if (scope.includes('*') || slash < 0 || !DOMAIN.test(scope.slice(0, slash)) || !REPOSITORY.test(scope.slice(slash + 1))) {
        throw new TrustPolicyError(`statement "${name}": registry scope "${scope}" is not a fully qualified repository such as registry.example.com/team/app`);
      }
    }
    const owner = owners.get(scope);
    if (owner !== undefined) throw new TrustPolicyError(`registry scope "${scope}" appears in statements "${owner}" and "${name}"`);
    owners.set(scope, name);
  }
}

/**
 * The statement for a repository ("Selecting a trust policy to verify a signed OCI artifact"): the one
 * whose scopes name it exactly, else the global (`*`) one, else none.
 */
export function selectTrustPolicy(doc: OciTrustPolicyDocument, repository: string): OciTrustPolicy | undefined {
  return doc.trustPolicies.find((p) => p.registryScopes.includes(repository)) ?? doc.trustPolicies.find((p) => p.registryScopes.includes('*'));
}
