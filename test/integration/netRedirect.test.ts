import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { UndiciHttpClient } from '../../src/core/net/undiciHttpClient';
import { isNetError } from '../../src/core/net/netError';
import { startTestServer, type TestServer } from '../helpers/net/testServer';
import { RecordingLogger } from '../helpers/net/recordingLogger';

void describe('UndiciHttpClient redirects', () => {
  let storage: TestServer;
  let registry: TestServer;

  before(async () => {
    storage = await startTestServer((_req, res) => res.end('blob bytes'));
    registry = await startTestServer((req, res) => {
      const redirects: Record<string, string> = {
        '/cross': storage.url('/blob?X-Amz-Signature=presigned'),
        '/same': '/final',
        '/loop': '/loop',
      };
      const location = redirects[req.url ?? ''];
      if (location) {
        res.writeHead(307, { location });
        res.end();
        return;
      }
      res.end(`final auth=${req.headers.authorization ?? 'none'}`);
    });
  });
  after(async () => {
    await Promise.all([storage.close(), registry.close()]);
  });

  void it('keeps Authorization on a same-origin redirect', async () => {
    const http = new UndiciHttpClient();
    try {
      const res = await http.get(registry.url('/same'), { headers: { Authorization: 'Bearer tok' } });
      assert.equal(new TextDecoder().decode(res.body), 'final auth=Bearer tok');
      assert.equal(res.url, registry.url('/final'));
      assert.equal(http.requestCount, 2);
    } finally {
      await http.close();
    }
  });

  void it('strips Authorization and cookies when a redirect leaves the origin, and logs no secret', async () => {
    const logger = new RecordingLogger();
    const http = new UndiciHttpClient({ logger });
    try {
      const res = await http.get(registry.url('/cross'), { headers: { Authorization: 'Bearer registry-token', Cookie: 'sid=1' } });
      assert.equal(new TextDecoder().decode(res.body), 'blob bytes');
      const atStorage = storage.requests.at(-1);
      assert.equal(atStorage?.headers.authorization, undefined);
      assert.equal(atStorage?.headers.cookie, undefined);
      assert.equal(registry.requests.at(-1)?.headers.authorization, 'Bearer registry-token');
      assert.doesNotMatch(logger.text, /registry-token|presigned/);
      assert.match(logger.text, /X-Amz-Signature=REDACTED -> 200/);
    } finally {
      await http.close();
    }
  });

  void it('stops a redirect loop with a typed error', async () => {
    const http = new UndiciHttpClient({ maxRedirects: 3 });
    try {
      await assert.rejects(http.get(registry.url('/loop')), (e: unknown) => isNetError(e, 'redirect'));
      assert.equal(http.requestCount, 4);
    } finally {
      await http.close();
    }
  });
});
