/**
 * Faults on the way to trust data: a closed port, an unknown CA, a repository the server has no root
 * for, and a notary-server that stops in the middle of an update. Only a 404 on root.json means "no
 * trust data"; every failure to reach or trust the server is `unverifiable`, never signed or unsigned.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpClient, HttpMethod, RequestEvent, RequestOptions } from '../../src/core/net/http';
import { UndiciHttpClient } from '../../src/core/net/undiciHttpClient';
import { nullLogger, systemClock } from '../../src/core/ports';
import type { CheckResult } from '../../src/core/trust/checkResult';
import { DEFAULT_TTL_MS } from '../../src/core/trust/dct/createBackend';
import { DctUpdater } from '../../src/core/trust/dct/updater';
import { FileMetadataStore } from '../../src/core/trust/metadataStore';
import { TrustService } from '../../src/core/trust/trustService';
import { freePort } from '../helpers/stack/ports';
import { buildNoTrustData, buildTargetsOnly, type Scenario } from '../helpers/stack/scenarios';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeTempDir } from '../helpers/stack/tempDir';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';
import { codesOf, dockerfileFrom, policyFrom, scanDocuments } from '../helpers/trust/documents';
import { createTrustHarness, trustRequestOf, type TrustHarness } from '../helpers/trust/harness';

void describe('trust check faults on the real stack', () => {
  let stack: Stack;
  let s: Scenario;
  let docker: TestDockerConfig;
  const cleanup: Array<() => Promise<void>> = [];
  const harness = async (dockerConfigDir: string, cacheDir?: string): Promise<TrustHarness> => {
    const h = await createTrustHarness({ dockerConfigDir, cacheDir });
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
