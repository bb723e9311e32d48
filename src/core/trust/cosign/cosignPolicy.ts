/**
 * The `cosign:` block of a `.trustlens.yaml` rule: which keys, certificate identities and Sigstore
 * trusted root a rule trusts. Paths are relative to the policy file. The policy loader calls
 * {@link parseCosignPolicy} with the block's YAML node and its own error reporter (file:line:col).
 *
 *     cosign:
 *       keys: [keys/cosign.pub]                 # PEM public keys
 *       identities:
 *         - issuer: https://token.actions.githubusercontent.com
 *           subjectRegExp: ^https://github\.com/acme/
 *         - issuer: https://accounts.example.com
 *           subject: release@example.com
 *           ca: certs/corp-root.pem             # certificates from this CA, not Sigstore's Fulcio
 *       trustedRoot: sigstore/trusted_root.json # optional: air-gapped Sigstore root
 */
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, type Node } from 'yaml';

/** Who may sign, by certificate identity. Issuer and subject are each given exactly or as a RegExp. */
export interface CosignIdentityRule {
  /** The OIDC issuer, compared exactly, e.g. `https://token.actions.githubusercontent.com`. */
  readonly issuer?: string;
  /** A RegExp source matched (unanchored, as cosign does) against the issuer. */
  readonly issuerRegExp?: string;
  /** The SAN (e-mail or URI), compared exactly. */
  readonly subject?: string;
  /** A RegExp source matched (unanchored) against the SAN, e.g. `^https://github\.com/acme/`. */
  readonly subjectRegExp?: string;
  /** Absolute paths of PEM files with the CA roots certificates must chain to; absent means Sigstore's Fulcio. */
  readonly ca?: readonly string[];
}

/** A rule's (or several rules' merged) cosign trust. All paths are absolute. */
export interface CosignPolicy {
  readonly keys: readonly string[];
  readonly identities: readonly CosignIdentityRule[];
  /** A Sigstore trusted root file; absent means the public-good root from Sigstore's TUF repository. */
  readonly trustedRoot?: string;
  /** The policy file's folder, which the paths above were written relative to. */
  readonly baseDir?: string;
}

export const EMPTY_COSIGN_POLICY: CosignPolicy = { keys: [], identities: [] };

/** Reports a problem at a YAML node and throws (the policy loader's `file:line:col` reporter). */
export type PolicyFail = (node: Node | null | undefined, message: string) => never;

/** Keys of the block, for error messages. */
const BLOCK_KEYS = ['keys', 'identities', 'trustedRoot'];
const IDENTITY_KEYS = ['issuer', 'issuerRegExp', 'subject', 'subjectRegExp', 'ca'];

/**
 * Parses a rule's `cosign:` block.
 * @param node the YAML node of the block's value
 * @param policyFile the policy file's path; relative paths resolve against its directory
 * @param fail the loader's error reporter
 */
export function parseCosignPolicy(node: unknown, policyFile: string, fail: PolicyFail): CosignPolicy {
  return parseCosignSection(node, { baseDir: dirname(resolve(policyFile)) }, fail);
}

/** Parses a rule's `cosign:` block, with relative paths taken from `baseDir` (the policy file's folder). */
export function parseCosignSection(node: unknown, { baseDir }: { readonly baseDir: string }, fail: PolicyFail): CosignPolicy {
  if (!isMap(node)) return fail(node as Node, `"cosign" must be a mapping of ${BLOCK_KEYS.join(', ')}`);
  const base = resolve(baseDir);
  const path = (value: unknown, what: string): string => resolve(base, str(value, what, fail));
  let keys: string[] = [];
  let identities: CosignIdentityRule[] = [];
  let trustedRoot: string | undefined;
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    switch (key) {
      case 'keys':
        keys = list(pair.value, '"cosign.keys"', fail).map((item) => path(item, 'each entry of "cosign.keys"'));
        break;
      case 'identities':
        if (!isSeq(pair.value)) return fail(pair.value as Node, '"cosign.identities" must be a list');
        identities = pair.value.items.map((item) => parseIdentity(item, path, fail));
        break;
      case 'trustedRoot':
        trustedRoot = path(pair.value, '"cosign.trustedRoot"');
        break;
      default:
        fail(pair.key as Node, `unknown cosign key "${key}" (expected ${BLOCK_KEYS.join(', ')})`);
    }
  }
  return { keys, identities, ...(trustedRoot !== undefined ? { trustedRoot } : {}) };
}

