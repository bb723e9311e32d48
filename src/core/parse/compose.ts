import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Document, type YAMLMap } from 'yaml';
import { parseImageRef } from '../model/imageRef';
import { emptyScan, type ScanResult } from '../model/occurrence';
import type { Range } from '../model/range';
import { composeValue, expand, unresolvedMessage } from './expand';

/** Options for scanning a compose file. */
export interface ComposeScanOptions {
  /** Variable lookup for interpolation: the process environment over the `.env` file beside the compose file. */
  lookup?: (name: string) => string | undefined;
}

const MAX_ALIAS_DEPTH = 32;

/** Resolves aliases (bounded, so a hostile alias cycle cannot hang the scan). */
function deref(node: unknown, doc: Document, depth = 0): unknown {
  let current = node;
  for (let i = 0; isAlias(current) && i < MAX_ALIAS_DEPTH + depth; i += 1) current = current.resolve(doc);
  return current;
}

/** Looks up `key` in a map, following `<<` merge keys (own keys first, then merge sources in order). */
function lookupKey(map: YAMLMap, key: string, doc: Document, depth = 0): unknown {
  if (depth > MAX_ALIAS_DEPTH) return undefined;
  const merges: unknown[] = [];
  for (const pair of map.items) {
    const k = isScalar(pair.key) ? pair.key.value : pair.key;
    if (k === key) return pair.value;
    // With merge keys enabled, yaml gives `<<` the value Symbol(<<); its source text stays `<<`.
    if (k === '<<' || (isScalar(pair.key) && typeof k === 'symbol' && pair.key.source === '<<')) merges.push(pair.value);
  }
  for (const merge of merges) {
    const source = deref(merge, doc);
    const sources = isSeq(source) ? source.items.map((s) => deref(s, doc)) : [source];
    for (const s of sources) {
      if (!isMap(s)) continue;
      const found = lookupKey(s, key, doc, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The range of a scalar's text as written, quotes excluded. */
function scalarRange(node: Scalar, lines: LineCounter): Range | null {
  if (!node.range) return null;
  let [start, end] = node.range;
  if (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) {
    start += 1;
    end -= 1;
  }
  const toPosition = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { line: line - 1, character: col - 1 };
  };
  return { start: toPosition(start), end: toPosition(end) };
}

/**
 * Finds `services.<name>.image` in a compose file, with YAML anchors, aliases and merge keys resolved
 * and compose interpolation applied. A service that also has `build:` names the image it builds
 * (`compose-build-image`). Invalid YAML yields an error entry, never an exception.
 */
export function scanCompose(file: string, text: string, options: ComposeScanOptions = {}): ScanResult {
  const result = emptyScan();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, merge: true, uniqueKeys: false, strict: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    const { line, col } = lines.linePos(error.pos[0]);
    result.errors.push({
      file,
      message: `invalid YAML: ${(error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
      range: { start: { line: line - 1, character: col - 1 }, end: { line: line - 1, character: col - 1 } },
    });
    return result;
  }
  const root = deref(doc.contents, doc);
  if (!isMap(root)) return result;
  const services = deref(lookupKey(root, 'services', doc), doc);
  if (!isMap(services)) return result;
  const lookup = options.lookup ?? (() => undefined);

  // Services that share one anchored image share one written reference: report it once.
  const seen = new Set<Scalar>();
  for (const pair of services.items) {
    const service = deref(pair.value, doc);
    if (!isMap(service)) continue;
    const imageNode = deref(lookupKey(service, 'image', doc), doc);
    if (!isScalar(imageNode) || seen.has(imageNode)) continue;
    seen.add(imageNode);
    const range = scalarRange(imageNode, lines);
    if (!range || !imageNode.range) continue;
    const [start, end] = imageNode.range;
    const quoted = imageNode.type === Scalar.QUOTE_DOUBLE || imageNode.type === Scalar.QUOTE_SINGLE;
    const written = quoted ? text.slice(start + 1, end - 1) : text.slice(start, end);
    const kind = lookupKey(service, 'build', doc) !== undefined ? 'compose-build-image' : 'compose-image';
    if (typeof imageNode.value !== 'string') {
      result.skipped.push({ file, kind, text: written, range, reason: 'invalid-reference', message: `image must be a string, got ${imageNode.value === null ? 'null' : typeof imageNode.value}` });
      continue;
    }
    const expansion = expand(imageNode.value, composeValue(lookup));
    if (expansion.unresolved.length > 0) {
      result.skipped.push({ file, kind, text: written, range, reason: 'variable-unresolved', message: unresolvedMessage(expansion) });
      continue;
    }
    const parsed = parseImageRef(expansion.value);
    if (!parsed.ok) {
      result.skipped.push({ file, kind, text: written, range, reason: 'invalid-reference', message: parsed.message });
      continue;
    }
    result.references.push({ file, text: written, range, kind, ref: parsed.ref, platform: platformOf(service, doc, lookup), stage: null });
  }
  // Anchors put images out of service order: report them in document order, as a reader sees them.
  const byPosition = (a: { range: Range }, b: { range: Range }) =>
    a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
  result.references.sort(byPosition);
  result.skipped.sort(byPosition);
  return result;
}

function platformOf(service: YAMLMap, doc: Document, lookup: (name: string) => string | undefined): string | null {
  const node = deref(lookupKey(service, 'platform', doc), doc);
  if (!isScalar(node) || typeof node.value !== 'string') return null;
  const expansion = expand(node.value, composeValue(lookup));
  return expansion.unresolved.length === 0 ? expansion.value : node.value;
}
