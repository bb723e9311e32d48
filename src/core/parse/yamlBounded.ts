/**
 * YAML parsed with the `yaml` library, after its nesting is checked: the library's composer recurses
 * once per level, so a few hundred thousand `[` would exhaust the stack (and, inside a regular
 * expression, crash the process). The CST parser underneath does not recurse, so its tokens are
 * checked before they are composed.
 */
import { Composer, isMap, isPair, isScalar, isSeq, Parser, YAMLParseError, type CST, type Document, type DocumentOptions, type LineCounter, type ParseOptions, type SchemaOptions } from 'yaml';
import { LIMITS, LimitError } from './limits';

/** The deepest nesting of collections in a CST token, walked without recursion. */
function depthOf(token: CST.Token): number {
  let deepest = 0;
  const stack: [CST.Token, number][] = [[token, 0]];
  while (stack.length > 0) {
    const [t, depth] = stack.pop()!;
    const collection = t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection';
    const d = collection ? depth + 1 : depth;
    if (d > deepest) deepest = d;
    if (t.type === 'document' && t.value) stack.push([t.value, d]);
    if (collection) {
      for (const item of t.items) {
        if (item.key) stack.push([item.key, d]);
        if (item.value) stack.push([item.value, d]);
      }
    }
  }
  return deepest;
}

/**
 * Parses one YAML document as `parseDocument` does, refusing (with a LimitError) nesting deeper than
 * the limit before the recursive part of the library sees it.
 */
export function parseYaml(text: string, lines: LineCounter, options: DocumentOptions & ParseOptions & SchemaOptions = {}): Document.Parsed {
  const parser = new Parser(lines.addNewLine);
  // The library compares each key with every earlier one: unique keys are checked here instead, in one pass.
  const composer = new Composer({ ...options, uniqueKeys: false });
  function* bounded(tokens: Generator<CST.Token>): Generator<CST.Token> {
    for (const token of tokens) {
      if (token.type === 'document' && depthOf(token) > LIMITS.yamlDepth) {
        throw new LimitError(`YAML collections are nested more than ${LIMITS.yamlDepth} deep`);
      }
      yield token;
    }
  }
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(bounded(parser.parse(text)), true, text.length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
      break;
    }
  }
  if (options.uniqueKeys !== false && doc!.errors.length === 0) checkUniqueKeys(doc!);
  return doc!;
}

/** The library's `DUPLICATE_KEY` error, found with one set per map; merge keys (`<<`) may repeat. */
function checkUniqueKeys(doc: Document.Parsed): void {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isPair(node)) stack.push(node.key, node.value);
    else if (isSeq(node)) stack.push(...node.items);
    else if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        stack.push(pair.key, pair.value);
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (typeof key === 'symbol' || (isScalar(pair.key) && pair.key.source === '<<')) continue;
        if (seen.has(key)) {
          const at = (pair.key as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
          doc.errors.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
          return;
        }
        seen.add(key);
      }
    }
  }
}

