/**
 * A hostile registry: a loopback HTTP server in front of the real docker-registry that answers chosen
 * paths itself (with manifests the real registry would refuse to store: 10,000 layers, descriptors that
 * lie about sizes, indexes naming manifests that do not exist) and forwards every other request.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from '../stack/registry';
import { startTestServer, type SeenRequest, type TestServer } from '../net/testServer';

/** What the hostile registry answers for one path (GET and HEAD), instead of the real one. */
export interface Forgery {
  readonly bytes: Uint8Array;
  readonly mediaType: string;
  /** Answer with this status (default 200). */
  readonly status?: number;
  /** Further headers, e.g. a `Link` to a next page. */
  readonly headers?: Record<string, string>;
  /** Stream the body without announcing its length (chunked transfer encoding). */
  readonly chunked?: boolean;
}

export interface HostileRegistry {
  /** `127.0.0.1:<port>`: use it as the registry host. */
  readonly host: string;
  /** Serves `forgery` at `/v2/<repository>/manifests/<reference>` (or any path given with a leading `/`). */
  forge(path: string, forgery: Forgery): void;
  /** Answers GET and HEAD of `path` with `respond` (e.g. never, or with a body that never ends) instead of the real one. */
  respond(path: string, respond: (req: IncomingMessage, res: ServerResponse) => void): void;
  /** Every request received, in order. */
  readonly requests: readonly SeenRequest[];
  /** Adds headers to the real registry's answers to requests whose `METHOD path` matches. */
  addHeaders(match: RegExp, headers: Record<string, string>): void;
  close(): Promise<void>;
}

export async function startHostileRegistry(registry: Registry): Promise<HostileRegistry> {
  const forgeries = new Map<string, Forgery>();
  const responders = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
  const extraHeaders: { match: RegExp; headers: Record<string, string> }[] = [];
  const server: TestServer = await startTestServer(async (req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const responder = responders.get(url.pathname + url.search) ?? responders.get(url.pathname);
    if (responder && (req.method === 'GET' || req.method === 'HEAD')) {
      responder(req, res);
      return;
    }
    const forged = forgeries.get(url.pathname + url.search) ?? forgeries.get(url.pathname);
    if (forged && (req.method === 'GET' || req.method === 'HEAD')) {
      serve(res, req.method === 'HEAD', forged);
      return;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => k !== 'host' && k !== 'content-length' && typeof v === 'string')) as Record<string, string>;
    const answer = await fetch(`${registry.url}${req.url ?? '/'}`, {
      method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body, redirect: 'manual',
    });
    const out: Record<string, string> = {};
    answer.headers.forEach((value, key) => {
      if (key !== 'content-encoding' && key !== 'transfer-encoding' && key !== 'connection') out[key] = value;
    });
    // Upload locations point at the real registry; keep them on this one.
    if (out.location) out.location = out.location.replace(registry.url, `http://127.0.0.1:${server.port}`);
    for (const extra of extraHeaders) if (extra.match.test(`${req.method ?? ''} ${url.pathname}`)) Object.assign(out, extra.headers);
    const payload = req.method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await answer.arrayBuffer());
    res.writeHead(answer.status, out);
    res.end(payload);
  });
  return {
    host: `127.0.0.1:${server.port}`,
    forge: (path, forgery) => forgeries.set(path, forgery),
    respond: (path, respond) => responders.set(path, respond),
    requests: server.requests,
    addHeaders: (match, headers) => extraHeaders.push({ match, headers }),
    close: () => server.close(),
  };
}

function serve(res: ServerResponse, head: boolean, forgery: Forgery): void {
  const digest = `sha256:${createHash('sha256').update(forgery.bytes).digest('hex')}`;
  const length = forgery.chunked ? {} : { 'content-length': String(forgery.bytes.byteLength) };
  res.writeHead(forgery.status ?? 200, { 'content-type': forgery.mediaType, 'docker-content-digest': digest, ...length, ...forgery.headers });
  if (head) {
    res.end();
    return;
  }
  // In pieces, so a client that stops reading at its limit is seen to do so.
  const bytes = Buffer.from(forgery.bytes);
  for (let at = 0; at < bytes.length; at += 16_384) res.write(bytes.subarray(at, at + 16_384));
  res.end();
}

/** A JSON document as a forgery. */
export function jsonForgery(value: { mediaType: string }): Forgery {
  return { bytes: new TextEncoder().encode(JSON.stringify(value)), mediaType: value.mediaType };
}
