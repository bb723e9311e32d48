/**
 * Reads documents in a worker thread (`scanWorker.ts`), one at a time, so that the extension host
 * never blocks on a file however it is written. A document that takes longer than the time limit
 * costs the worker (it is stopped and a new one started for the next document) and is reported as a
 * file that could not be read.
 */
import { join } from 'node:path';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import type { FileError, ScanResult } from '../../core/model/occurrence';
import type { ScannableKind } from '../../core/parse/fileKinds';

export interface ScanRequest {
  id: number;
  /** The label the results carry, e.g. `app/Dockerfile`. */
  file: string;
  kind: ScannableKind;
  text: string;
  /** The `.env` beside a compose file, if there is one. */
  dotenv?: { path: string; text: string };
  maxFileBytes: number;
  /** The key of an open document: its next read reuses what this one leaves (until it is forgotten). */
  session?: string;
  /** The file on disk, for kinds that read the files beside it (kustomize resources, a chart's Chart.yaml). */
  path?: string;
  /** Whether to send the first documents' findings of a large Kubernetes file before the rest is read (a {@link FirstReply}). */
  first?: boolean;
}

/** Drops what the worker keeps for a document that closed. */
export interface ForgetRequest {
  forget: string;
}

/** How much the worker keeps for reading open documents again: the least recently read are dropped first. */
export const SESSION_LIMITS = {
  documents: 32,
  /** Characters of text held, over all documents. */
  chars: 32 * 1024 * 1024,
} as const;

export interface ScanReply {
  id: number;
  scan: ScanResult;
  /** Problems of the `.env` file, reported on its own path. */
  dotenvErrors: FileError[];
}

/**
 * The findings of the first documents of a large Kubernetes file, sent while the rest is read: at
 * most one per request, before its {@link ScanReply}, which alone is the file's result.
 */
export interface FirstReply {
  id: number;
  first: ScanResult;
}

/** How long one document may take before the worker is stopped. */
export const SCAN_TIMEOUT_MS = 10_000;

interface Pending {
  request: ScanRequest;
  resolve(reply: ScanReply): void;
  onFirst?: (first: ScanResult) => void;
}

export class ScanWorkerClient {
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #queue: Pending[] = [];
  #current: { pending: Pending; timer: ReturnType<typeof setTimeout>; worker: Worker } | undefined;

  /** @param workerFile the built worker script; `dist/scanWorker.js` beside the engine bundle by default. */
  constructor(private readonly workerFile = join(__dirname, 'scanWorker.js'), private readonly timeoutMs = SCAN_TIMEOUT_MS) {}

  /**
   * Reads one document. Never rejects: a worker failure or a timeout is an error entry for the file.
   * With `onFirst`, a large Kubernetes file's first documents' findings are handed to it before the
   * rest is read (at most once, never after the reply); the time limit is for the whole read.
   */
  scan(request: Omit<ScanRequest, 'id' | 'first'>, onFirst?: (first: ScanResult) => void): Promise<ScanReply> {
    return new Promise((resolve) => {
      this.#queue.push({ request: { ...request, id: this.#nextId++, ...(onFirst ? { first: true } : {}) }, resolve, ...(onFirst ? { onFirst } : {}) });
      this.#next();
    });
  }

  /** Forgets what was kept for an open document (it closed). */
  forget(session: string): void {
    const request: ForgetRequest = { forget: session };
    this.#worker?.postMessage(request);
  }

  #spawn(): Worker {
    const worker = new Worker(this.workerFile, { env: SHARE_ENV });
    worker.unref();
    const mine = () => this.#current?.worker === worker;
    worker.on('message', (reply: ScanReply | FirstReply) => {
      const pending = mine() ? this.#current?.pending : undefined;
      if (pending?.request.id !== reply.id) return;
      if ('first' in reply) {
        const onFirst = pending.onFirst;
        pending.onFirst = undefined;
        onFirst?.(reply.first);
        return;
      }
      this.#finish(reply);
    });
    worker.on('error', (e) => {
      if (mine()) this.#fail(`the reader failed: ${e.message}`);
    });
    worker.on('exit', () => {
      if (this.#worker === worker) this.#worker = undefined;
      if (mine()) this.#fail('the reader stopped');
    });
    return worker;
  }

  #next(): void {
    if (this.#current) return;
    const pending = this.#queue.shift();
    if (!pending) return;
    const worker = (this.#worker ??= this.#spawn());
    const timer = setTimeout(() => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#fail(`reading the file took longer than ${this.timeoutMs / 1000} s`);
      void worker.terminate();
    }, this.timeoutMs);
    this.#current = { pending, timer, worker };
    worker.postMessage(pending.request);
  }

  #finish(reply: ScanReply): void {
    const current = this.#current;
    if (!current) return;
    clearTimeout(current.timer);
    this.#current = undefined;
    current.pending.onFirst = undefined;
    current.pending.resolve(reply);
    this.#next();
  }

  #fail(message: string): void {
    const current = this.#current;
    if (!current) return;
    const { request } = current.pending;
    const start = { line: 0, character: 0 };
    this.#finish({
      id: request.id,
      scan: { references: [], skipped: [], errors: [{ file: request.file, message: `not read: ${message}`, range: { start, end: start } }] },
      dotenvErrors: [],
    });
  }

  dispose(): void {
    for (const pending of this.#queue.splice(0)) {
      pending.resolve({ id: pending.request.id, scan: { references: [], skipped: [], errors: [] }, dotenvErrors: [] });
    }
    if (this.#current) this.#fail('the editor is closing');
    void this.#worker?.terminate();
    this.#worker = undefined;
  }
}
