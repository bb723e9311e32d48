import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describeError, TrustLensError } from '../errors';
import { emptyScan, type FileError, type ScanResult } from '../model/occurrence';
import { parseDotenv } from './dotenv';
import { kindOfFileName, kindOfGivenFile, type ScannableKind } from './fileKinds';
import { DEFAULT_MAX_FILE_BYTES } from './limits';
import { scanText, tooLargeError } from './scanText';

/** Options for scanning files and directories. */
export interface ScanPathsOptions {
  buildArgs?: ReadonlyMap<string, string>;
  /** The process environment, which wins over `.env` files; e.g. `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The largest file read, in bytes (default 5 MB). */
  maxFileBytes?: number;
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
 * usage problem: it throws `TrustLensError('unreadable-path')`; so is a directory that holds no
 * Dockerfile or compose file (`TrustLensError('no-files')`), since checking nothing must not pass.
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
      const before = files.length;
      try {
        walk(given, files);
      } catch (e) {
        throw unreadable(`directory ${given}`, e);
      }
      if (files.length === before) throw new TrustLensError('no-files', `no Dockerfile or compose file under ${given}`);
    } else {
      files.push({ path: given, kind: kindOfGivenFile(given) });
    }
  }
  return files;
}

/** A file's text, or an error entry when it is over the size limit or cannot be read. */
function readText(path: string, limit: number): string | FileError {
  try {
    const { size } = statSync(path);
    if (size > limit) return tooLargeError(path, size, limit);
    return readFileSync(path, 'utf8');
  } catch (e) {
    return { file: path, message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? describeError(e)}` };
  }
}

/**
 * Finds every image reference in the given files and directories. A file that cannot be read or
 * parsed, and a `.env` file compose would refuse, is an error entry; every other file is still read.
 */
export function scanPaths(paths: readonly string[], options: ScanPathsOptions = {}): ScanResult {
  const result = emptyScan();
  const env = options.env ?? {};
  const limit = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const dotenvByDir = new Map<string, Map<string, string>>();
  const lookupFor = (file: string) => {
    const dir = dirname(file);
    let vars = dotenvByDir.get(dir);
    if (!vars) {
      vars = readDotenv(join(dir, '.env'), env, limit, result.errors);
      dotenvByDir.set(dir, vars);
    }
    const found = vars;
    return (name: string) => env[name] ?? found.get(name);
  };

  for (const { path, kind } of discoverFiles(paths)) {
    const text = readText(path, limit);
    if (typeof text !== 'string') {
      result.errors.push(text);
      continue;
    }
    const scan = scanText(path, kind, text, {
      buildArgs: options.buildArgs,
      lookup: kind === 'compose' ? lookupFor(path) : undefined,
      maxFileBytes: limit,
    });
    result.references.push(...scan.references);
    result.skipped.push(...scan.skipped);
    result.errors.push(...scan.errors);
  }
  return result;
}

/**
 * The variables of the `.env` file beside a compose file (none when there is no such file). A file
 * compose refuses is an error entry at its line; the variables read before the problem still count.
 */
export function readDotenv(path: string, env: Readonly<Record<string, string | undefined>>, limit: number, errors: FileError[]): Map<string, string> {
  let text: string;
  try {
    const { size } = statSync(path);
    if (size > limit) {
      errors.push(tooLargeError(path, size, limit));
      return new Map();
    }
    text = readFileSync(path, 'utf8');
  } catch {
    // No .env beside the compose file: only the environment counts.
    return new Map();
  }
  return dotenvVariables(path, text, (name) => env[name], errors);
}

/** Parses `.env` text, recording compose's refusal (or a limit) as an error entry for it. Never throws. */
export function dotenvVariables(path: string, text: string, lookup: (name: string) => string | undefined, errors: FileError[]): Map<string, string> {
  try {
    const dotenv = parseDotenv(text, lookup);
    if (dotenv.error) {
      const line = dotenv.error.line - 1;
      const length = text.split('\n', line + 1)[line]?.replace(/\r$/, '').length ?? 0;
      const message = dotenv.error.limit ? `not read: ${dotenv.error.message}` : `compose refuses this .env file: ${dotenv.error.message}`;
      errors.push({ file: path, message, range: { start: { line, character: 0 }, end: { line, character: length } } });
    }
    return dotenv.vars;
  } catch (e) {
    const start = { line: 0, character: 0 };
    errors.push({ file: path, message: `could not read the file (internal error: ${describeError(e)})`, range: { start, end: start }, internal: true });
    return new Map();
  }
}
