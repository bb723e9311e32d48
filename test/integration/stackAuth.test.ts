/**
 * Proves the authenticated variants of the stack: notary-server behind the token issuer (both
 * JWT flavours notary-server accepts) and a registry behind htpasswd Basic auth.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dockerTrustInspect } from '../helpers/stack/dockerCli';
import { basicAuthorization, httpRequest } from '../helpers/stack/http';
import { sha256Digest } from '../helpers/stack/imageContent';
import { getTrustPath } from '../helpers/stack/notaryHttp';
import { pushImage, pushIndex } from '../helpers/stack/push';
import { startRegistry, type Registry } from '../helpers/stack/registry';
import { buildTargetsOnly } from '../helpers/stack/scenarios';
import { startStack } from '../helpers/stack/stack';
import { startTokenIssuer, type TokenIssuerOptions } from '../helpers/stack/tokenIssuer';

const CREDENTIALS = { user: 'ci-bot', password: 'stack-test-password' };

/** Parses `Bearer realm="…",service="…",scope="…"` (values here never contain quotes). */
function bearerChallenge(header: string | undefined): Record<string, string> {
  assert.ok(header !== undefined && header.startsWith('Bearer '), `expected a Bearer challenge, got ${String(header)}`);
  return Object.fromEntries([...header.slice(7).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

const VARIANTS: Array<{ name: string; options: TokenIssuerOptions }> = [
  { name: 'ES256 token naming its key by x5c', options: { algorithm: 'ES256', keyHint: 'x5c' } },
  { name: 'RS256 token naming its key by libtrust kid', options: { algorithm: 'RS256', keyHint: 'kid' } },
];

void describe('stack: notary-server behind the token issuer', () => {
  for (const variant of VARIANTS) {
    void it(`${variant.name}: 401 challenge, then the token opens the repository`, async () => {
      const issuer = await startTokenIssuer({ ...variant.options, credentials: CREDENTIALS });
      const stranger = await startTokenIssuer({ ...variant.options, issuer: issuer.issuer, service: issuer.service });
      const stack = await startStack({ keyAlgorithm: 'ed25519', tokenAuth: issuer, notaryAuth: CREDENTIALS });
      try {
        // The notary CLI signs through the token service, with NOTARY_AUTH credentials.
        const s = await buildTargetsOnly(stack);

        const anonymous = await getTrustPath(stack.notary, s.gun, 'root.json');
        assert.equal(anonymous.status, 401);
        const challenge = bearerChallenge(anonymous.headers['www-authenticate']);
        assert.deepEqual(challenge, { realm: issuer.realm, service: issuer.service, scope: `repository:${s.gun}:pull` });

        const tokenUrl = `${challenge.realm}?service=${encodeURIComponent(challenge.service)}&scope=${encodeURIComponent(challenge.scope)}`;
        assert.equal((await httpRequest(tokenUrl)).status, 401, 'the issuer demands credentials');
        const wrong = await httpRequest(tokenUrl, { headers: { authorization: basicAuthorization(CREDENTIALS.user, 'wrong') } });
        assert.equal(wrong.status, 401);
        const granted = await httpRequest(tokenUrl, { headers: { authorization: basicAuthorization(CREDENTIALS.user, CREDENTIALS.password) } });
        assert.equal(granted.status, 200);
        const body = JSON.parse(granted.body.toString()) as { token: string; access_token: string; expires_in: number };
        assert.equal(body.access_token, body.token);
        assert.ok(body.expires_in > 0);

        const root = await getTrustPath(stack.notary, s.gun, 'root.json', body.token);
        assert.equal(root.status, 200);
        assert.equal(JSON.parse(root.body.toString()).signed._type, 'Root');

        // Same claims, but signed by a key outside the rootcertbundle.
        const forged = JSON.parse((await httpRequest(`${stranger.realm}?service=${issuer.service}&scope=${encodeURIComponent(challenge.scope)}`)).body.toString()) as { token: string };
        const rejected = await getTrustPath(stack.notary, s.gun, 'root.json', forged.token);
        assert.equal(rejected.status, 401);
        assert.equal(bearerChallenge(rejected.headers['www-authenticate']).error, 'invalid_token');

        // docker logs in to the token service with the registry's credentials from config.json.
        const inspection = await dockerTrustInspect([s.gun], {
          trustServerUrl: stack.notary.url, caPem: stack.notary.caPem,
          login: { registryHost: stack.registry.host, ...CREDENTIALS },
        });
        assert.equal(inspection.exitCode, 0, inspection.stderr);
        assert.deepEqual(inspection.entries[0].SignedTags.map((t) => t.SignedTag).sort(), ['multi', 'v1']);
        assert.ok(issuer.requests.some((r) => r.status === 200 && r.scopes.includes(`repository:${s.gun}:push,pull`)),
          'the notary CLI asked for push,pull');
        assert.ok(issuer.requests.some((r) => r.status === 200 && r.account === CREDENTIALS.user), 'docker sent its account');
      } finally {
        await Promise.all([stack.stop(), issuer.stop(), stranger.stop()]);
      }
    });
  }

  void it('gives anonymous clients pull-only tokens when allowAnonymousPull is set', async () => {
    const issuer = await startTokenIssuer({ credentials: CREDENTIALS, allowAnonymousPull: true });
    try {
      const scope = 'repository:127.0.0.1:5000/team/app:push,pull';
      const response = await httpRequest(`${issuer.realm}?service=${issuer.service}&scope=${encodeURIComponent(scope)}`);
      assert.equal(response.status, 200);
      const token = (JSON.parse(response.body.toString()) as { token: string }).token;
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { access: unknown };
      assert.deepEqual(claims.access, [{ type: 'repository', name: '127.0.0.1:5000/team/app', actions: ['pull'] }]);
    } finally {
      await issuer.stop();
    }
  });
});

void describe('stack: registry behind htpasswd, over TLS', () => {
  let registry: Registry;
  before(async () => {
    registry = await startRegistry({ htpasswd: CREDENTIALS, tls: true });
  });
  after(async () => {
    await registry?.stop();
  });

  void it('answers 401 without or with wrong credentials and 200 with the right ones', async () => {
    const ping = (authorization?: string) =>
      httpRequest(`${registry.url}/v2/`, { ca: registry.caPem, headers: authorization ? { authorization } : {} });
    const anonymous = await ping();
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers['www-authenticate'], 'Basic realm="trustlens-registry"');
    assert.equal((await ping(basicAuthorization(CREDENTIALS.user, 'nope'))).status, 401);
    assert.equal((await ping(basicAuthorization(CREDENTIALS.user, CREDENTIALS.password))).status, 200);
  });

  void it('takes a Docker manifest list with credentials and serves its exact bytes', async () => {
    const pushed = await pushIndex(registry, 'trustlens/auth', 'multi', { format: 'docker' });
    const auth = { authorization: basicAuthorization(CREDENTIALS.user, CREDENTIALS.password) };
    for (const m of [pushed, ...pushed.manifests]) {
      const response = await httpRequest(`${registry.url}/v2/trustlens/auth/manifests/${m.digest}`, {
        ca: registry.caPem, headers: { ...auth, accept: m.mediaType },
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers['content-type'], m.mediaType);
      assert.equal(sha256Digest(response.body), m.digest);
    }
  });

  void it('refuses a push without credentials with a clear error', async () => {
    const anonymous: Registry = { ...registry, credentials: undefined };
    await assert.rejects(pushImage(anonymous, 'trustlens/auth', 'v1'), /registry answered 401/);
  });
});
