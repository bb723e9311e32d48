/**
 * A tampering trust server: an HTTPS (or plain HTTP) server on 127.0.0.1 that stands in front of a
 * real notary-server. Every `/v2/<gun>/_trust/tuf/<file>` request goes to a per-test `tamper`
 * function first; when it has nothing to say, the request is proxied to the real server unchanged.
 * A tamper can serve other bytes, stay silent, stall a body, or stream without end. Everything
 * served is recorded, so a test can prove its tampered file was actually asked for.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import { readFile } from 'node:fs/promises';
import type { AddressInfo, Socket } from 'node:net';
import { httpRequest } from '../stack/http';
import type { NotaryServer } from '../stack/notaryServer';
import { makeTempDir, type TempDir } from '../stack/tempDir';
import { createTestTls } from '../stack/tls';

/** One request for a metadata file. */
export interface TrustFileRequest {
  /** Decoded GUN, e.g. `127.0.0.1:5000/attack/releases`. */
  readonly gun: string;
  /** File under `_trust/tuf/`, e.g. `timestamp.json`, `snapshot.<hex>.json`, `targets/releases.<hex>.json`, `3.root.json`. */
  readonly file: string;
}

/** What the real server answered. */
export interface UpstreamResponse {
  readonly status: number;
  readonly body: Buffer;
}

/** Reads from the real notary-server, for tampers that start from real bytes. */
export type Upstream = (gun: string, file: string) => Promise<UpstreamResponse>;

/** How to answer a request instead of proxying it. */
export type Reply =
  /** These bytes, with `Content-Length` unless `chunked`. */
  | { readonly kind: 'bytes'; readonly body: Uint8Array; readonly status?: number; readonly chunked?: boolean }
  /** Accept the request and never send a byte. */
  | { readonly kind: 'silent' }
  /** Send headers (announcing `announced` bytes) and `prefix`, then nothing more. */
  | { readonly kind: 'stall-body'; readonly prefix: Uint8Array; readonly announced: number }
  /** Send `prefix`, then spaces for ever (chunked, no `Content-Length`) until the client hangs up. */
  | { readonly kind: 'endless'; readonly prefix: Uint8Array };

/** Decides per request; `undefined` proxies the request to the real server. */
export type Tamper = (request: TrustFileRequest, upstream: Upstream) => Reply | undefined | Promise<Reply | undefined>;

/** One answered request. */
export interface ServedFile extends TrustFileRequest {
  readonly status: number;
  /** The reply kind when a tamper answered; `proxied` otherwise. */
  readonly how: Reply['kind'] | 'proxied';
  /** Bytes of a `bytes` reply or a proxied body. */
  readonly body?: Uint8Array;
}

/** What an endless reply sent before the client hung up. */
export interface EndlessStream {
  readonly file: string;
  /** Resolves with the number of body bytes written once the connection is closed. */
  readonly closed: Promise<number>;
}

/** A running tampering server. */
export interface TamperServer {
  /** Base URL for the policy's `trustServers` map, e.g. `https://127.0.0.1:40123`. */
  readonly url: string;
  /** `host:port`, the name of its `tls/<host:port>/ca.crt` directory. */
  readonly host: string;
  /** PEM of the CA that signed its certificate (undefined for plain HTTP). */
  readonly caPem: string | undefined;
  /** Path of that CA file (for the notary CLI's `root_ca`). */
  readonly caPath: string | undefined;
  /** The current tamper; `undefined` makes the server an honest proxy. */
  tamper: Tamper | undefined;
  /** Every metadata request answered, oldest first. */
  readonly served: ServedFile[];
  /** Every endless reply started, oldest first. */
  readonly endless: EndlessStream[];
  /** Reads a file from the real server directly (not recorded). */
  readonly upstream: Upstream;
  /** Forgets `served` and `endless` and removes the tamper. */
  reset(): void;
  /** Closes every connection (silent ones included) and the server; removes its certificates. */
  close(): Promise<void>;
}

const TRUST_PATH = /^\/v2\/(.+)\/_trust\/tuf\/(.+)$/;
/** An endless reply stops on its own after this much, so a client that never cuts it cannot hang a test. */
const ENDLESS_SAFETY_LIMIT = 256 * 1024 * 1024;

