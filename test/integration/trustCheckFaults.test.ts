/**
 * Faults on the way to trust data: a closed port, an unknown CA, a server that never answers or
 * answers 5xx, a repository the server has no root for or that was deleted, and a notary-server that
 * stops in the middle of an update. Only a 404 on root.json means "no trust data"; every failure to
 * reach or trust the server is `unverifiable`, never signed or unsigned.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { HttpClient, HttpMethod, RequestEvent, RequestOptions } from '../../src/core/net/http';
import { UndiciHttpClient } from '../../src/core/net/undiciHttpClient';
import { nullLogger, systemClock } from '../../src/core/ports';
import type { CheckResult } from '../../src/core/trust/checkResult';
import { DEFAULT_TTL_MS } from '../../src/core/trust/dct/createBackend';
import { DctUpdater } from '../../src/core/trust/dct/updater';
import { FileMetadataStore } from '../../src/core/trust/dct/metadataStore';
import { DctTrustBackend as TrustService } from '../../src/core/trust/dct/dctBackend';
import { freePort } from '../helpers/stack/ports';
import { pushImage } from '../helpers/stack/push';
import { buildNoTrustData, buildTargetsOnly, type Scenario } from '../helpers/stack/scenarios';
import { hexOf } from '../helpers/stack/signers';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeTempDir } from '../helpers/stack/tempDir';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';
import { codesOf, dockerfileFrom, policyFrom, scanDocuments } from '../helpers/trust/documents';
import { createTrustHarness, trustRequestOf, type TrustHarness } from '../helpers/trust/harness';
import { createRepositoryOwner } from '../helpers/trust/repositoryOwner';

void describe('trust check faults on the real stack', () => {
  let stack: Stack;
  let s: Scenario;
  let docker: TestDockerConfig;
  const cleanup: Array<() => Promise<void>> = [];
  const harness = async (dockerConfigDir: string, cacheDir?: string, options: { ttlMs?: number; timeoutMs?: number } = {}): Promise<TrustHarness> => {
    const h = await createTrustHarness({ dockerConfigDir, cacheDir, ...options });
    cleanup.push(() => h.close());
    return h;
  };
  const scanOf = (...images: string[]) => scanDocuments([{ file: 'Dockerfile', kind: 'dockerfile', text: dockerfileFrom(images) }]);
  const refs = () => [`${s.gun}:v1`, `${s.gun}:multi`, `${s.gun}:never-signed`, `${s.gun}@${s.images.v1!.digest}`];

  before(async () => {
    stack = await startStack({ keyAlgorithm: 'ed25519' });
    s = await buildTargetsOnly(stack);
    docker = await makeDockerConfig([{ host: stack.notary.host, caPem: stack.notary.caPem }]);
  });

  after(async () => {
    for (const c of cleanup) await c();
    await docker?.remove();
    await stack?.stop();
  });

  void it('the same references verify while the server is up', async () => {
    const h = await harness(docker.path);
    const statuses = (await h.check(scanOf(...refs()), policyFrom({ [stack.registry.host]: stack.notary.url }))).map((r) => r.status);
    assert.deepEqual(statuses, ['signed', 'signed', 'unsigned', 'signed']);
  });

  void it('a trust server on a closed loopback port: unverifiable, not unsigned', async () => {
    const closed = await freePort();
    const h = await harness(docker.path);
    const results = await h.check(scanOf(...refs()), policyFrom({ [stack.registry.host]: `https://127.0.0.1:${closed}` }));
    for (const r of results) assertUnverifiable(r);
    const attempts = h.trustRequests(s.gun);
    assert.ok(attempts.length >= 1);
    for (const a of attempts) assert.deepEqual([a.file, a.status], ['root.json', undefined]);
    assert.ok(h.requests.every((e) => e.errorCode === 'connection'), JSON.stringify(h.requests));
  });

  void it('a server whose certificate no configured CA signed: unverifiable', async () => {
    const noCa = await makeDockerConfig();
    cleanup.push(() => noCa.remove());
    const h = await harness(noCa.path);
    const results = await h.check(scanOf(...refs()), policyFrom({ [stack.registry.host]: stack.notary.url }));
    for (const r of results) assertUnverifiable(r);
    assert.ok(h.requests.length >= 1 && h.requests.every((e) => e.status === undefined && e.errorCode === 'tls'), JSON.stringify(h.requests));
  });

  void it('a 404 on root.json is no-trust-data, after that single request', async () => {
    const none = await buildNoTrustData(stack);
    const unknown = `${stack.registry.host}/nobody/ever-pushed`;
    const h = await harness(docker.path);
    const results = await h.check(scanOf(`${none.gun}:v1`, `${unknown}:v1`, `${none.gun}@${none.images.v1!.digest}`),
      policyFrom({ [stack.registry.host]: stack.notary.url }));
    for (const r of results) {
      assert.deepEqual([r.status, r.signedDigest, r.role, codesOf(r)], ['no-trust-data', null, null, ['no-trust-data']]);
      assert.equal(r.findings[0]!.severity, 'error');
    }
    for (const gun of [none.gun, unknown]) {
      assert.deepEqual(h.trustRequests(gun).map((x) => [x.method, x.file, x.status]), [['GET', 'root.json', 404]], gun);
    }
  });

  /** A loopback server that accepts connections and never sends a byte; returns its port. */
  const silentServer = async (): Promise<number> => {
    const sockets = new Set<Socket>();
    const silent: TcpServer = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanup.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    return (silent.address() as { port: number }).port;
  };

  for (const scheme of ['http', 'https'] as const) {
    void it(`a ${scheme} trust server that accepts connections and never answers: unverifiable, by a timeout`, async () => {
      const port = await silentServer();
      const h = await harness(docker.path, undefined, { timeoutMs: 400 });
      const started = Date.now();
      const results = await h.check(scanOf(...refs()), policyFrom({ [stack.registry.host]: `${scheme}://127.0.0.1:${port}` }));
      const elapsed = Date.now() - started;
      for (const r of results) assertUnverifiable(r);
      assert.ok(h.requests.length >= 1 && h.requests.every((e) => e.errorCode === 'timeout'), JSON.stringify(h.requests));
      assert.ok(elapsed < 15_000, `gave up after ${elapsed} ms`);
      // The connect timeout bounds a TLS handshake that never completes, so https keeps the budget too.
      assert.ok(elapsed < 3_000, `a 400 ms budget, but it gave up after ${elapsed} ms`);
    });
  }

  void it('a trust server answering 503 (retried) or 500: unverifiable', async () => {
    for (const status of [503, 500]) {
      const failing: HttpServer = createHttpServer((_req, res) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end('{"errors":[{"code":"UNAVAILABLE","message":"down for maintenance"}]}');
      });
      await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
      try {
        const port = (failing.address() as { port: number }).port;
        const h = await harness(docker.path);
        const results = await h.check(scanOf(...refs()), policyFrom({ [stack.registry.host]: `http://127.0.0.1:${port}` }));
        for (const r of results) assertUnverifiable(r);
        const statuses = h.trustRequests(s.gun).map((x) => [x.file, x.status]);
        assert.deepEqual(statuses, (status === 503 ? [1, 2, 3] : [1]).map(() => ['root.json', status]), `${status}: ${JSON.stringify(statuses)}`);
      } finally {
        failing.closeAllConnections();
        await new Promise<void>((resolve) => failing.close(() => resolve()));
      }
    }
  });

  void it('a repository deleted on the server: never signed, warm cache or cold (notary would still use its cached timestamp)', async () => {
    const owner = await createRepositoryOwner(stack, 'deleting');
    cleanup.push(() => owner.dispose());
    const repository = 'trustlens/deleted';
    const gun = `${stack.registry.host}/${repository}`;
    const image = await pushImage(stack.registry, repository, 'v1');
    await owner.cli.init(gun);
    await owner.cli.addHash(gun, 'v1', image.size, hexOf(image.digest));
    await owner.cli.publish(gun);
    const reader = await stack.newNotaryCli();
    assert.deepEqual((await reader.list(gun)).map((t) => t.name), ['v1']);
    const policy = policyFrom({ [stack.registry.host]: stack.notary.url });
    const warm = await harness(docker.path);
    assert.equal((await warm.check(scanOf(`${gun}:v1`), policy))[0]!.status, 'signed');

    await owner.deleteRemote(gun);
    const refreshed = await harness(docker.path, warm.cacheDir, { ttlMs: 0 });
    const [r] = await refreshed.check(scanOf(`${gun}:v1`), policy);
    assert.deepEqual([r!.status, r!.signedDigest, codesOf(r!)], ['invalid', null, ['invalid-trust-data']]);
    assert.match(r!.findings[0]!.message, /timestamp\.json -> 404/);
    const cold = await harness(docker.path);
    const [c] = await cold.check(scanOf(`${gun}:v1`), policy);
    assert.deepEqual([c!.status, codesOf(c!)], ['no-trust-data', ['no-trust-data']]);
    // The notary client falls back to its cached timestamp on a 404 and still lists the tag.
    const listed = await reader.run(['list', gun]);
    assert.match(listed.stdout, /^v1\s/m);
    assert.match(listed.stderr, /using cached timestamp/);
  });

  void it('a notary-server stopped in the middle of an update: unverifiable, and nothing of it is cached', async () => {
    const cache = await makeTempDir('trust-cache');
    cleanup.push(() => cache.remove());
    const events: RequestEvent[] = [];
    const inner = new UndiciHttpClient({ dockerConfigDir: docker.path, onRequest: (e) => events.push(e) });
    cleanup.push(() => inner.close());
    let stoppedBefore: string | undefined;
    // Stops the real server once timestamp.json has verified, just before the snapshot is asked for.
    const request = async (method: HttpMethod, url: string, options?: RequestOptions) => {
      const file = trustRequestOf({ method, url, status: undefined })?.file ?? '';
      if (stoppedBefore === undefined && file.startsWith('snapshot.')) {
        stoppedBefore = file;
        await stack.notary.stop();
      }
      return inner.request(method, url, options);
    };
    const http: HttpClient = {
      request,
      get: (url, o) => request('GET', url, o),
      head: (url, o) => request('HEAD', url, o),
      post: (url, body, o) => request('POST', url, { ...o, body }),
      put: (url, body, o) => request('PUT', url, { ...o, body }),
    };
    const backend = new DctUpdater({
      httpFor: () => http, store: new FileMetadataStore(cache.path), clock: systemClock, logger: nullLogger, ttlMs: DEFAULT_TTL_MS, timeoutMs: 15_000,
    });
    const service = new TrustService({ backend, clock: systemClock, logger: nullLogger, env: {} });
    const policy = policyFrom({ [stack.registry.host]: stack.notary.url });
    const results = await service.check(scanOf(...refs()), { policy });
    assert.match(stoppedBefore ?? '', /^snapshot\.[0-9a-f]{64}\.json$/);
    for (const r of results) assertUnverifiable(r);
    const seen = events.map((e) => [trustRequestOf(e)?.file.replace(/\.[0-9a-f]{64}\./, '.<sha256>.'), e.status]);
    assert.deepEqual(seen.slice(0, 2), [['root.json', 200], ['timestamp.json', 200]]);
    assert.ok(seen.slice(2).length >= 1 && seen.slice(2).every(([file, status]) => file === 'snapshot.<sha256>.json' && status === undefined), JSON.stringify(seen));

    // The next check, with the same cache and the server still down, has nothing verified to fall back on.
    const next = await harness(docker.path, cache.path);
    for (const r of await next.check(scanOf(...refs()), policy)) assertUnverifiable(r);
    assert.ok(next.requests.length >= 1, 'it asked the server instead of answering from a partial cache');
  });
});

function assertUnverifiable(r: CheckResult): void {
  const text = r.target.kind === 'reference' ? r.target.occurrence.text : '';
  assert.equal(r.status, 'unverifiable', `${text}: ${JSON.stringify(r.findings)}`);
  assert.deepEqual([r.signedDigest, r.role, r.signers, r.expires], [null, null, [], null], text);
  assert.deepEqual(r.findings.map((f) => [f.code, f.severity]), [['unverifiable', 'error']], text);
  assert.match(r.findings[0]!.message, /says nothing about whether it is signed/);
}
