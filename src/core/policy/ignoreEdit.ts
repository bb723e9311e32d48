import { isMap, isScalar, isSeq, parseDocument, type Document, type YAMLSeq } from 'yaml';
import { TrustLensError } from '../errors';

/** Escapes glob characters, so a repository such as `[::1]:5000/app` matches only itself. */
export function escapeGlob(repository: string): string {
  return repository.replace(/[\\*?[\]{}()!+@]/g, (c) => `\\${c}`);
}

/** A scalar as YAML writes it: plain when that is unambiguous, else double-quoted. */
function yamlScalar(value: string): string {
  return /^[A-Za-z0-9._/-][A-Za-z0-9._/:-]*$/.test(value) && !value.endsWith(':') ? value : JSON.stringify(value);
}

/** The `ignore` list a document holds, or undefined when it has none. */
function ignoreList(doc: Document): unknown[] | undefined {
  const value = (doc.toJS() as { ignore?: unknown } | null)?.ignore;
  return Array.isArray(value) ? value : undefined;
}

const lineStart = (text: string, offset: number): number => text.lastIndexOf('\n', offset - 1) + 1;
const lineEnd = (text: string, offset: number): number => {
  const i = text.indexOf('\n', offset);
  return i === -1 ? text.length : i;
};
const withNewline = (text: string): string => (text === '' || text.endsWith('\n') ? text : `${text}\n`);

/** The text with `entry` added to a block or flow `ignore:` list, editing nothing else; or undefined. */
function insertInto(text: string, seq: YAMLSeq, entry: string): string | undefined {
  if (!seq.range) return undefined;
  if (seq.flow) {
    const close = text.lastIndexOf(']', seq.range[1]);
    if (close < seq.range[0]) return undefined;
    const before = text.slice(seq.range[0] + 1, close).trim();
    return `${text.slice(0, close)}${before === '' ? '' : before.endsWith(',') ? ' ' : ', '}${entry}${text.slice(close)}`;
  }
  const last = seq.items[seq.items.length - 1];
  if (!last || !(isScalar(last) || isMap(last) || isSeq(last)) || !last.range) return undefined;
  const start = seq.range[0];
  const indent = text.slice(lineStart(text, start), start);
  if (!/^ *$/.test(indent)) return undefined;
  const end = lineEnd(text, last.range[1]);
  return `${text.slice(0, end)}\n${indent}- ${entry}${text.slice(end)}`;
}

/**
 * Adds a repository to `ignore:` in a `.trustlens.yaml` text (empty for a new file), changing nothing
 * else: comments, quoting and layout stay as written. The entry is the repository with glob characters
 * escaped. Returns the new text, or the same text when the entry is there already. Throws
 * `invalid-config` when the text is not YAML, not a mapping, or has an `ignore` that is not a list.
 */
export function addIgnoredRepository(text: string, repository: string): string {
  const entry = escapeGlob(repository);
  const doc: Document = parseDocument(text);
  if (doc.errors.length > 0) throw new TrustLensError('invalid-config', `the policy file is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  const root = doc.contents;
  const map = isMap(root) ? root : undefined;
  if (!map && !(root === null || (isScalar(root) && root.value === null))) {
    throw new TrustLensError('invalid-config', 'the policy file is not a mapping, so no ignore list can be added');
  }
  const current = map?.get('ignore', true);
  const unset = current === null || (isScalar(current) && current.value === null);
  if (current !== undefined && !unset && !isSeq(current)) {
    throw new TrustLensError('invalid-config', 'the policy file\'s "ignore" is not a list of repository globs');
  }
  const existing = ignoreList(doc) ?? [];
  if (existing.includes(entry)) return text;

  const item = `- ${yamlScalar(entry)}`;
  let out: string | undefined;
  if (isSeq(current)) {
    out = insertInto(text, current, yamlScalar(entry));
  } else if (unset) {
    const key = map?.items.find((pair) => isScalar(pair.key) && pair.key.value === 'ignore')?.key;
    const at = isScalar(key) && key.range ? lineEnd(text, key.range[1]) : undefined;
    if (at !== undefined) out = `${text.slice(0, at)}\n  ${item}${text.slice(at)}`;
  } else if (!map?.flow) {
    out = `${withNewline(text)}ignore:\n  ${item}\n`;
  }
  if (out !== undefined && sameExceptIgnore(doc, out, [...existing, entry])) return out;
  // Layouts not edited in place (a flow mapping, `ignore: ~`) go through the document model.
  if (isSeq(current)) current.add(doc.createNode(entry));
  else if (map) map.set('ignore', doc.createNode([entry]));
  else doc.contents = doc.createNode({ ignore: [entry] });
  return doc.toString({ lineWidth: 0 });
}

/** Whether `out` parses to the original document with exactly `ignore` as its ignore list. */
function sameExceptIgnore(original: Document, out: string, ignore: unknown[]): boolean {
  const doc = parseDocument(out);
  if (doc.errors.length > 0) return false;
  const before = { ...(original.toJS() as Record<string, unknown> | null), ignore };
  return JSON.stringify(doc.toJS()) === JSON.stringify(before);
}
