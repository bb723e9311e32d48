/**
 * Reading one parsed YAML document the way Kubernetes, kustomize, Helm and CI tools load it: aliases
 * followed to their anchors, merge keys (`<<`) applied, and every value kept with where it is written.
 * The document's alias and merge work is checked against the same budget as compose files.
 */
import { isMap, isScalar, isSeq, Scalar, type Document, type LineCounter, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Position, Range } from '../model/range';
import { ComposeGraph } from './composeYaml';

/** A scalar value with where it is written. */
export interface ScalarAt {
  node: Scalar;
  /** The value as the YAML library reads it (a string, number, boolean or null). */
  value: unknown;
  /** The text as written, quotes excluded, e.g. `1.10` (which YAML reads as the number 1.1). */
  text: string;
  /** Where `text` is, quotes excluded. */
  range: Range;
  /** The text as a string value: the string itself, or the written text of a plain number or boolean. */
  string: string | null;
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (key.value === '<<' || (typeof key.value === 'symbol' && key.source === '<<'));
}

/** One YAML document of a file, read through its aliases and merge keys. */
export class YamlView {
  readonly #graph: ComposeGraph;

  /** @throws ComposeYamlError for an unknown or recursive anchor, LimitError for excessive aliasing. */
  constructor(readonly doc: Document.Parsed, readonly text: string, readonly lines: LineCounter) {
    this.#graph = new ComposeGraph(doc);
  }

  /** The document's top-level value. */
  get root(): unknown {
    return this.deref(this.doc.contents);
  }

  /** The node an alias stands for (any other node as it is). */
  deref(node: unknown): unknown {
    return this.#graph.deref(node);
  }

  /**
   * Visits every key–value pair under `root`, through aliases, each node once and without recursion:
   * sequences in document order, a map's pairs from its last to its first. `visit` returns true when it
   * has taken the pair's value, so the walk does not go into it; it gets the set of nodes already seen.
   */
  walkPairs(root: unknown, visit: (pair: Pair, seen: Set<unknown>) => boolean): void {
    const stack: unknown[] = [root];
    const seen = new Set<unknown>();
    while (stack.length > 0) {
      const node = this.deref(stack.pop());
      if (seen.has(node)) continue;
      seen.add(node);
      if (isSeq(node)) {
        for (let i = node.items.length - 1; i >= 0; i -= 1) stack.push(node.items[i]);
      } else if (isMap(node)) {
        const pairs = this.pairs(node);
        for (let i = pairs.length - 1; i >= 0; i -= 1) {
          const pair = pairs[i]!;
          if (!visit(pair, seen)) stack.push(pair.value);
        }
      }
    }
  }

  /** The pairs of a map as the tools see them: its own, then those merged in (`<<`), earlier ones winning. */
  pairs(map: YAMLMap): Pair[] {
    const out: Pair[] = [];
    const seen = new Set<unknown>();
    const visited = new Set<YAMLMap>();
    const queue: YAMLMap[] = [map];
    while (queue.length > 0) {
      const current = queue.shift()!;
      if (visited.has(current)) continue;
      visited.add(current);
      const sources: YAMLMap[] = [];
      for (const pair of current.items) {
        if (isMergeKey(pair.key)) {
          const source = this.deref(pair.value);
          for (const s of isSeq(source) ? source.items.map((i) => this.deref(i)) : [source]) if (isMap(s)) sources.push(s);
          continue;
        }
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(pair);
      }
      queue.push(...sources);
    }
    return out;
  }

  /** The value of `key` in a map (merged keys included), aliases followed; undefined when absent. */
  get(map: YAMLMap, key: string): unknown {
    for (const pair of this.pairs(map)) if (isScalar(pair.key) && pair.key.value === key) return this.deref(pair.value);
    return undefined;
  }

  /** The map at `key`, if it is one. */
  map(map: YAMLMap, key: string): YAMLMap | undefined {
    const v = this.get(map, key);
    return isMap(v) ? v : undefined;
  }

  /** The sequence at `key`, if it is one. */
  seq(map: YAMLMap, key: string): YAMLSeq | undefined {
    const v = this.get(map, key);
    return isSeq(v) ? v : undefined;
  }

  /** The maps of a sequence, aliases followed. */
  maps(seq: YAMLSeq | undefined): YAMLMap[] {
    if (!seq) return [];
    return seq.items.map((i) => this.deref(i)).filter((i): i is YAMLMap => isMap(i));
  }

  /** A scalar with where it is written, or undefined for anything else. */
  scalar(node: unknown): ScalarAt | undefined {
    const n = this.deref(node);
    if (!isScalar(n) || !n.range) return undefined;
    let [start, end] = n.range;
    const quoted = n.type === Scalar.QUOTE_DOUBLE || n.type === Scalar.QUOTE_SINGLE;
    if (quoted) {
      start += 1;
      end -= 1;
    }
    const text = this.text.slice(start, end);
    const value = n.value;
    const string = typeof value === 'string' ? value : (typeof value === 'number' || typeof value === 'boolean') && n.type === Scalar.PLAIN ? text : null;
    return { node: n, value, text, range: { start: this.position(start), end: this.position(end) }, string };
  }

  /** The scalar at `key`, if it is one. */
  scalarAt(map: YAMLMap, key: string): ScalarAt | undefined {
    return this.scalar(this.get(map, key));
  }

  /** The zero-based position of a source offset. */
  position(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line: line - 1, character: col - 1 };
  }

  /**
   * Where a new `key: value` line goes in a block map: after the end of the line its last own pair
   * ends on (comments kept on their line), indented as its first key. Undefined for flow maps.
   */
  insertPoint(map: YAMLMap): { after: Position; indent: string } | undefined {
    if (map.flow || map.items.length === 0) return undefined;
    const first = map.items[0]!.key as { range?: [number, number, number] } | null;
    const last = map.items[map.items.length - 1]!;
    const lastNode = (last.value ?? last.key) as { range?: [number, number, number] } | null;
    if (!first?.range || !lastNode?.range) return undefined;
    const indent = this.position(first.range[0]).character;
    // The value's end, before any trailing newline the range takes in.
    let end = lastNode.range[1];
    while (end > 0 && (this.text[end - 1] === '\n' || this.text[end - 1] === '\r')) end -= 1;
    let lineEnd = this.text.indexOf('\n', end);
    if (lineEnd === -1) lineEnd = this.text.length;
    if (this.text[lineEnd - 1] === '\r') lineEnd -= 1;
    return { after: this.position(lineEnd), indent: ' '.repeat(indent) };
  }
}