function parseIdentity(item: unknown, path: (value: unknown, what: string) => string, fail: PolicyFail): CosignIdentityRule {
  if (!isMap(item)) return fail(item as Node, 'each cosign identity must be a mapping with issuer (or issuerRegExp) and subject (or subjectRegExp)');
  const rule: { -readonly [K in keyof CosignIdentityRule]: CosignIdentityRule[K] } = {};
  for (const pair of item.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    switch (key) {
      case 'issuer':
      case 'subject':
        rule[key] = str(pair.value, `"${key}"`, fail);
        break;
      case 'issuerRegExp':
      case 'subjectRegExp': {
        const source = str(pair.value, `"${key}"`, fail);
        const problem = regExpProblem(source);
        if (problem) fail(pair.value as Node, `"${key}" ${problem}`);
        rule[key] = source;
        break;
      }
      case 'ca':
        rule.ca = list(pair.value, '"ca"', fail).map((entry) => path(entry, 'each entry of "ca"'));
        break;
      default:
        fail(pair.key as Node, `unknown identity key "${key}" (expected ${IDENTITY_KEYS.join(', ')})`);
    }
  }
  if ((rule.issuer === undefined) === (rule.issuerRegExp === undefined)) fail(item, 'an identity needs exactly one of "issuer" and "issuerRegExp"');
  if ((rule.subject === undefined) === (rule.subjectRegExp === undefined)) fail(item, 'an identity needs exactly one of "subject" and "subjectRegExp"');
  return rule;
}

/** Most unbounded quantifiers (`*`, `+`, `{n,}`) in one RegExp: each can multiply the work by the text's length. */
const MAX_UNBOUNDED_QUANTIFIERS = 3;
/** Text longer than this never matches a RegExp rule (SANs and issuers are far shorter). */
const MAX_MATCHED_LENGTH = 512;

/**
 * Why a RegExp source is refused, or undefined. Besides syntax, patterns whose matching time can
 * explode are refused: a quantified group that itself contains a quantifier or an alternation, a
 * back-reference, or more than three unbounded quantifiers. The text they run against comes from
 * certificates anyone can present, and the policy file from the repository being edited.
 */
export function regExpProblem(source: string): string | undefined {
  if (source.length > 1000) return 'is longer than 1000 characters';
  try {
    new RegExp(source, 'u');
  } catch (e) {
    return `is not a valid regular expression: ${(e as Error).message}`;
  }
  if (/\\[1-9]|\\k</.test(source)) return 'may not use back-references';
  const unbounded = source.replace(/\\./g, '').replace(/\[[^\]]*\]/g, 'c').match(/[*+]|\{\d+,\}/g)?.length ?? 0;
  if (unbounded > MAX_UNBOUNDED_QUANTIFIERS) return `may use at most ${MAX_UNBOUNDED_QUANTIFIERS} unbounded quantifiers (*, +, {n,}); split it into several identities`;
  // Walk the groups: a group containing a quantifier or `|`, followed by a quantifier, can backtrack exponentially.
  const stack: { risky: boolean }[] = [];
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      continue;
    }
    if (c === '(') stack.push({ risky: false });
    else if (c === ')') {
      const group = stack.pop();
      const next = source[i + 1];
      const quantified = next === '*' || next === '+' || next === '?' || next === '{';
      if (group?.risky && quantified && next !== '?') return 'may not repeat a group that itself repeats or alternates (it could take exponential time)';
      if (group?.risky && stack.length > 0) (stack[stack.length - 1] as { risky: boolean }).risky = true;
      if (quantified && stack.length > 0) (stack[stack.length - 1] as { risky: boolean }).risky = true;
    } else if ((c === '*' || c === '+' || c === '{' || c === '|') && stack.length > 0) {
      (stack[stack.length - 1] as { risky: boolean }).risky = true;
    }
  }
  return undefined;
}

/** Whether a policy trusts anyone at all (a key or an identity). */
export function trustsAnyone(policy: CosignPolicy): boolean {
  return policy.keys.length > 0 || policy.identities.length > 0;
}

/** Whether an identity rule accepts a certificate's SAN and issuer. */
export function identityMatches(rule: CosignIdentityRule, subject: string | undefined, issuer: string | undefined): boolean {
  if (subject === undefined || issuer === undefined) return false;
  if ((rule.issuerRegExp !== undefined && issuer.length > MAX_MATCHED_LENGTH) || (rule.subjectRegExp !== undefined && subject.length > MAX_MATCHED_LENGTH)) return false;
  const issuerOk = rule.issuer !== undefined ? rule.issuer === issuer : new RegExp(rule.issuerRegExp as string, 'u').test(issuer);
  const subjectOk = rule.subject !== undefined ? rule.subject === subject : new RegExp(rule.subjectRegExp as string, 'u').test(subject);
  return issuerOk && subjectOk;
}

function str(node: unknown, what: string, fail: PolicyFail): string {
  if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') return fail(node as Node, `${what} must be a non-empty string`);
  return node.value;
}

// A list of strings, or a single string.
function list(node: unknown, what: string, fail: PolicyFail): unknown[] {
  if (isScalar(node)) return [node];
  if (!isSeq(node)) return fail(node as Node, `${what} must be a string or a list of strings`);
  return node.items;
}
