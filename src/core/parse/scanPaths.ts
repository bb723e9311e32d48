import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TrustLensError } from '../errors';
import { emptyScan, type ScanResult } from '../model/occurrence';
import { parseDotenv } from './dotenv';
import { kindOfFileName, kindOfGivenFile, type ScannableKind } from './fileKinds';
import { scanText } from './scanText';

/** Options for scanning files and directories. */
export interface ScanPathsOptions {
  buildArgs?: ReadonlyMap<string, string>;
  /** The process environment, which wins over `.env` files; e.g. `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

const SKIPPED_DIRS = new Set(['node_modules', '.git']);

function unreadable(what: string, e: unknown): TrustLensError<'unreadable-path'> {
  return new TrustLensError('unreadable-path', `cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
}

/** Walks a directory for Dockerfiles and compose files, in a stable order. */
function walk(dir: string, out: { path: string; kind: ScannableKind }[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) walk(path, out);
    } else if (entry.isFile()) {
      const kind = kindOfFileName(entry.name);
      if (kind) out.push({ path, kind });
    }
  }
}

/**
 * Lists the files to scan under the given paths. A path that does not exist or cannot be read is a
 * usage problem: it throws `TrustLensError('unreadable-path')`.
 */
export function discoverFiles(paths: readonly string[]): { path: string; kind: ScannableKind }[] {
  const files: { path: string; kind: ScannableKind }[] = [];
  for (const given of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(given).isDirectory();
    } catch (e) {
      throw unreadable(given, e);
    }
    if (isDir) {
      try {
        walk(given, files);
      } catch (e) {
        throw unreadable(`directory ${given}`, e);
      }
    } else {
      files.push({ path: given, kind: kindOfGivenFile(given) });
    }
  }
  return files;
}

/** Finds every image reference in the given files and directories. */
export function scanPaths(paths: readonly string[], options: ScanPathsOptions = {}): ScanResult {
  const result = emptyScan();
  const env = options.env ?? {};
  const dotenvByDir = new Map<string, Map<string, string>>();
  const lookupFor = (file: string) => {
    const dir = dirname(file);
    let dotenv = dotenvByDir.get(dir);
    if (!dotenv) {
      let text = '';
      try {
        text = readFileSync(join(dir, '.env'), 'utf8');
      } catch {
        // No .env beside the compose file: only the environment counts.
      }
      dotenv = parseDotenv(text, (name) => env[name]);
      dotenvByDir.set(dir, dotenv);
    }
    const vars = dotenv;
    return (name: string) => env[name] ?? vars.get(name);
  };

  for (const { path, kind } of discoverFiles(paths)) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw unreadable(path, e);
    }
    const scan = scanText(path, kind, text, {
      buildArgs: options.buildArgs,
      lookup: kind === 'compose' ? lookupFor(path) : undefined,
    });
    result.references.push(...scan.references);
    result.skipped.push(...scan.skipped);
    result.errors.push(...scan.errors);
  }
  return result;
}
