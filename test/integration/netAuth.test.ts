import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UndiciHttpClient } from '../../src/core/net/undiciHttpClient';
import { TokenAuthClient, repositoryScope, type CredentialSource } from '../../src/core/net/tokenAuth';
import { AuthCache } from '../../src/core/net/authCache';
import { isNetError } from '../../src/core/net/netError';
import { CredentialResolver, type RegistryCredentials } from '../../src/core/net/credentials';
import { startTestServer, type TestServer } from '../helpers/net/testServer';
import { RecordingLogger } from '../helpers/net/recordingLogger';
import { loopbackDispatcherFactory } from '../helpers/net/loopbackDispatcher';
import { startProtectedServer } from '../helpers/stack/protectedServer';
import { makeTempDir } from '../helpers/stack/tempDir';
import { startTokenIssuer, type TokenIssuer } from '../helpers/stack/tokenIssuer';

const SCOPE = repositoryScope('library/alpine', ['pull']);
/** The Basic credentials the token issuers below accept (beside anonymous pull). */
const ALICE = { user: 'alice', password: 'alice-password' };

function fixedCredentials(creds: Omit<RegistryCredentials, 'source'> | undefined): CredentialSource & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    get: (host) => {
      calls.push(host);
      return Promise.resolve(creds && host === creds.host ? { ...creds, source: 'test' } : undefined);
    },
  };
}

const text = (body: Uint8Array): string => new TextDecoder().decode(body);

