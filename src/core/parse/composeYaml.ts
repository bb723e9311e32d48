/**
 * A compose file's YAML graph, walked once to resolve aliases and merge keys without expanding them.
 *
 * compose refuses a document whose aliases expand too much: go-yaml's decoder ("document contains
 * excessive aliasing", internal/libyaml/options.go `DefaultAliasCheck`) counts every node it builds
 * and those built through an alias. The same totals are computed here from the graph in linear time,
 * and the same ratio is applied: a total work budget, whatever the depth.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node, type YAMLMap } from 'yaml';
import { LimitError } from './limits';

/** The keys looked up through merge keys. */
export type ComposeKey = 'services' | 'image' | 'build' | 'platform';
const KEYS: readonly ComposeKey[] = ['services', 'image', 'build', 'platform'];

/** A problem compose would refuse the file for, at a source offset. */
export class ComposeYamlError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

interface Lookup {
  found: boolean;
  value: unknown;
}

/** `<<` as yaml's merge-key support writes it: the key's value is a symbol, its source stays `<<`. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (key.value === '<<' || (typeof key.value === 'symbol' && key.source === '<<'));
}

/** Aliases resolved and merge-key lookups of the keys compose scanning needs, for one document. */
export class ComposeGraph {
  readonly #targets = new Map<unknown, Node>();
  readonly #lookups = new Map<YAMLMap, Record<ComposeKey, Lookup>>();

  constructor(doc: Document.Parsed) {
    this.#resolveAnchors(doc);
    this.#walk(doc);
  }

  /** The node an alias stands for (any other node as it is). */
  deref(node: unknown): unknown {
    return isAlias(node) ? this.#targets.get(node) : node;
  }

  /** The value of `key` in a map: its own, else the first merge source's, in order. */
  lookup(map: YAMLMap, key: ComposeKey): unknown {
    return this.#lookups.get(map)?.[key].value;
  }

  /** Each alias's anchor: the last node with that anchor before the alias, in document order (yaml's `Alias.resolve`). */
  #resolveAnchors(doc: Document.Parsed): void {
    const anchors = new Map<string, Node>();
    const stack: unknown[] = [doc.contents];
    while (stack.length > 0) {
      const node = stack.pop();
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (!target) throw new ComposeYamlError(`unknown anchor '${node.source}' referenced`, node.range?.[0] ?? 0);
        this.#targets.set(node, target);
        continue;
      }
      if (isScalar(node) || isMap(node) || isSeq(node)) {
        if (node.anchor) anchors.set(node.anchor, node);
        if (isMap(node)) for (let i = node.items.length - 1; i >= 0; i -= 1) stack.push(node.items[i]!.value, node.items[i]!.key);
        if (isSeq(node)) for (let i = node.items.length - 1; i >= 0; i -= 1) stack.push(node.items[i]);
      } else if (isPair(node)) stack.push(node.value, node.key);
    }
  }

  /**
   * One post-order walk of the graph (aliases followed to their anchors, each node done once): the
   * nodes go-yaml would build and those built through aliases, and the merged lookups of every map.
   */
  #walk(doc: Document.Parsed): void {
    const total = new Map<unknown, number>();
    const aliased = new Map<unknown, number>();
    const open = new Set<unknown>();
    const children = (node: unknown): unknown[] => {
      if (isAlias(node)) return [this.#targets.get(node)];
      if (isMap(node)) return node.items.flatMap((p) => [p.key, p.value]);
      if (isSeq(node)) return node.items;
      return [];
    };
    // Two parallel stacks: the node, and its children once it has been opened (null before).
    const nodes: unknown[] = [doc.contents];
    const opened: (unknown[] | null)[] = [null];
    while (nodes.length > 0) {
      const node = nodes[nodes.length - 1];
      const kids = opened[opened.length - 1];
      if (kids === null || kids === undefined) {
        if (node === null || node === undefined || total.has(node)) {
          nodes.pop();
          opened.pop();
          continue;
        }
        if (isScalar(node)) {
          total.set(node, 1);
          aliased.set(node, 0);
          nodes.pop();
          opened.pop();
          continue;
        }
        if (open.has(node)) {
          const name = isAlias(node) ? node.source : (node as Node).anchor;
          throw new ComposeYamlError(`anchor '${name}' value contains itself`, (node as Node).range?.[0] ?? 0);
        }
        open.add(node);
        const own = children(node);
        opened[opened.length - 1] = own;
        for (const child of own) {
          if (child === null || child === undefined || total.has(child)) continue;
          if (open.has(child)) {
            throw new ComposeYamlError(`anchor '${(child as Node).anchor ?? ''}' value contains itself`, (node as Node).range?.[0] ?? 0);
          }
          nodes.push(child);
          opened.push(null);
        }
        continue;
      }
      nodes.pop();
      opened.pop();
      open.delete(node);
      let built = 1;
      let throughAliases = 0;
      for (const child of kids) {
        built += total.get(child) ?? 0;
        throughAliases += aliased.get(child) ?? 0;
      }
      total.set(node, built);
      aliased.set(node, isAlias(node) ? built - 1 : throughAliases);
      if (isMap(node)) this.#mapLookups(node);
    }
    const built = total.get(doc.contents) ?? 0;
    const viaAliases = aliased.get(doc.contents) ?? 0;
    if (viaAliases > 100 && built > 1000) {
      const low = 400_000;
      const high = 4_000_000;
      const allowed = built <= low ? 0.99 : built >= high ? 0.1 : 0.99 - 0.89 * ((built - low) / (high - low));
      if (viaAliases / built > allowed) {
        const count = (n: number) => (Number.isFinite(n) && n < 1e15 ? Math.round(n).toLocaleString('en') : n.toExponential(1));
        throw new LimitError(`YAML aliases and merge keys expand to ${count(built)} nodes, ${count(viaAliases)} of them through aliases: compose refuses this ("document contains excessive aliasing")`);
      }
    }
  }

  /** A map's lookups, from its own pairs and the (already done) lookups of its merge sources. */
  #mapLookups(map: YAMLMap): void {
    const own = {} as Record<ComposeKey, Lookup>;
    for (const key of KEYS) own[key] = { found: false, value: undefined };
    const merges: unknown[] = [];
    for (const pair of map.items) {
      if (isMergeKey(pair.key)) {
        merges.push(pair.value);
        continue;
      }
      const k = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof k === 'string' && (KEYS as readonly string[]).includes(k) && !own[k as ComposeKey].found) {
        own[k as ComposeKey] = { found: true, value: pair.value };
      }
    }
    for (const merge of merges) {
      const source = this.deref(merge);
      const sources = isSeq(source) ? source.items.map((s) => this.deref(s)) : [source];
      for (const s of sources) {
        if (!isMap(s)) continue;
        const theirs = this.#lookups.get(s);
        if (!theirs) continue;
        for (const key of KEYS) if (!own[key].found && theirs[key].found) own[key] = theirs[key];
      }
    }
    this.#lookups.set(map, own);
  }
}
