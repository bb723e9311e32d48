import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManifestKindCache, manifestKindOfError } from '../../../src/core/report/manifestKind';
import { NetError } from '../../../src/core/net/netError';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const INDEX = 'application/vnd.oci.image.index.v1+json';
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

function fakeRegistry(answers: Record<string, { isIndex: boolean; mediaType: string } | Error>) {
  const asked: string[] = [];
  let now = 0;
  const cache = new ManifestKindCache({
    clock: { now: () => new Date(now) },
    retryAfterMs: 1000,
    resolve: async (registry, repository, digest) => {
      asked.push(`${registry}/${repository}@${digest}`);
      const a = answers[digest];
      if (!a) throw new NetError('not-found', 'no such manifest', { status: 404 });
      if (a instanceof Error) throw a;
      return { digest, ...a };
    },
  });
  return { cache, asked, tick: (ms: number) => (now += ms) };
}

void describe('ManifestKindCache', () => {
  void it('asks the registry once per digest, whatever the repository', async () => {
    const { cache, asked } = fakeRegistry({ [D1]: { isIndex: true, mediaType: INDEX }, [D2]: { isIndex: false, mediaType: MANIFEST } });
    const [a, b] = await Promise.all([cache.get('r:5000', 'acme/app', D1), cache.get('r:5000', 'acme/app', D1)]);
    assert.deepEqual(a, { kind: 'index', mediaType: INDEX });
    assert.equal(a, b);
    assert.deepEqual(await cache.get('r:5000', 'other/app', D1), a);
    assert.deepEqual(await cache.get('r:5000', 'acme/app', D2), { kind: 'manifest', mediaType: MANIFEST });
    assert.deepEqual(asked, ['r:5000/acme/app@' + D1, 'r:5000/acme/app@' + D2]);
    assert.deepEqual(cache.peek(D1), a);
  });

  void it('says why the kind is unknown and asks again after a while', async () => {
    const { cache, asked, tick } = fakeRegistry({ [D1]: new NetError('connection', 'connect ECONNREFUSED 127.0.0.1:5999') });
    assert.deepEqual(await cache.get('r', 'a', D1), { kind: 'unknown', reason: 'unreachable', detail: 'connect ECONNREFUSED 127.0.0.1:5999' });
    await cache.get('r', 'a', D1);
    assert.equal(asked.length, 1, 'a failure is remembered for a while');
    tick(1000);
    await cache.get('r', 'a', D1);
    assert.equal(asked.length, 2);
    cache.forgetFailures();
    await cache.get('r', 'a', D1);
    assert.equal(asked.length, 3);
    assert.equal(cache.peek(D1), undefined);
  });

  void it('gives up on a registry that does not answer', async () => {
    const cache = new ManifestKindCache({
      clock: { now: () => new Date() },
      timeoutMs: 20,
      resolve: (_r, _p, _d, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new NetError('aborted', 'aborted')))),
    });
    assert.deepEqual(await cache.get('r', 'a', D1), { kind: 'unknown', reason: 'unreachable', detail: 'aborted' });
  });
});

void describe('manifestKindOfError', () => {
  void it('maps network failures to reasons', () => {
    assert.equal(manifestKindOfError(new NetError('timeout', 't')).kind, 'unknown');
    const reasons = (['timeout', 'tls', 'not-found', 'auth', 'credentials', 'bad-response'] as const).map((c) => {
      const k = manifestKindOfError(new NetError(c, c));
      return k.kind === 'unknown' ? k.reason : k.kind;
    });
    assert.deepEqual(reasons, ['unreachable', 'unreachable', 'not-found', 'denied', 'denied', 'failed']);
    const other = manifestKindOfError(new Error('boom'));
    assert.deepEqual(other, { kind: 'unknown', reason: 'failed', detail: 'boom' });
  });
});
