import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ScanResult } from '../core/model/occurrence';
import { kindOfFileName, type ScannableKind } from '../core/parse/fileKinds';
import { engine } from './engine/load';

/** Where Dockerfiles and compose files are checked: on disk (`file`) and unsaved (`untitled`). */
const SCHEMES = ['file', 'untitled'] as const;

/**
 * The documents TrustLens's hovers and quick fixes serve: Dockerfiles and compose files by language,
 * and by name on disk (a compose file may be plain YAML). Every filter names its scheme, so nothing is
 * offered for documents of other file systems (git diffs, remote and virtual files).
 */
export function trustLensDocuments(scannableGlob: string): vscode.DocumentFilter[] {
  return [
    ...SCHEMES.flatMap((scheme) => [{ scheme, language: 'dockerfile' }, { scheme, language: 'dockercompose' }]),
    { scheme: 'file', pattern: scannableGlob },
  ];
}

/** The kind of a document TrustLens checks, or undefined. */
export function documentKind(doc: vscode.TextDocument): ScannableKind | undefined {
  if (!(SCHEMES as readonly string[]).includes(doc.uri.scheme)) return undefined;
  if (doc.languageId === 'dockerfile') return 'dockerfile';
  if (doc.languageId === 'dockercompose') return 'compose';
  return doc.uri.scheme === 'file' ? kindOfFileName(doc.uri.fsPath) : undefined;
}

/** The path a document is reported under: relative to its workspace folder, like the CLI. */
export function documentLabel(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, false);
}

/** Finds the image references in a document; compose variables come from the environment and `.env`. */
export function scanDocument(doc: vscode.TextDocument, kind: ScannableKind): Promise<ScanResult> {
  return scanContent(doc.uri, kind, doc.getText());
}

/** Finds the image references in the text of a file (open or not), as {@link scanDocument} does. */
export async function scanContent(uri: vscode.Uri, kind: ScannableKind, text: string): Promise<ScanResult> {
  const { parseDotenv, scanText } = engine();
  let lookup: ((name: string) => string | undefined) | undefined;
  if (kind === 'compose') {
    let dotenv = new Map<string, string>();
    if (uri.scheme === 'file') {
      const env = await readFile(join(dirname(uri.fsPath), '.env'), 'utf8').catch(() => '');
      dotenv = parseDotenv(env, (name) => process.env[name]);
    }
    lookup = (name) => process.env[name] ?? dotenv.get(name);
  }
  return scanText(documentLabel(uri), kind, text, { lookup });
}
