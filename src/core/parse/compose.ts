import { isMap, isScalar, LineCounter, Scalar } from 'yaml';
import { parseImageRef } from '../model/imageRef';
import { emptyScan, type ImageOccurrence, type ReferenceKind, type ScanResult, type SkippedOccurrence } from '../model/occurrence';
import type { Range } from '../model/range';
import { interpolate, TemplateError, type Interpolation } from './composeTemplate';
import { ComposeGraph, ComposeYamlError } from './composeYaml';
import { parseYaml } from './yamlBounded';
import { WorkBudget, type WorkUsed } from './limits';

/** Options for scanning a compose file. */
export interface ComposeScanOptions {
  /** Variable lookup for interpolation: the process environment over the `.env` file beside the compose file. */
  lookup?: (name: string) => string | undefined;
  /** What an earlier read of the same document worked out per service, to reuse where nothing it depends on changed. */
  memo?: ComposeMemo;
}

/** What one service's image comes to, wherever it is written. */
type ServiceOutcome =
  | { reference: Omit<ImageOccurrence, 'file' | 'range'> }
  | { skipped: Omit<SkippedOccurrence, 'file' | 'range'> };

interface Remembered {
  outcome: ServiceOutcome;
  /** The variables its interpolation read, with the values they had. */
  variables: Map<string, string | undefined>;
  work: WorkUsed;
}

/**
 * The services' outcomes of the last read of one compose document, by what they depend on: the
 * image as written, its value, the platform, whether the service builds, and the values of the
 * variables interpolation read. A read keeps only the entries it used.
 */
export class ComposeMemo {
  #entries = new Map<string, Remembered>();
  #next = new Map<string, Remembered>();
  /** Services worked out again (not reused) by the last read. */
  computed = 0;

  begin(): void {
    this.#next = new Map();
    this.computed = 0;
  }

  get(key: string, lookup: (name: string) => string | undefined): Remembered | undefined {
    const entry = this.#next.get(key) ?? this.#entries.get(key);
    if (!entry) return undefined;
    for (const [name, value] of entry.variables) if (lookup(name) !== value) return undefined;
    return entry;
  }

  set(key: string, entry: Remembered): void {
    this.#next.set(key, entry);
  }

  end(): void {
    this.#entries = this.#next;
  }
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
  /** Interpolates a value, noting each variable it reads and its value. */
  const expand = (value: string, read: Map<string, string | undefined>): Interpolation | TemplateError => {
    const noting = (name: string): string | undefined => {
      const v = lookup(name);
      read.set(name, v);
      return v;
    };
    try {
      return interpolate(value, noting, budget);
    } catch (e) {
      if (e instanceof TemplateError) return e;
      throw e;
    }
  };

  // Services that share one anchored image share one written reference: report it once.
  const seen = new Set<Scalar>();
  const memo = options.memo;
  memo?.begin();
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
    const platformNode = graph.deref(graph.lookup(service, 'platform'));
    const platformText = isScalar(platformNode) && typeof platformNode.value === 'string' ? platformNode.value : null;
    let outcome: ServiceOutcome;
    const key = typeof imageNode.value === 'string' ? JSON.stringify([kind, written, imageNode.value, platformText]) : undefined;
    const remembered = key !== undefined ? memo?.get(key, lookup) : undefined;
    if (remembered && budget.add(remembered.work)) {
      outcome = remembered.outcome;
      memo!.set(key!, remembered);
    } else {
      const variables = new Map<string, string | undefined>();
      const before = budget.used;
      outcome = serviceOutcome(kind, written, imageNode.value, platformText, (value) => expand(value, variables));
      const after = budget.used;
      if (key !== undefined && memo) {
        memo.set(key, { outcome, variables, work: { expanded: after.expanded - before.expanded, patternSteps: after.patternSteps - before.patternSteps } });
        memo.computed += 1;
      }
    }
    if ('reference' in outcome) {
      const { text: t, kind: k, ...rest } = outcome.reference;
      result.references.push({ file, text: t, range, kind: k, ...rest });
    } else {
      const { kind: k, text: t, ...rest } = outcome.skipped;
      result.skipped.push({ file, kind: k, text: t, range, ...rest });
    }
  }
  memo?.end();
  // Anchors put images out of service order: report them in document order, as a reader sees them.
  const byPosition = (a: { range: Range }, b: { range: Range }) =>
    a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
  result.references.sort(byPosition);
  result.skipped.sort(byPosition);
  return result;
}

/** What a service's image comes to: a reference, or a value skipped with the reason. */
function serviceOutcome(
  kind: ReferenceKind,
  written: string,
  value: unknown,
  platformText: string | null,
  expand: (value: string) => Interpolation | TemplateError,
): ServiceOutcome {
  const skip = (reason: 'invalid-reference' | 'variable-unresolved', message: string): ServiceOutcome => ({ skipped: { kind, text: written, reason, message } });
  if (typeof value !== 'string') return skip('invalid-reference', `image must be a string, got ${value === null ? 'null' : typeof value}`);
  const expansion = expand(value);
  if (expansion instanceof TemplateError) return skip('variable-unresolved', expansion.message);
  const parsed = parseImageRef(expansion.value);
  if (!parsed.ok) {
    if (expansion.unset.length > 0) {
      const names = expansion.unset;
      return skip('variable-unresolved', `${written} interpolates to "${expansion.value}", which is not a valid reference (${parsed.message}): ${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} not set; set ${names.length === 1 ? 'it' : 'them'} in the environment or in the .env file`);
    }
    return skip('invalid-reference', parsed.message);
  }
  let platform: string | null = null;
  if (platformText !== null) {
    const p = expand(platformText);
    platform = p instanceof TemplateError ? platformText : p.value;
  }
  return {
    reference: {
      text: written, kind, ref: parsed.ref, platform, stage: null,
      ...(expansion.unset.length > 0 ? { emptyVariables: expansion.unset } : {}),
    },
  };
}