/** Starts a tampering server in front of a TLS `notary`; HTTPS with its own throw-away CA unless `tls: false`. */
export async function startTamperServer(notary: NotaryServer, options: { tls?: boolean } = {}): Promise<TamperServer> {
  if (!notary.url.startsWith('https://')) throw new Error('the tampering server proxies to a TLS notary-server only');
  const useTls = options.tls ?? true;
  let dir: TempDir | undefined;
  let tlsFiles: { key: string; cert: string; caPem: string; caPath: string } | undefined;
  if (useTls) {
    dir = await makeTempDir('tamper-tls');
    const tls = await createTestTls(dir.path);
    tlsFiles = { key: await readFile(tls.keyPath, 'utf8'), cert: await readFile(tls.certPath, 'utf8'), caPem: tls.caPem, caPath: tls.caPath };
  }

  // One kept-alive connection pool to the real server: a TLS handshake per proxied file would make
  // honest requests slow enough on a busy machine to trip the short timeouts some tests use.
  const agent = new HttpsAgent({ keepAlive: true, ca: notary.caPem });
  const upstream: Upstream = (gun, file) => fetchUpstream(`${notary.url}/v2/${gun}/_trust/tuf/${file}`, agent);

  const sockets = new Set<Socket>();
  const state: { tamper: Tamper | undefined; served: ServedFile[]; endless: EndlessStream[] } = { tamper: undefined, served: [], endless: [] };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const match = TRUST_PATH.exec(path);
    if (!match || req.method !== 'GET') {
      // Anything else (e.g. the `/v2/` ping) goes to the real server as is.
      const response = await httpRequest(`${notary.url}${req.url ?? '/'}`, { ca: notary.caPem, method: req.method ?? 'GET' });
      res.writeHead(response.status, { 'content-type': String(response.headers['content-type'] ?? 'application/json') });
      res.end(response.body);
      return;
    }
    const request: TrustFileRequest = {
      gun: (match[1] as string).split('/').map(decodeURIComponent).join('/'),
      file: (match[2] as string).split('/').map(decodeURIComponent).join('/'),
    };
    const reply = state.tamper ? await state.tamper(request, upstream) : undefined;
    if (!reply) {
      const response = await upstream(request.gun, request.file);
      state.served.push({ ...request, status: response.status, how: 'proxied', body: response.body });
      res.writeHead(response.status, { 'content-type': 'application/json', 'content-length': response.body.length });
      res.end(response.body);
      return;
    }
    switch (reply.kind) {
      case 'bytes': {
        const status = reply.status ?? 200;
        state.served.push({ ...request, status, how: 'bytes', body: reply.body });
        res.writeHead(status, { 'content-type': 'application/json', ...(reply.chunked ? {} : { 'content-length': reply.body.length }) });
        res.end(reply.body);
        return;
      }
      case 'silent':
        state.served.push({ ...request, status: 0, how: 'silent' });
        return;
      case 'stall-body':
        state.served.push({ ...request, status: 200, how: 'stall-body' });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': reply.announced });
        res.write(reply.prefix);
        return;
      case 'endless':
        state.served.push({ ...request, status: 200, how: 'endless' });
        state.endless.push({ file: request.file, closed: streamForever(res, reply.prefix) });
        return;
    }
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`tamper server failure: ${String(e)}`);
    });
  };
  const server: Server = tlsFiles ? createHttpsServer({ key: tlsFiles.key, cert: tlsFiles.cert }, listener) : createHttpServer(listener);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = `127.0.0.1:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: `${useTls ? 'https' : 'http'}://${host}`,
    host,
    caPem: tlsFiles?.caPem,
    caPath: tlsFiles?.caPath,
    get tamper() {
      return state.tamper;
    },
    set tamper(t: Tamper | undefined) {
      state.tamper = t;
    },
    get served() {
      return state.served;
    },
    get endless() {
      return state.endless;
    },
    upstream,
    reset() {
      state.tamper = undefined;
      state.served = [];
      state.endless = [];
    },
    close() {
      closing ??= (async () => {
        for (const socket of sockets) socket.destroy();
        agent.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await dir?.remove();
      })();
      return closing;
    },
  };
}

/** GETs a URL of the real server (loopback only) through `agent`. */
function fetchUpstream(url: string, agent: HttpsAgent): Promise<UpstreamResponse> {
  if (new URL(url).hostname !== '127.0.0.1') throw new Error(`refusing a request off the loopback interface: ${url}`);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { agent, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', reject);
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.once('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.once('error', reject);
    req.end();
  });
}

/** Writes `prefix`, then spaces as fast as the client reads, until the connection closes. */
function streamForever(res: ServerResponse, prefix: Uint8Array): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let written = 0;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write(prefix);
  written += prefix.length;
  const pump = (): void => {
    while (!res.destroyed && written < ENDLESS_SAFETY_LIMIT) {
      written += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  pump();
  return new Promise((resolve) => res.once('close', () => resolve(written)));
}

/** The files of `gun` that were served, by file name, e.g. to assert `timestamp.json` was asked for. */
export function servedFiles(server: TamperServer, gun: string): string[] {
  return server.served.filter((s) => s.gun === gun).map((s) => s.file);
}
