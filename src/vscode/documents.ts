import * as vscode from 'vscode';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FileError, ScanResult } from '../core/model/occurrence';
import { looksLikeKubernetes, type ScannableKind } from '../core/parse/fileKinds';
import { fileTooLarge } from '../core/parse/limits';
import { readSettings } from './config';
import { CANDIDATE_GLOB, type FileSelection } from './fileSelection';
import type { ScanWorkerClient } from './scan/scanClient';

/** Glob of every file TrustLens may check, for workspace-wide commands; the settings and a file's content narrow it. */
export const SCANNABLE_GLOB = CANDIDATE_GLOB;

/** Where Dockerfiles and compose files are checked: on disk (`file`) and unsaved (`untitled`). */
const SCHEMES = ['file', 'untitled'] as const;

/**
 * The documents TrustLens's hovers and quick fixes serve: Dockerfiles and compose files by language,
 * and the files it checks by name on disk (a compose file may be plain YAML; the providers answer
 * nothing for a YAML file that is no Kubernetes manifest). Every filter names its scheme, so nothing is
 * offered for documents of other file systems (git diffs, remote and virtual files).
 */
export function trustLensDocuments(scannableGlob: string = SCANNABLE_GLOB): vscode.DocumentFilter[] {
  return [
    ...SCHEMES.flatMap((scheme) => [{ scheme, language: 'dockerfile' }, { scheme, language: 'dockercompose' }]),
    { scheme: 'file', pattern: scannableGlob },
  ];
}

/** The documents TrustLens serves: by language, and by name (see {@link trustLensDocuments}). */
export const TRUSTLENS_DOCUMENTS: vscode.DocumentSelector = trustLensDocuments();

/**
 * The kind of a document TrustLens checks, or undefined: by language, else by name and the
 * `trustlens.files` settings; a YAML file of no other kind only when its content has `apiVersion`
 * and `kind` (nothing else is read before that).
 */
export function documentKind(doc: vscode.TextDocument, files: FileSelection): ScannableKind | undefined {
  if (!(SCHEMES as readonly string[]).includes(doc.uri.scheme)) return undefined;
  if (doc.languageId === 'dockerfile') return 'dockerfile';
  if (doc.languageId === 'dockercompose') return 'compose';
  return files.fileKind(doc.uri, () => looksLikeKubernetes(doc.getText()));
}

/** The path a document is reported under: relative to its workspace folder, like the CLI. */
export function documentLabel(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, false);
}

const TOP = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** The `.env` beside a compose file, or an error entry for it when it is over the size limit. */
async function readDotenv(composePath: string, maxFileBytes: number): Promise<{ path: string; text: string } | FileError | undefined> {
  const path = join(dirname(composePath), '.env');
  const label = documentLabel(vscode.Uri.file(path));
  try {
    const { size } = await stat(path);
    if (size > maxFileBytes) return { file: label, message: `not read: ${fileTooLarge(size, maxFileBytes)}` };
    return { path: label, text: await readFile(path, 'utf8') };
  } catch {
    // No .env beside the compose file: only the environment counts.
    return undefined;
  }
}

/**
 * Finds the image references in a document; compose variables come from the environment and `.env`.
 * With `session` (the document's key, for an open document), the reader keeps what it read for the
 * document's next read. With `onFirst`, a large Kubernetes file's first documents' findings are
 * handed to it before the rest is read; only the result is the document's.
 */
export function scanDocument(
  doc: vscode.TextDocument, kind: ScannableKind, scanner: ScanWorkerClient, session?: string, onFirst?: (first: ScanResult) => void,
): Promise<ScanResult> {
  return scanContent(doc.uri, kind, doc.getText(), scanner, session, onFirst);
}

/**
 * Finds the image references in the text of a file (open or not), off the extension host's thread;
 * compose variables come from the environment and `.env`. A problem with the `.env` file is shown on
 * the compose file it affects, at its top, naming the `.env` line.
 */
export async function scanContent(
  uri: vscode.Uri, kind: ScannableKind, text: string, scanner: ScanWorkerClient, session?: string, onFirst?: (first: ScanResult) => void,
): Promise<ScanResult> {
  const { maxFileBytes } = readSettings(uri);
  const file = documentLabel(uri);
  // A UTF-16 code unit takes at least one byte, so a text this long is over the limit without counting.
  if (text.length > maxFileBytes) {
    return { references: [], skipped: [], errors: [{ file, message: `not read: ${fileTooLarge(text.length, maxFileBytes)}`, range: TOP }] };
  }
  const dotenv = kind === 'compose' && uri.scheme === 'file' ? await readDotenv(uri.fsPath, maxFileBytes) : undefined;
  const envErrors: FileError[] = dotenv && 'message' in dotenv ? [dotenv] : [];
  // Kustomizations read their resources, and Helm values their chart's Chart.yaml, from disk.
  const path = uri.scheme === 'file' && (kind === 'kustomize' || kind === 'helm-values') ? uri.fsPath : undefined;
  // First findings come only for Kubernetes files, which have no `.env`: they are handed on as they are.
  const reply = await scanner.scan({
    file, kind, text, dotenv: dotenv && 'text' in dotenv ? dotenv : undefined, maxFileBytes,
    ...(session === undefined ? {} : { session }), ...(path ? { path } : {}),
  }, onFirst);
  envErrors.push(...reply.dotenvErrors);
  const onThisFile = envErrors.map((e): FileError => ({
    file, range: TOP, message: `${e.file}${e.range ? `:${e.range.start.line + 1}` : ''}: ${e.message}`,
  }));
  return { ...reply.scan, errors: [...onThisFile, ...reply.scan.errors] };
}
