import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { UndiciHttpClient } from '../../src/core/net/undiciHttpClient';
import { RegistryClient } from '../../src/core/net/registryClient';
import { AuthCache } from '../../src/core/net/authCache';
import { isNetError } from '../../src/core/net/netError';
import { MEDIA_TYPES } from '../../src/core/net/manifestTypes';
import { startTestServer, type TestServer } from '../helpers/net/testServer';
import { startProtectedServer } from '../helpers/stack/protectedServer';
import { startTokenIssuer, type TokenIssuer } from '../helpers/stack/tokenIssuer';

const sha256 = (bytes: Uint8Array | string): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const noCredentials = { get: () => Promise.resolve(undefined) };

const index = JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [] });
const manifest = JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.dockerManifest, config: {}, layers: [] });

function sendManifest(res: ServerResponse, head: boolean, body: string, headers: Record<string, string>): void {
  res.writeHead(200, { 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(head ? undefined : body);
}

void describe('RegistryClient against a scripted local registry', () => {
  let server: TestServer;
  let http: UndiciHttpClient;
  let client: RegistryClient;
  let registry: string;

  before(async () => {
    server = await startTestServer((req, res) => {
      const head = req.method === 'HEAD';
      const url = new URL(req.url ?? '/', 'http://x');
      const routes: Record<string, () => void> = {
        // A well-behaved registry: HEAD carries the digest.
        '/v2/team/app/manifests/multi': () => sendManifest(res, head, index, { 'content-type': MEDIA_TYPES.ociIndex, 'docker-content-digest': sha256(index) }),
        // HEAD without a digest header: the client must GET and hash.
        '/v2/team/app/manifests/nodigest': () => sendManifest(res, head, manifest, { 'content-type': `${MEDIA_TYPES.dockerManifest}; charset=utf-8` }),
        // HEAD not allowed.
        '/v2/team/app/manifests/nohead': () => {
          if (head) {
            res.writeHead(405);
            res.end();
          } else sendManifest(res, false, manifest, { 'content-type': MEDIA_TYPES.dockerManifest, 'docker-content-digest': sha256(manifest) });
        },
        // A registry that lies about the digest of what it serves (HEAD unusable, so GET is checked).
        '/v2/team/app/manifests/liar': () => {
          if (head) {
            res.writeHead(405);
            res.end();
          } else sendManifest(res, false, manifest, { 'content-type': MEDIA_TYPES.dockerManifest, 'docker-content-digest': sha256('something else') });
        },
        [`/v2/team/app/manifests/${sha256(index)}`]: () => sendManifest(res, head, manifest, { 'content-type': MEDIA_TYPES.dockerManifest }),
        '/v2/team/app/tags/list': () => {
          const pages: Record<string, [string[], string | undefined]> = {
            '': [['a', 'b'], '</v2/team/app/tags/list?last=b&n=2>; rel="next"'],
            b: [['c', 'd'], `<${server.url('/v2/team/app/tags/list?last=d&n=2')}>; rel="next"`],
            d: [['e'], undefined],
          };
          const [tags, link] = pages[url.searchParams.get('last') ?? ''] ?? [[], undefined];
          res.writeHead(200, { 'content-type': 'application/json', ...(link ? { link } : {}) });
          res.end(JSON.stringify({ name: 'team/app', tags }));
        },
        '/v2/team/loop/tags/list': () => {
          res.writeHead(200, { 'content-type': 'application/json', link: '</v2/team/loop/tags/list>; rel="next"' });
          res.end('{"name":"team/loop","tags":["x"]}');
        },
        '/v2/team/away/tags/list': () => {
          res.writeHead(200, { 'content-type': 'application/json', link: '<http://127.0.0.1:1/v2/team/away/tags/list?last=x>; rel="next"' });
          res.end('{"name":"team/away","tags":["x"]}');
        },
        '/v2/team/none/tags/list': () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"name":"team/none","tags":null}');
        },
      };
      const route = routes[url.pathname];
      if (route) return route();
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(head ? undefined : '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
    });
    registry = `127.0.0.1:${server.port}`;
    http = new UndiciHttpClient();
    client = new RegistryClient({ http, credentials: noCredentials, plainHttpForLoopback: true });
  });
  after(async () => {
    await http.close();
    await server.close();
  });

  void it('resolves a tag from HEAD alone when the registry sends Docker-Content-Digest', async () => {
    const before = http.requestCount;
    const d = await client.resolveTag(registry, 'team/app', 'multi');
    assert.deepEqual(d, { digest: sha256(index), size: Buffer.byteLength(index), mediaType: MEDIA_TYPES.ociIndex, isIndex: true });
    assert.equal(http.requestCount - before, 1);
    const seen = server.requests.at(-1);
    assert.equal(seen?.method, 'HEAD');
    assert.equal(seen?.headers.accept, `${MEDIA_TYPES.ociIndex}, ${MEDIA_TYPES.dockerManifestList}, ${MEDIA_TYPES.ociManifest}, ${MEDIA_TYPES.dockerManifest}`);
  });

  void it('falls back to GET and hashes the body when HEAD has no digest or is refused', async () => {
    for (const tag of ['nodigest', 'nohead']) {
      const d = await client.resolveTag(registry, 'team/app', tag);
      assert.deepEqual(d, { digest: sha256(manifest), size: Buffer.byteLength(manifest), mediaType: MEDIA_TYPES.dockerManifest, isIndex: false }, tag);
      assert.deepEqual(server.requests.slice(-2).map((r) => r.method), ['HEAD', 'GET'], tag);
    }
  });

  void it('rejects a manifest whose bytes do not match the announced or requested digest', async () => {
    await assert.rejects(client.resolveTag(registry, 'team/app', 'liar'), (e: unknown) => isNetError(e, 'digest-mismatch'));
    await assert.rejects(client.resolveTag(registry, 'team/app', sha256(index)), (e: unknown) => isNetError(e, 'digest-mismatch') && e.message.includes(sha256(manifest)));
  });

  void it('reports unknown tags as not-found and bad names as bad-request without a request', async () => {
    await assert.rejects(client.resolveTag(registry, 'team/app', 'missing'), (e: unknown) => isNetError(e, 'not-found') && e.status === 404);
    const before = http.requestCount;
    await assert.rejects(client.resolveTag(registry, '../../etc', 'x'), (e: unknown) => isNetError(e, 'bad-request'));
    await assert.rejects(client.resolveTag(registry, 'team/app', 'bad/tag'), (e: unknown) => isNetError(e, 'bad-request'));
    await assert.rejects(client.resolveTag('user@evil', 'team/app', 'x'), (e: unknown) => isNetError(e, 'bad-request'));
    assert.equal(http.requestCount, before);
  });

  void it('lists tags across Link pages, relative and absolute', async () => {
    assert.deepEqual(await client.listTags(registry, 'team/app', { pageSize: 2 }), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(await client.listTags(registry, 'team/none'), []);
  });

  void it('stops pagination that loops or leaves the registry', async () => {
    await assert.rejects(client.listTags(registry, 'team/loop'), (e: unknown) => isNetError(e, 'bad-response') && /did not end/.test(e.message));
    await assert.rejects(client.listTags(registry, 'team/away'), (e: unknown) => isNetError(e, 'bad-response') && /left http:\/\/127\.0\.0\.1:\d+/.test(e.message));
  });
});

void describe('RegistryClient with bearer token auth', () => {
  let issuer: TokenIssuer;
  let registry: TestServer;

  before(async () => {
    issuer = await startTokenIssuer({ service: 'test-registry', expiresInSeconds: 300 });
    registry = await startProtectedServer(issuer, { scope: 'repository:team/app:pull' });
  });
  after(async () => {
    await Promise.all([issuer.stop(), registry.close()]);
  });

  void it('asks for repository:<name>:pull (name without the host) and reuses the token across calls', async () => {
    const http = new UndiciHttpClient();
    const client = new RegistryClient({ http, credentials: noCredentials, cache: new AuthCache(), plainHttpForLoopback: true });
    try {
      // The protected server answers "ok" instead of a manifest, so the GET fallback finds no media type.
      await assert.rejects(client.resolveTag(`127.0.0.1:${registry.port}`, 'team/app', 'v1'), (e: unknown) => isNetError(e, 'bad-response'));
      assert.deepEqual(issuer.issued.map((r) => [r.scope, r.service]), [['repository:team/app:pull', 'test-registry']]);
      const before = http.requestCount;
      await assert.rejects(client.resolveTag(`127.0.0.1:${registry.port}`, 'team/app', 'v1'), (e: unknown) => isNetError(e, 'bad-response'));
      assert.equal(http.requestCount - before, 2);
      assert.equal(issuer.issued.length, 1);
    } finally {
      await http.close();
    }
  });
});
