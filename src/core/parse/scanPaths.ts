import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describeError, TrustLensError } from '../errors';
import { emptyScan, type FileError, type ScanResult } from '../model/occurrence';
import { parseDotenv } from './dotenv';
import { kindOfFileName, kindOfGivenFile, type ScannableKind } from './fileKinds';
import { looksLikeKubernetes } from './kubernetes';
import { DEFAULT_MAX_FILE_BYTES } from './limits';
import { relatedFilesOf } from './relatedFiles';
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

/** A file to read, and the directory given on the command line it was found under (null for a file given itself). */
export interface FoundFile {
  path: string;
  kind: ScannableKind;
  under: string | null;
}

/**
 * Walks a directory for files that name images, in a stable order. The `templates` folder of a Helm
 * chart holds templates, not manifests, and is not read.
 */
function walk(dir: string, under: string, out: FoundFile[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const isChart = entries.some((e) => e.isFile() && e.name === 'Chart.yaml');
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && !(isChart && entry.name === 'templates')) walk(path, under, out);
    } else if (entry.isFile()) {
      const kind = kindOfFileName(path, { inChart: () => isChart });
      if (kind) out.push({ path, kind, under });
    }
  }
}

const inChart = (path: string) => existsSync(join(dirname(path), 'Chart.yaml'));

/**
 * Lists the files to scan under the given paths. A path that does not exist or cannot be read is a
 * usage problem: it throws `TrustLensError('unreadable-path')`. Any YAML file is listed as a possible
 * Kubernetes manifest: its content decides ({@link scanPaths}).
 */
export function discoverFiles(paths: readonly string[]): FoundFile[] {
  const files: FoundFile[] = [];
  for (const given of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(given).isDirectory();
    } catch (e) {
      throw unreadable(given, e);
    }
    if (isDir) {
      try {
        walk(given, given, files);
      } catch (e) {
        throw unreadable(`directory ${given}`, e);
      }
    } else {
      files.push({ path: given, kind: kindOfGivenFile(given, { inChart }), under: null });
    }
  }
  return files;
}

/** How much of a YAML file over the size limit is read to tell whether it is a Kubernetes manifest. */
const SNIFF_BYTES = 1024 * 1024;

/** The start of a file, to tell its kind by content. */
function head(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    return buffer.subarray(0, readSync(fd, buffer, 0, SNIFF_BYTES, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
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

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function looksLikeKubernetesFile(path: string): boolean {
  try {
    return looksLikeKubernetes(head(path));
  } catch {
    return true;
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

  const read = new Map<string, number>();
  const files = discoverFiles(paths);
  for (const found of files) {
    const { path, under } = found;
    let kind = found.kind;
    if (under !== null && !read.has(under)) read.set(under, 0);
    const text = readText(path, limit);
    if (typeof text !== 'string') {
      // A YAML file too large to read counts only when it starts like a Kubernetes manifest.
      if (kind === 'kubernetes' && under !== null && !looksLikeKubernetesFile(path)) continue;
      result.errors.push(text);
      if (under !== null) read.set(under, read.get(under)! + 1);
      continue;
    }
    if (kind === 'kubernetes' && !looksLikeKubernetes(text)) {
      // Found by a walk, another YAML file; named on the command line, a compose file by another name.
      if (under !== null) continue;
      kind = 'compose';
    }
    if (under !== null) read.set(under, read.get(under)! + 1);
    const scan = scanText(path, kind, text, {
      buildArgs: options.buildArgs,
      lookup: kind === 'compose' ? lookupFor(path) : undefined,
      maxFileBytes: limit,
      related: kind === 'kustomize' || kind === 'helm-values' ? relatedFilesOf(path, limit) : undefined,
    });
    result.references.push(...scan.references);
    result.skipped.push(...scan.skipped);
    result.errors.push(...scan.errors);
  }
  for (const given of paths) {
    if (read.get(given) === 0 || (!files.some((f) => f.under === given) && isDirectory(given))) {
      throw new TrustLensError('no-files', `no Dockerfile, compose file, Kubernetes manifest, kustomization, Helm values, devcontainer or CI file under ${given}`);
    }
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
