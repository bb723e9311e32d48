/** A minimal HTTP(S) client for talking to the stack's own servers (loopback only). */
import { request as httpRequestRaw, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequestRaw } from 'node:https';

/** A complete response. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Options for {@link httpRequest}. */
export interface HttpRequestOptions {
  /** e.g. `PUT`; default `GET`. */
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** PEM of the CA that signed an `https://` server's certificate. */
  ca?: string;
  /** Abort after this long; default 15 000 ms. */
  timeoutMs?: number;
}

/**
 * Sends one request without connection reuse (nothing lingers after the response) and reads the
 * whole body. Refuses any host but 127.0.0.1/localhost: the stack never talks to anything else.
 */
export async function httpRequest(url: string | URL, options: HttpRequestOptions = {}): Promise<HttpResponse> {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1' && target.hostname !== 'localhost') {
    throw new Error(`refusing to send a test request off the loopback interface: ${target.origin}`);
  }
  const send = target.protocol === 'https:' ? httpsRequestRaw : httpRequestRaw;
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = send(target, {
      method: options.method ?? 'GET',
      headers,
      agent: false,
      ca: options.ca,
      timeout: options.timeoutMs ?? 15_000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', reject);
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.once('timeout', () => req.destroy(new Error(`${options.method ?? 'GET'} ${target.href} timed out`)));
    req.once('error', reject);
    req.end(body);
  });
}

/** `Basic <base64(user:password)>`, for an `Authorization` header. */
export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
