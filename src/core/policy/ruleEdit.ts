/**
 * Adds a rule to `rules:` in a `.trustlens.yaml` text (empty for a new file), changing nothing else:
 * the rule is written as a block after the last one (or under a new `rules:`), so comments, quoting
 * and layout stay as written. Layouts it cannot extend in place go through the YAML document model.
 */
import { Document, isMap, isScalar, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import { TrustLensError } from '../errors';

const lineStart = (text: string, offset: number): number => text.lastIndexOf('\n', offset - 1) + 1;
const lineEnd = (text: string, offset: number): number => {
  const i = text.indexOf('\n', offset);
  return i === -1 ? text.length : i;
};

/** `rule` as one block sequence item, each line after the first indented by `indent`. */
function blockItem(rule: Readonly<Record<string, unknown>>, indent: string): string {
  const text = new Document([rule]).toString({ lineWidth: 0 }).replace(/\n$/, '');
  return text.split('\n').map((line) => `${indent}${line}`).join('\n');
}

/** The text with `rule` appended to `rules:` (created when missing); the same text when an equal rule is there already. */
export function addPolicyRule(text: string, rule: Readonly<Record<string, unknown>>): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new TrustLensError('invalid-config', `the policy file is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  const root = doc.contents;
  const empty = root === null || (isScalar(root) && root.value === null);
  if (!empty && !isMap(root)) throw new TrustLensError('invalid-config', 'the policy file is not a mapping, so no rule can be added');
  const rules = isMap(root) ? root.get('rules', true) : undefined;
  const unset = rules === undefined || rules === null || (isScalar(rules) && rules.value === null);
  if (!unset && !isSeq(rules)) throw new TrustLensError('invalid-config', 'the policy file\'s "rules" is not a list');
  const existing = ((doc.toJS() as { rules?: unknown[] } | null)?.rules ?? []);
  if (existing.some((r) => JSON.stringify(r) === JSON.stringify(rule))) return text;

  let out: string | undefined;
  const last = isSeq(rules) ? rules.items[rules.items.length - 1] : undefined;
  if (isSeq(rules) && !rules.flow && rules.range && last && (isMap(last) || isScalar(last) || isSeq(last)) && last.range) {
    const indent = text.slice(lineStart(text, rules.range[0]), rules.range[0]);
    const at = lineEnd(text, last.range[1] - 1);
    if (/^ *$/.test(indent)) out = `${text.slice(0, at)}\n${blockItem(rule, indent)}${text.slice(at)}`;
  } else if (unset && !(isMap(root) && root.flow) && (rules === undefined || empty)) {
    out = `${text === '' || text.endsWith('\n') ? text : `${text}\n`}rules:\n${blockItem(rule, '  ')}\n`;
  }
  if (out !== undefined) {
    const check = parseDocument(out);
    const wanted = { ...(doc.toJS() as Record<string, unknown> | null), rules: [...existing, rule] };
    if (check.errors.length === 0 && JSON.stringify(check.toJS()) === JSON.stringify(wanted)) return out;
  }
  const node = doc.createNode(rule);
  if (isSeq(rules)) (rules as YAMLSeq).add(node);
  else if (isMap(root)) (root as YAMLMap).set('rules', doc.createNode([rule]));
  else doc.contents = doc.createNode({ rules: [rule] }) as typeof doc.contents;
  return doc.toString({ lineWidth: 0 });
}