void describe('TokenAuthClient: docker token auth against a real token endpoint', () => {
  let issuer: TokenIssuer;
  let resource: TestServer;
  let host: string;

  before(async () => {
    issuer = await startTokenIssuer({
      service: 'registry.test', credentials: ALICE, allowAnonymousPull: true, expiresInSeconds: 300, refreshTokens: { 'refresh-secret': 'alice' },
    });
    resource = await startProtectedServer(issuer, { scope: SCOPE });
    host = `127.0.0.1:${resource.port}`;
  });
  after(async () => {
    await Promise.all([issuer.stop(), resource.close()]);
  });

  void it('answers a 401 with a token fetched with Basic credentials, then reuses it without a 401', async () => {
    const logger = new RecordingLogger();
    const http = new UndiciHttpClient({ logger });
    const cache = new AuthCache();
    const credentials = fixedCredentials({ host, username: 'alice', password: 'alice-password' });
    const seenBefore = [issuer.requests.length, resource.requests.length];
    try {
      const client = new TokenAuthClient({ http, registryHost: host, scope: SCOPE, credentials, cache, logger });
      const res = await client.get(resource.url('/v2/library/alpine/manifests/3.19'));
      assert.equal(text(res.body), 'ok alice');
      const tokenRequests = issuer.requests.slice(seenBefore[0]);
      assert.equal(tokenRequests.length, 1);
      const tokenUrl = new URL(tokenRequests[0]?.url ?? '', issuer.origin);
      assert.equal(tokenUrl.searchParams.get('service'), 'registry.test');
      assert.equal(tokenUrl.searchParams.get('scope'), SCOPE);
      assert.equal(tokenUrl.searchParams.get('account'), 'alice');
      assert.equal(tokenRequests[0]?.headers.authorization, `Basic ${Buffer.from('alice:alice-password').toString('base64')}`);
      const resourceRequests = resource.requests.slice(seenBefore[1]);
      assert.deepEqual(resourceRequests.map((r) => r.headers.authorization), [undefined, `Bearer ${issuer.issued.at(-1)?.token}`]);
      assert.equal(http.requestCount, 3);

      // A second client sharing the cache sends the cached token at once: one request, no 401, no token request.
      const again = new TokenAuthClient({ http, registryHost: host, scope: SCOPE, credentials, cache, logger });
      assert.equal(text((await again.get(resource.url('/v2/library/alpine/manifests/3.19'))).body), 'ok alice');
      assert.equal(http.requestCount, 4);
      assert.equal(issuer.requests.length, seenBefore[0] + 1);

      const secrets = ['alice-password', Buffer.from('alice:alice-password').toString('base64'), ...issuer.issued.map((r) => r.token)];
      for (const secret of secrets) assert.ok(!logger.text.includes(secret), 'a secret reached the log');
    } finally {
      await http.close();
    }
  });

  void it('exchanges an identity token with a refresh_token POST', async () => {
    const http = new UndiciHttpClient();
    try {
      const client = new TokenAuthClient({ http, registryHost: host, scope: SCOPE, credentials: fixedCredentials({ host, identityToken: 'refresh-secret' }), cache: new AuthCache() });
      assert.equal(text((await client.get(resource.url('/v2/'))).body), 'ok alice');
      const post = issuer.requests.at(-1);
      assert.equal(post?.method, 'POST');
      const form = new URLSearchParams(post?.body.toString('utf8'));
      assert.equal(form.get('grant_type'), 'refresh_token');
      assert.equal(form.get('scope'), SCOPE);
    } finally {
      await http.close();
    }
  });

  void it('reports a wrong password as an auth error after one token request, without looping', async () => {
    const http = new UndiciHttpClient();
    const before = issuer.requests.length;
    try {
      const client = new TokenAuthClient({ http, registryHost: host, scope: SCOPE, credentials: fixedCredentials({ host, username: 'alice', password: 'wrong' }), cache: new AuthCache() });
      await assert.rejects(client.get(resource.url('/v2/')), (e: unknown) => isNetError(e, 'auth') && e.status === 401 && /refused the credentials for 127\.0\.0\.1/.test(e.message) && !e.message.includes('wrong'));
      assert.equal(issuer.requests.length, before + 1);
      assert.equal(http.requestCount, 2);
    } finally {
      await http.close();
    }
  });

  void it('stops with an auth error when even a fresh token is refused', async () => {
    const picky = await startProtectedServer(issuer, { scope: SCOPE, accounts: ['bob'] });
    const http = new UndiciHttpClient();
    try {
      const pickyHost = `127.0.0.1:${picky.port}`;
      const client = new TokenAuthClient({ http, registryHost: pickyHost, scope: SCOPE, credentials: fixedCredentials({ host: pickyHost, username: 'alice', password: 'alice-password' }), cache: new AuthCache() });
      await assert.rejects(client.get(picky.url('/v2/')), (e: unknown) => isNetError(e, 'auth') && /does not grant repository:library\/alpine:pull/.test(e.message));
      assert.equal(picky.requests.length, 2);
      assert.equal(http.requestCount, 3);
    } finally {
      await Promise.all([http.close(), picky.close()]);
    }
  });

  void it('replaces a cached token the server no longer accepts, once', async () => {
    const http = new UndiciHttpClient();
    const cache = new AuthCache();
    cache.rememberOrigin(resource.origin, { kind: 'bearer', challenge: { realm: issuer.realm, service: 'registry.test' } });
    cache.setToken({ realm: issuer.realm, service: 'registry.test', scope: SCOPE, account: 'alice' }, 'revoked-token', 300);
    const before = resource.requests.length;
    try {
      const client = new TokenAuthClient({ http, registryHost: host, scope: SCOPE, credentials: fixedCredentials({ host, username: 'alice', password: 'alice-password' }), cache });
      assert.equal(text((await client.get(resource.url('/v2/'))).body), 'ok alice');
      assert.deepEqual(resource.requests.slice(before).map((r) => r.headers.authorization?.startsWith('Bearer ') ? r.headers.authorization.slice(7) : r.headers.authorization), ['revoked-token', issuer.issued.at(-1)?.token]);
    } finally {
      await http.close();
    }
  });

  void it('refetches a token once its expires_in has passed on the injected clock', async () => {
    const shortIssuer = await startTokenIssuer({ service: 's', field: 'access_token', expiresInSeconds: 60 });
    const shortResource = await startProtectedServer(shortIssuer, { scope: SCOPE });
    let now = Date.parse('2030-01-01T00:00:00Z');
    const cache = new AuthCache({ now: () => new Date(now) });
    const http = new UndiciHttpClient();
    try {
      const client = new TokenAuthClient({ http, registryHost: `127.0.0.1:${shortResource.port}`, scope: SCOPE, credentials: fixedCredentials(undefined), cache });
      await client.get(shortResource.url('/v2/'));
      now += 30_000;
      await client.get(shortResource.url('/v2/'));
      assert.equal(shortIssuer.issued.length, 1);
      now += 30_000;
      await client.get(shortResource.url('/v2/'));
      assert.equal(shortIssuer.issued.length, 2);
    } finally {
      await Promise.all([http.close(), shortIssuer.stop(), shortResource.close()]);
    }
  });
});

void describe('TokenAuthClient: credentials stay with their registry', () => {
  void it('asks a realm on another host for an anonymous token and warns without secrets', async () => {
    const issuer = await startTokenIssuer({ service: 'registry.test', credentials: ALICE, allowAnonymousPull: true });
    // The registry is 127.0.0.1; its challenge names a realm on the host name "localhost" (resolved to
    // 127.0.0.1 by the test dispatcher), which is a different host as far as credentials are concerned.
    const foreignRealm = `http://localhost:${issuer.port}/token`;
    const resource = await startProtectedServer(issuer, { realm: foreignRealm, scope: SCOPE });
    const logger = new RecordingLogger();
    const http = new UndiciHttpClient({ dispatcherFactory: loopbackDispatcherFactory, logger });
    const host = `127.0.0.1:${resource.port}`;
    try {
      const client = new TokenAuthClient({ http, registryHost: host, scope: SCOPE, credentials: fixedCredentials({ host, username: 'alice', password: 'alice-password' }), cache: new AuthCache(), logger });
      assert.equal(text((await client.get(resource.url('/v2/'))).body), 'ok ');
      assert.equal(issuer.requests.length, 1);
      assert.equal(issuer.requests[0]?.headers.authorization, undefined);
      assert.equal(new URL(issuer.requests[0]?.url ?? '', issuer.origin).searchParams.get('account'), null);
      assert.match(logger.text, new RegExp(`warn not sending credentials for ${host} to token realm http://localhost:${issuer.port}`));
      assert.ok(!logger.text.includes('alice-password'));
    } finally {
      await Promise.all([http.close(), issuer.stop(), resource.close()]);
    }
  });
});

