/**
 * The folder graph of a source tree. A folder is a module together with its subfolders: a file may
 * use its own folder's subfolders and their files may use the folder's own files. Between two
 * folders that do not contain each other, the edge is taken where their paths part: a file in
 * `core/trust/dct/tuf` importing `core/crypto/x509.ts` makes the edge `core/trust -> core/crypto`.
 * A cycle is a set of sibling folders that reach one another through such edges (imports,
 * re-exports and type imports alike); it is broken by moving code, not tolerated.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** One import edge between two folders, with a file that makes it. */
export interface FolderEdge {
  readonly from: string;
  readonly to: string;
  readonly file: string;
  readonly specifier: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts|cts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The file a relative specifier names (as the bundler resolves it), or undefined. */
function resolveRelative(fromFile: string, specifier: string): string | undefined {
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), base.replace(/\.js$/, '.ts')];
  return candidates.find((c) => {
    try {
      return statSync(c).isFile();
    } catch {
      return false;
    }
  });
}

/** Every edge between sibling folders under `root`, each with a file that makes it; folders are relative to `root`. */
export function folderEdges(root: string): FolderEdge[] {
  const edges: FolderEdge[] = [];
  const partsOf = (file: string): string[] => relative(root, dirname(file)).split(sep).filter((p) => p !== '');
  for (const file of sourceFiles(root)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of info.importedFiles) {
      if (!specifier.startsWith('.')) continue;
      const target = resolveRelative(file, specifier);
      if (!target || relative(root, target).startsWith('..')) continue;
      const a = partsOf(file);
      const b = partsOf(target);
      let common = 0;
      while (common < a.length && common < b.length && a[common] === b[common]) common++;
      // The same folder, or one inside the other: one module.
      if (common === a.length || common === b.length) continue;
      const from = a.slice(0, common + 1).join('/');
      const to = b.slice(0, common + 1).join('/');
      edges.push({ from, to, file: relative(root, file).split(sep).join('/'), specifier });
    }
  }
  return edges;
}

/** The folder cycles (strongly connected sets of two or more folders), each sorted, with the edges inside it. */
export function folderCycles(edges: readonly FolderEdge[]): { folders: string[]; edges: FolderEdge[] }[] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, new Set());
    if (!next.has(e.to)) next.set(e.to, new Set());
    next.get(e.from)!.add(e.to);
  }
  // Tarjan's strongly connected components.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((folders) => ({ folders, edges: edges.filter((e) => folders.includes(e.from) && folders.includes(e.to)) }));
}
