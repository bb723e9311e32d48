/**
 * The `notation:` section of a `.trustlens.yaml` rule: trust store folders (relative to the policy file)
 * and trusted identities, with notation's level, `override` and `verifyTimestamp`:
 *
 *     rules:
 *       - images: ["registry.example.com/team/*"]
 *         notation:
 *           level: strict                  # strict (default), permissive, audit or skip
 *           override: { expiry: log }      # optional
 *           verifyTimestamp: always        # or afterCertExpiry
 *           trustStores:
 *             ca: [notation/ca]            # folders of .pem/.crt/.cer files
 *             tsa: [notation/tsa]
 *           trustedIdentities:
 *             - "x509.subject: C=US, ST=WA, O=Acme, CN=release"
 *
 * The policy loader calls {@link parseNotationRuleSection} with the YAML node and its `fail` callback,
 * so errors name the file, line and column like every other policy error.
 */
import { isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { EffectiveNotationPolicy } from './policy';
import type { TrustStoreRef } from './trustStore';
import { TRUST_STORE_TYPES, validateStatementCore, type SignatureVerification, type TrustStoreType } from './trustPolicy';

/** Reports an error at a node and never returns (the policy file parser's own callback). */
export type FailAt = (node: Node | null | undefined, message: string) => never;

/** A parsed `notation:` section. */
export interface NotationRuleSection {
  signatureVerification: SignatureVerification;
  trustStores: TrustStoreRef[];
  trustedIdentities: string[];
}

const KEYS = ['level', 'override', 'verifyTimestamp', 'trustStores', 'trustedIdentities'];

function keyOf(pair: { key: unknown }): string {
  return isScalar(pair.key) ? String(pair.key.value) : '';
}

function text(node: unknown, what: string, fail: FailAt): string {
  if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') return fail(node as Node, `${what} must be a non-empty string`);
  return node.value;
}

function list(node: unknown, what: string, fail: FailAt): { value: string; node: Node }[] {
  if (!isSeq(node)) return fail(node as Node, `${what} must be a list of strings`);
  return node.items.map((item) => ({ value: text(item, `each entry of ${what}`, fail), node: item as Node }));
}

/**
 * Parses the section. `policyDir` is the folder of the policy file, against which trust store folders
 * are resolved.
 */
export function parseNotationRuleSection(node: unknown, policyDir: string, fail: FailAt): NotationRuleSection {
  if (!isMap(node)) return fail(node as Node, `"notation" must be a mapping of ${KEYS.join(', ')}`);
  const section: NotationRuleSection = { signatureVerification: { level: 'strict' }, trustStores: [], trustedIdentities: [] };
  for (const pair of node.items) {
    const key = keyOf(pair);
    const value = pair.value;
    switch (key) {
      case 'level':
        section.signatureVerification.level = text(value, '"notation.level"', fail);
        break;
      case 'verifyTimestamp':
        section.signatureVerification.verifyTimestamp = text(value, '"notation.verifyTimestamp"', fail);
        break;
      case 'override': {
        if (!isMap(value)) return fail(value as Node, '"notation.override" must map a validation to enforce, log or skip');
        const override: Record<string, string> = {};
        for (const entry of value.items) override[text(entry.key, 'a validation name', fail)] = text(entry.value, 'a verification action', fail);
        section.signatureVerification.override = override;
        break;
      }
      case 'trustStores': {
        if (!isMap(value)) return fail(value as Node, `"notation.trustStores" must map ${TRUST_STORE_TYPES.join(', ')} to lists of folders`);
        for (const entry of value.items) {
          const type = keyOf(entry);
          if (!(TRUST_STORE_TYPES as readonly string[]).includes(type)) fail(entry.key as Node, `unknown trust store type "${type}" (expected ${TRUST_STORE_TYPES.join(', ')})`);
          for (const folder of list(entry.value, `"notation.trustStores.${type}"`, fail)) {
            const dir = isAbsolute(folder.value) ? folder.value : resolve(policyDir, folder.value);
            section.trustStores.push({ type: type as TrustStoreType, name: folder.value, dir });
          }
        }
        break;
      }
      case 'trustedIdentities':
        section.trustedIdentities = list(value, '"notation.trustedIdentities"', fail).map((i) => i.value);
        break;
      default:
        fail(pair.key as Node, `unknown key "notation.${key}" (expected ${KEYS.join(', ')})`);
    }
  }
  try {
    // Store names are folders here, so the check runs with placeholder `type:name` values.
    validateStatementCore('notation', section.signatureVerification, section.trustStores.map((s) => `${s.type}:store`), section.trustedIdentities);
  } catch (e) {
    fail(node, (e as Error).message.replace(/^statement "notation"/, '"notation"'));
  }
  return section;
}

/** The section as the policy a check of a matching image runs under. */
export function policyFromRuleSection(section: NotationRuleSection, images: readonly string[], file?: string): EffectiveNotationPolicy {
  const sv = section.signatureVerification;
  return {
    name: `.trustlens.yaml rule for ${images.join(', ')}`,
    origin: 'trustlens-rule',
    ...(file ? { file } : {}),
    level: validateStatementCore('notation', sv, section.trustStores.map((s) => `${s.type}:store`), section.trustedIdentities),
    verifyTimestamp: sv.verifyTimestamp === 'afterCertExpiry' ? 'afterCertExpiry' : 'always',
    trustStores: section.trustStores,
    trustedIdentities: section.trustedIdentities,
  };
}