void describe('TokenAuthClient: a broken credential store', () => {
  void it('continues anonymously with a warning, and names the problem if the server insists on credentials', async () => {
    const tmp = await makeTempDir('broken-store');
    writeFileSync(join(tmp.path, 'config.json'), JSON.stringify({ credsStore: 'tl-not-installed' }));
    const issuer = await startTokenIssuer({ service: 's' });
    const open = await startProtectedServer(issuer, { scope: SCOPE });
    const closed = await startProtectedServer(issuer, { scope: SCOPE, accounts: ['alice'] });
    const logger = new RecordingLogger();
    const http = new UndiciHttpClient();
    try {
      const credentials = new CredentialResolver({ dockerConfigDir: tmp.path, allowCredentialHelpers: true });
      const client = (port: number): TokenAuthClient =>
        new TokenAuthClient({ http, registryHost: `127.0.0.1:${port}`, scope: SCOPE, credentials, cache: new AuthCache(), logger });
      assert.equal(text((await client(open.port).get(open.url('/v2/'))).body), 'ok ');
      assert.match(logger.text, /warn cannot look up credentials for 127\.0\.0\.1:\d+, continuing without: credential helper docker-credential-tl-not-installed not found on PATH/);
      await assert.rejects(
        client(closed.port).get(closed.url('/v2/')),
        (e: unknown) => isNetError(e, 'auth') && /credentials could not be looked up: credential helper docker-credential-tl-not-installed not found/.test(e.message),
      );
    } finally {
      await Promise.all([http.close(), issuer.stop(), open.close(), closed.close()]);
      await tmp.remove();
    }
  });
});

void describe('TokenAuthClient: Basic challenges', () => {
  let server: TestServer;
  const good = `Basic ${Buffer.from('alice:alice-password').toString('base64')}`;

  before(async () => {
    server = await startTestServer((req, res) => {
      if (req.headers.authorization === good) {
        res.end('basic ok');
        return;
      }
      res.writeHead(401, { 'www-authenticate': 'Basic realm="Registry Realm"' });
      res.end();
    });
  });
  after(() => server.close());

  void it('retries once with Basic credentials for the same host', async () => {
    const http = new UndiciHttpClient();
    const host = `127.0.0.1:${server.port}`;
    try {
      const client = new TokenAuthClient({ http, registryHost: host, scope: SCOPE, credentials: fixedCredentials({ host, username: 'alice', password: 'alice-password' }), cache: new AuthCache() });
      assert.equal(text((await client.get(server.url('/v2/'))).body), 'basic ok');
      assert.equal(http.requestCount, 2);
    } finally {
      await http.close();
    }
  });

  void it('fails with auth when there are no credentials or they are wrong, without looping', async () => {
    const http = new UndiciHttpClient();
    const host = `127.0.0.1:${server.port}`;
    try {
      const none = new TokenAuthClient({ http, registryHost: host, scope: SCOPE, credentials: fixedCredentials(undefined), cache: new AuthCache() });
      await assert.rejects(none.get(server.url('/v2/')), (e: unknown) => isNetError(e, 'auth') && /no usable credentials/.test(e.message));
      assert.equal(http.requestCount, 1);
      const wrong = new TokenAuthClient({ http, registryHost: host, scope: SCOPE, credentials: fixedCredentials({ host, username: 'alice', password: 'nope' }), cache: new AuthCache() });
      await assert.rejects(wrong.get(server.url('/v2/')), (e: unknown) => isNetError(e, 'auth') && /refused the credentials/.test(e.message));
      assert.equal(http.requestCount, 3);
      // Credentials stored for another registry are not offered to this one.
      const other = new TokenAuthClient({ http, registryHost: 'other.example', scope: SCOPE, credentials: fixedCredentials({ host: 'other.example', username: 'alice', password: 'alice-password' }), cache: new AuthCache() });
      await assert.rejects(other.get(server.url('/v2/')), (e: unknown) => isNetError(e, 'auth'));
      assert.equal(server.requests.at(-1)?.headers.authorization, undefined);
    } finally {
      await http.close();
    }
  });
});
