import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { UndiciHttpClient } from '../../src/core/net/undiciHttpClient';
import type { RequestEvent } from '../../src/core/net/http';
import { netFailure } from '../helpers/net/netFailure';
import { startTestServer, type TestServer } from '../helpers/net/testServer';
import { RecordingLogger } from '../helpers/net/recordingLogger';


void describe('UndiciHttpClient against a real local server', () => {
  let server: TestServer;
  let flaky = 0;
  const stalled: Array<() => void> = [];

  before(async () => {
    server = await startTestServer((req, res, body) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      switch (path) {
        case '/ok':
          res.writeHead(200, { 'content-type': 'text/plain', 'x-answer': '42' });
          res.end('hello');
          return;
        case '/announce-huge':
          // Announces far more than the limit and sends only a little: the client must not wait for the rest.
          res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
          res.write(Buffer.alloc(1024));
          stalled.push(() => res.destroy());
          return;
        case '/endless': {
          // Chunked, no Content-Length, never ends: only the streaming limit can stop the client.
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          const chunk = Buffer.alloc(16 * 1024, 1);
          const pump = (): void => {
            while (!res.destroyed && res.write(chunk));
            if (!res.destroyed) res.once('drain', pump);
          };
          pump();
          return;
        }
        case '/never':
          stalled.push(() => res.destroy());
          return;
        case '/stall-body':
          res.writeHead(200, { 'content-length': '100' });
          res.write('partial');
          stalled.push(() => res.destroy());
          return;
        case '/flaky':
          flaky++;
          if (flaky <= 2) {
            res.writeHead(503, { 'content-type': 'application/json' });
            res.end('{"errors":[{"code":"UNAVAILABLE","message":"try later"}]}');
          } else {
            res.end('recovered');
          }
          return;
        case '/always-503':
          res.writeHead(503, { 'retry-after': '0' });
          res.end();
          return;
        case '/unauthorized':
          res.writeHead(401, { 'www-authenticate': 'Basic realm="r"', 'content-type': 'application/json' });
          res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
          return;
        case '/missing':
          res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
          res.end('{"errors":[{"code":"METADATA_NOT_FOUND","message":"You have requested metadata that does not exist."}]}\n');
          return;
        case '/echo':
          res.writeHead(201, { 'content-type': req.headers['content-type'] ?? '' });
          res.end(body);
          return;
        default:
          res.writeHead(500);
          res.end();
      }
    });
  });
  after(async () => {
    for (const release of stalled) release();
    await server.close();
  });

  void it('returns status, lower-case headers and body, logs one redacted line, and counts requests', async () => {
    const logger = new RecordingLogger();
    const events: RequestEvent[] = [];
    const http = new UndiciHttpClient({ logger, onRequest: (e) => events.push(e), userAgent: 'trustlens/test' });
    try {
      const res = await http.get(server.url('/ok?access_token=query-secret&n=1'), {
        headers: { Authorization: 'Bearer header-secret' },
        accept: ['text/plain', 'application/json'],
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-answer'], '42');
      assert.equal(new TextDecoder().decode(res.body), 'hello');
      assert.equal(http.requestCount, 1);
      assert.equal(events.length, 1);
      const seen = server.requests.at(-1);
      assert.equal(seen?.headers['user-agent'], 'trustlens/test');
      assert.equal(seen?.headers['accept'], 'text/plain, application/json');
      assert.equal(seen?.headers['authorization'], 'Bearer header-secret');
      assert.match(logger.text, new RegExp(`GET ${server.origin}/ok\\?access_token=REDACTED&n=1 -> 200 \\(\\d+ ms\\)`));
      assert.doesNotMatch(logger.text, /secret/);
    } finally {
      await http.close();
    }
  });

  void it('refuses a body whose Content-Length announces more than maxBytes, without waiting for it', async () => {
    const http = new UndiciHttpClient({ timeoutMs: 60_000 });
    try {
      const e = await netFailure(http.get(server.url('/announce-huge'), { maxBytes: 1024 * 1024 }));
      assert.equal(e.code, 'too-large');
      assert.equal(e.status, 200);
      assert.match(e.message, /announced 52428800 bytes/);
    } finally {
      await http.close();
    }
  });

  void it('stops reading an endless chunked body as soon as it passes maxBytes', async () => {
    const http = new UndiciHttpClient({ timeoutMs: 60_000 });
    try {
      const e = await netFailure(http.get(server.url('/endless'), { maxBytes: 256 * 1024 }));
      assert.equal(e.code, 'too-large');
      assert.match(e.message, /more than the limit of 262144 bytes/);
    } finally {
      await http.close();
    }
  });

  void it('times out, bounded, on a server that never answers', async () => {
    const http = new UndiciHttpClient({ retry: { attempts: 3, baseDelayMs: 1 } });
    const started = performance.now();
    try {
      const e = await netFailure(http.get(server.url('/never'), { timeoutMs: 300 }));
      assert.equal(e.code, 'timeout');
      assert.match(e.message, /timed out after 300 ms/);
      // A timeout is not retried: it already used the caller's whole budget.
      assert.equal(http.requestCount, 1);
      assert.ok(performance.now() - started < 5000);
    } finally {
      await http.close();
    }
  });

  void it('times out when the body stalls after the headers', async () => {
    const http = new UndiciHttpClient();
    try {
      const e = await netFailure(http.get(server.url('/stall-body'), { timeoutMs: 300 }));
      assert.equal(e.code, 'timeout');
      assert.equal(e.status, 200);
    } finally {
      await http.close();
    }
  });

  void it('reports the caller’s abort as aborted, not as a timeout', async () => {
    const http = new UndiciHttpClient();
    const controller = new AbortController();
    const before = server.requests.length;
    try {
      const pending = netFailure(http.get(server.url('/never'), { signal: controller.signal, timeoutMs: 60_000 }));
      // Abort once the server has really received the request.
      await server.waitForRequests(before + 1);
      controller.abort();
      const e = await pending;
      assert.equal(e.code, 'aborted');
    } finally {
      await http.close();
    }
  });

  void it('retries a GET on 503 with backoff and then succeeds', async () => {
    const events: RequestEvent[] = [];
    const http = new UndiciHttpClient({ retry: { attempts: 3, baseDelayMs: 1 }, onRequest: (e) => events.push(e) });
    try {
      const res = await http.get(server.url('/flaky'));
      assert.equal(new TextDecoder().decode(res.body), 'recovered');
      assert.deepEqual(events.map((e) => [e.status, e.attempt]), [[503, 1], [503, 2], [200, 3]]);
    } finally {
      await http.close();
    }
  });

  void it('gives up after the bounded number of attempts with an http-status error', async () => {
    const http = new UndiciHttpClient({ retry: { attempts: 2, baseDelayMs: 1 } });
    try {
      const e = await netFailure(http.get(server.url('/always-503')));
      assert.equal(e.code, 'http-status');
      assert.equal(e.status, 503);
      assert.equal(http.requestCount, 2);
    } finally {
      await http.close();
    }
  });

  void it('never retries a POST, nor a 401', async () => {
    const http = new UndiciHttpClient({ retry: { attempts: 3, baseDelayMs: 1 } });
    try {
      const post = await netFailure(http.post(server.url('/always-503'), 'x'));
      assert.equal(post.status, 503);
      assert.equal(http.requestCount, 1);
      const auth = await netFailure(http.get(server.url('/unauthorized')));
      assert.equal(auth.code, 'auth');
      assert.equal(auth.status, 401);
      assert.match(auth.message, /UNAUTHORIZED: authentication required/);
      assert.equal(http.requestCount, 2);
    } finally {
      await http.close();
    }
  });

  void it('maps 404 to not-found with the server’s errcode, or returns it when asked', async () => {
    const http = new UndiciHttpClient();
    try {
      const e = await netFailure(http.get(server.url('/missing')));
      assert.equal(e.code, 'not-found');
      assert.match(e.message, /METADATA_NOT_FOUND/);
      const res = await http.get(server.url('/missing'), { throwHttpErrors: false });
      assert.equal(res.status, 404);
    } finally {
      await http.close();
    }
  });

  void it('sends a PUT body with its content type', async () => {
    const http = new UndiciHttpClient();
    try {
      const res = await http.put(server.url('/echo'), new TextEncoder().encode('{"a":1}'), { contentType: 'application/json' });
      assert.equal(res.status, 201);
      assert.equal(res.headers['content-type'], 'application/json');
      assert.equal(new TextDecoder().decode(res.body), '{"a":1}');
    } finally {
      await http.close();
    }
  });

  void it('retries connection failures a bounded number of times, then reports connection', async () => {
    const gone = await startTestServer(() => undefined);
    await gone.close();
    const http = new UndiciHttpClient({ retry: { attempts: 2, baseDelayMs: 1 } });
    try {
      const e = await netFailure(http.get(gone.url('/')));
      assert.equal(e.code, 'connection');
      assert.equal(http.requestCount, 2);
    } finally {
      await http.close();
    }
  });

  void it('rejects credentials embedded in a URL and non-http schemes', async () => {
    const http = new UndiciHttpClient();
    try {
      const e = await netFailure(http.get(`http://user:pw@127.0.0.1:${server.port}/ok`));
      assert.equal(e.code, 'bad-request');
      assert.doesNotMatch(e.message, /pw/);
      assert.equal((await netFailure(http.get('file:///etc/passwd'))).code, 'bad-request');
      assert.equal(http.requestCount, 0);
    } finally {
      await http.close();
    }
  });
});
