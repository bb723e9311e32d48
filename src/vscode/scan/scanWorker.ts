/**
 * The worker thread that reads documents for the editor (built as `dist/scanWorker.js`): parsing a
 * hostile file, however slow, never blocks the extension host. Takes {@link ScanRequest}s and answers
 * each with a {@link ScanReply}, before which a large Kubernetes file's first findings may go out (one
 * {@link FirstReply}, when the request asks for it). Imports no `vscode`.
 *
 * An open document is read again on every edit: its {@link ScanSession} (what the last read of it left)
 * is kept here, where the parsing happens, by the document's key, until the editor says it closed
 * ({@link ForgetRequest}). Sessions are bounded: the least recently read are dropped first.
 */
import { parentPort } from 'node:worker_threads';
import type { FileError, ScanResult } from '../../core/model/occurrence';
import { relatedFilesOf } from '../../core/parse/relatedFiles';
import { dotenvVariables } from '../../core/parse/scanPaths';
import { ScanSession } from '../../core/parse/scanSession';
import { scanText } from '../../core/parse/scanText';
import { SESSION_LIMITS, type FirstReply, type ForgetRequest, type ScanReply, type ScanRequest } from './scanClient';

/** Sessions by document key, least recently read first. */
const sessions = new Map<string, ScanSession>();

function sessionFor(key: string): ScanSession {
  const session = sessions.get(key) ?? new ScanSession();
  sessions.delete(key);
  sessions.set(key, session);
  return session;
}

function trimSessions(): void {
  let chars = 0;
  for (const session of sessions.values()) chars += session.chars;
  for (const [key, session] of sessions) {
    if (sessions.size <= SESSION_LIMITS.documents && chars <= SESSION_LIMITS.chars) break;
    sessions.delete(key);
    chars -= session.chars;
  }
}

parentPort?.on('message', (request: ScanRequest | ForgetRequest) => {
  if ('forget' in request) {
    sessions.delete(request.forget);
    return;
  }
  const dotenvErrors: FileError[] = [];
  let lookup: ((name: string) => string | undefined) | undefined;
  if (request.kind === 'compose') {
    const vars = request.dotenv
      ? dotenvVariables(request.dotenv.path, request.dotenv.text, (name) => process.env[name], dotenvErrors)
      : new Map<string, string>();
    lookup = (name) => process.env[name] ?? vars.get(name);
  }
  const session = request.session === undefined ? undefined : sessionFor(request.session);
  const related = request.path ? relatedFilesOf(request.path, request.maxFileBytes) : undefined;
  // The first documents' findings of a large file go out at once; the reply below is the whole result.
  const onFirst = request.first ? (first: ScanResult) => parentPort!.postMessage({ id: request.id, first } satisfies FirstReply) : undefined;
  const scan = scanText(request.file, request.kind, request.text, { lookup, maxFileBytes: request.maxFileBytes, session, related, onFirst });
  if (session) trimSessions();
  const reply: ScanReply = { id: request.id, scan, dotenvErrors };
  parentPort!.postMessage(reply);
});
