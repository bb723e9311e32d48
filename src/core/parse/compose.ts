import { isMap, isScalar, LineCounter, Scalar } from 'yaml';
import { parseImageRef } from '../model/imageRef';
import { emptyScan, type ReferenceKind, type ScanResult } from '../model/occurrence';
import type { Range } from '../model/range';
import { interpolate, TemplateError, type Interpolation } from './composeTemplate';
import { ComposeGraph, ComposeYamlError } from './composeYaml';
import { parseYaml } from './yamlBounded';
import { WorkBudget } from './limits';

/** Options for scanning a compose file. */
export interface ComposeScanOptions {
  /** Variable lookup for interpolation: the process environment over the `.env` file beside the compose file. */
  lookup?: (name: string) => string | undefined;
}

/** The range of a scalar's text as written, quotes excluded. */
function scalarRange(node: Scalar, lines: LineCounter): Range | null {
  if (!node.range) return null;
  let [start, end] = node.range;
  if (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) {
    start += 1;
    end -= 1;
  }
  return { start: toPosition(start, lines), end: toPosition(end, lines) };
}

function toPosition(offset: number, lines: LineCounter) {
  const { line, col } = lines.linePos(offset);
  return { line: line - 1, character: col - 1 };
}

/**
 * Finds `services.<name>.image` in a compose file, with YAML anchors, aliases and merge keys resolved
 * and compose interpolation applied, as compose-go loads it. A service that also has `build:` names the
 * image it builds (`compose-build-image`). A file compose refuses (invalid YAML, an unknown anchor,
 * excessive aliasing) yields an error entry, never an exception; a limit hit is a LimitError.
 */
export function scanCompose(file: string, text: string, options: ComposeScanOptions = {}): ScanResult {
  const result = emptyScan();
  const lines = new LineCounter();
  const budget = new WorkBudget();
  const doc = parseYaml(text, lines, { merge: true, uniqueKeys: true });
  const refuse = (message: string, from: number, to = from): ScanResult => {
    result.errors.push({ file, message, range: { start: toPosition(from, lines), end: toPosition(to, lines) } });
    return result;
  };
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    return refuse(`invalid YAML: ${(error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`, error.pos[0], error.pos[1]);
  }
  let graph: ComposeGraph;
  try {
    graph = new ComposeGraph(doc);
  } catch (e) {
    if (e instanceof ComposeYamlError) return refuse(`invalid YAML: ${e.message}`, e.offset);
    throw e;
  }
  const root = graph.deref(doc.contents);
  if (!isMap(root)) return result;
  const services = graph.deref(graph.lookup(root, 'services'));
  if (!isMap(services)) return result;
  const lookup = options.lookup ?? (() => undefined);
  const expand = (value: string): Interpolation | TemplateError => {
    try {
      return interpolate(value, lookup, budget);
    } catch (e) {
      if (e instanceof TemplateError) return e;
      throw e;
    }
  };

  // Services that share one anchored image share one written reference: report it once.
  const seen = new Set<Scalar>();
  for (const pair of services.items) {
    const service = graph.deref(pair.value);
    if (!isMap(service)) continue;
    const imageNode = graph.deref(graph.lookup(service, 'image'));
    if (!isScalar(imageNode) || seen.has(imageNode)) continue;
    seen.add(imageNode);
    const range = scalarRange(imageNode, lines);
    if (!range || !imageNode.range) continue;
    const [start, end] = imageNode.range;
    const quoted = imageNode.type === Scalar.QUOTE_DOUBLE || imageNode.type === Scalar.QUOTE_SINGLE;
    const written = quoted ? text.slice(start + 1, end - 1) : text.slice(start, end);
    const kind: ReferenceKind = graph.lookup(service, 'build') !== undefined ? 'compose-build-image' : 'compose-image';
    const skip = (reason: 'invalid-reference' | 'variable-unresolved', message: string) => {
      result.skipped.push({ file, kind, text: written, range, reason, message });
    };
    if (typeof imageNode.value !== 'string') {
      skip('invalid-reference', `image must be a string, got ${imageNode.value === null ? 'null' : typeof imageNode.value}`);
      continue;
    }
    const expansion = expand(imageNode.value);
    if (expansion instanceof TemplateError) {
      skip('variable-unresolved', expansion.message);
      continue;
    }
    const parsed = parseImageRef(expansion.value);
    if (!parsed.ok) {
      if (expansion.unset.length > 0) {
        const names = expansion.unset;
        skip('variable-unresolved', `${written} interpolates to "${expansion.value}", which is not a valid reference (${parsed.message}): ${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} not set; set ${names.length === 1 ? 'it' : 'them'} in the environment or in the .env file`);
      } else skip('invalid-reference', parsed.message);
      continue;
    }
    const platformNode = graph.deref(graph.lookup(service, 'platform'));
    let platform: string | null = null;
    if (isScalar(platformNode) && typeof platformNode.value === 'string') {
      const p = expand(platformNode.value);
      platform = p instanceof TemplateError ? platformNode.value : p.value;
    }
    result.references.push({
      file, text: written, range, kind, ref: parsed.ref, platform, stage: null,
      ...(expansion.unset.length > 0 ? { emptyVariables: expansion.unset } : {}),
    });
  }
  // Anchors put images out of service order: report them in document order, as a reader sees them.
  const byPosition = (a: { range: Range }, b: { range: Range }) =>
    a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
  result.references.sort(byPosition);
  result.skipped.sort(byPosition);
  return result;
}
