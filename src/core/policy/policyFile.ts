import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';
import { TrustLensError } from '../errors';
import { LimitError } from '../parse/limits';
import { parseYaml } from '../parse/yamlBounded';
import { isFindingCode, SEVERITIES, type FindingCode, type Severity } from '../model/findings';
import { defaultPolicy, type Policy, type PolicyRule } from './policy';
import { PolicyFileError } from './policyError';
import { ruleSectionKeys, ruleSectionParser } from './ruleSections';
import { parseTrustPinning } from './trustPinning';

export const POLICY_FILE_NAME = '.trustlens.yaml';

/** Finds `.trustlens.yaml` in `dir` or its nearest parent. */
export function findPolicyFile(dir: string): string | undefined {
  let current = resolve(dir);
  for (;;) {
    const candidate = join(current, POLICY_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** Reads and validates a policy file; an unreadable file is `TrustLensError('invalid-config')`, an invalid one a {@link PolicyFileError}. */
export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new TrustLensError('invalid-config', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  }
  return parsePolicy(text, path, { baseDir: dirname(resolve(path)) });
}

/**
 * Parses a policy. Unknown keys, wrong types and bad values are errors that name the file, line and
 * column, e.g. `.trustlens.yaml:4:5: "expiryWarningDays" must be a whole number of days ≥ 0`.
 * `file` is the name messages use; `baseDir` (default: `file`'s directory) is where relative paths
 * in the policy (CA bundles of `trustPinning.ca`) are taken from.
 */
export function parsePolicy(text: string, file = POLICY_FILE_NAME, options: { baseDir?: string } = {}): Policy {
  const lines = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseYaml(text, lines, { prettyErrors: false });
  } catch (e) {
    if (e instanceof LimitError) throw new PolicyFileError(file, 1, 1, e.message);
    throw e;
  }
  const fail = (node: Node | null | undefined, message: string, offset?: number): never => {
    const at = offset ?? node?.range?.[0] ?? 0;
    const { line, col } = lines.linePos(at);
    throw new PolicyFileError(file, line, col, message);
  };
  if (doc.errors.length > 0) fail(null, `invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}`, doc.errors[0]!.pos[0]);

  const policy: Policy = { ...defaultPolicy(), file, explicitKeys: [] };
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return policy;
  if (!isMap(root)) return fail(root, 'the policy must be a mapping of trustServers, rules, expiryWarningDays, ignore and trustPinning');

  const str = (node: unknown, what: string): string => {
    if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') return fail(node as Node, `${what} must be a non-empty string`);
    return node.value;
  };
  const strList = (node: unknown, what: string): string[] => {
    if (!isSeq(node)) return fail(node as Node, `${what} must be a list of strings`);
    return node.items.map((item) => str(item, `each entry of ${what}`));
  };

  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value;
    policy.explicitKeys!.push(key);
    switch (key) {
      case 'trustServers': {
        if (!isMap(value)) return fail(value as Node, '"trustServers" must map a registry host[:port] to a trust server URL');
        for (const entry of value.items) {
          const host = str(entry.key, 'a trustServers key (registry host[:port])');
          const url = str(entry.value, `the trust server for ${host}`);
          if (!/^https?:\/\/[^\s/]+/.test(url)) fail(entry.value as Node, `the trust server for ${host} must be an https:// URL, got "${url}"`);
          policy.trustServers[host] = url.replace(/\/+$/, '');
        }
        break;
      }
      case 'expiryWarningDays': {
        if (!isScalar(value) || typeof value.value !== 'number' || !Number.isInteger(value.value) || value.value < 0) {
          return fail(value as Node, '"expiryWarningDays" must be a whole number of days ≥ 0');
        }
        policy.expiryWarningDays = value.value;
        break;
      }
      case 'ignore':
        policy.ignore = strList(value, '"ignore"');
        break;
      case 'rules':
        if (!isSeq(value)) return fail(value as Node, '"rules" must be a list');
        policy.rules = value.items.map((item) => parseRule(item, fail, str, strList, { baseDir: options.baseDir ?? dirname(resolve(file)), file }));
        break;
      case 'trustPinning':
        policy.trustPinning = parseTrustPinning(value, options.baseDir ?? dirname(resolve(file)), fail);
        break;
      default:
        fail(pair.key as Node, `unknown key "${key}" (expected trustServers, rules, expiryWarningDays, ignore or trustPinning)`);
    }
  }
  return policy;
}

type Fail = (node: Node | null | undefined, message: string) => never;

const SCHEME_NAME = /^[a-z][a-z0-9-]*$/;

function ruleKeys(): string {
  return ['images', 'requireSigners', 'severity', 'require', 'anyOf', ...ruleSectionKeys()].join(', ');
}

function parseRule(item: unknown, fail: Fail, str: (n: unknown, w: string) => string, strList: (n: unknown, w: string) => string[], where: { baseDir: string; file: string }): PolicyRule {
  if (!isMap(item)) return fail(item as Node, 'each rule must be a mapping with "images" and optionally "requireSigners" and "severity"');
  const rule: PolicyRule = { images: [], requireSigners: [], severity: {} };
  const schemes = (node: unknown, what: string): string[] => {
    const names = strList(node, what);
    if (names.length === 0) fail(node as Node, `${what} must name at least one signature scheme`);
    const bad = names.find((n) => !SCHEME_NAME.test(n));
    if (bad !== undefined) fail(node as Node, `${what}: "${bad}" is not a signature scheme name (e.g. dct, notation)`);
    return [...new Set(names)];
  };
  for (const pair of item.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const section = ruleSectionParser(key);
    if (section) {
      rule.sections = { ...rule.sections, [key]: section(pair.value, { ...where, fail }) };
      continue;
    }
    switch (key) {
      case 'require':
        rule.require = schemes(pair.value, '"require"');
        break;
      case 'anyOf':
        rule.anyOf = schemes(pair.value, '"anyOf"');
        break;
      case 'images':
        rule.images = strList(pair.value, '"images"');
        break;
      case 'requireSigners':
        rule.requireSigners = strList(pair.value, '"requireSigners"').map((s) => s.replace(/^targets\//, ''));
        break;
      case 'severity': {
        if (!isMap(pair.value)) return fail(pair.value as Node, '"severity" must map finding codes to error, warning, info, hint or ignore');
        for (const entry of pair.value.items) {
          const code = str(entry.key, 'a finding code');
          if (!isFindingCode(code)) fail(entry.key as Node, `unknown finding code "${code}"`);
          const level = str(entry.value, `the severity of ${code}`);
          if (!(SEVERITIES as readonly string[]).includes(level)) {
            fail(entry.value as Node, `the severity of ${code} must be one of ${SEVERITIES.join(', ')}, got "${level}"`);
          }
          rule.severity[code as FindingCode] = level as Severity;
        }
        break;
      }
      default:
        fail(pair.key as Node, `unknown rule key "${key}" (expected ${ruleKeys()})`);
    }
  }
  if (rule.images.length === 0) fail(item, 'a rule needs at least one pattern in "images"');
  if (rule.require && rule.anyOf) fail(item, 'a rule says either "require" (every scheme listed) or "anyOf" (one of them), not both');
  return rule;
}
