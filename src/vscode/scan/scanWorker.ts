/**
 * The worker thread that reads documents for the editor (built as `dist/scanWorker.js`): parsing a
 * hostile file, however slow, never blocks the extension host. Takes {@link ScanRequest}s and answers
 * each with a {@link ScanReply}. Imports no `vscode`.
 */
import { parentPort } from 'node:worker_threads';
import type { FileError } from '../../core/model/occurrence';
import { dotenvVariables } from '../../core/parse/scanPaths';
import { scanText } from '../../core/parse/scanText';
import type { ScanReply, ScanRequest } from './scanClient';

parentPort?.on('message', (request: ScanRequest) => {
  const dotenvErrors: FileError[] = [];
  let lookup: ((name: string) => string | undefined) | undefined;
  if (request.kind === 'compose') {
    const vars = request.dotenv
      ? dotenvVariables(request.dotenv.path, request.dotenv.text, (name) => process.env[name], dotenvErrors)
      : new Map<string, string>();
    lookup = (name) => process.env[name] ?? vars.get(name);
  }
  const scan = scanText(request.file, request.kind, request.text, { lookup, maxFileBytes: request.maxFileBytes });
  const reply: ScanReply = { id: request.id, scan, dotenvErrors };
  parentPort!.postMessage(reply);
});
