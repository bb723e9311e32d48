import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanText } from '../../../src/core/parse/scanText';
import { defaultPolicy } from '../../../src/core/policy/policy';
import type { Clock } from '../../../src/core/ports';
import type { RepositoryKey, RepositoryOutcome } from '../../../src/core/trust/dct/outcome';
import { FailureBackoff } from '../../../src/core/trust/failureBackoff';
import { DctTrustBackend as TrustService, type RepositoryUpdater as TrustBackend } from '../../../src/core/trust/dct/dctBackend';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const S = 1000;

function manualClock(): Clock & { advance(ms: number): void } {
  let now = Date.parse('2026-06-01T00:00:00Z');
  return { now: () => new Date(now), advance: (ms) => { now += ms; } };
}

/** A backend whose server is down until `up` is set; counts what it was asked. */
function flakyBackend(): { backend: TrustBackend; asked: string[]; up: boolean } {
  const state = {
    asked: [] as string[],
    up: false,
    backend: {
      id: 'flaky',
      update: async (key: RepositoryKey): Promise<RepositoryOutcome> => {
        state.asked.push(key.gun);
        return state.up ? { kind: 'no-trust-data', message: 'none' } : { kind: 'unverifiable', message: 'connect ECONNREFUSED 127.0.0.1:9' };
      },
      snapshotServerManaged: async () => undefined,
    } satisfies TrustBackend,
  };
  return state;
}

const DOCKERFILE = scanText('Dockerfile', 'dockerfile', 'FROM 127.0.0.1:9/team/app:1.0\nFROM 127.0.0.1:9/team/app:1.1\n');

void describe('FailureBackoff', () => {
  void it('holds a failure 30 s, doubling with each failure in a row up to 5 min; a success or a reset forgets it', () => {
    const clock = manualClock();
    const b = new FailureBackoff<string>(clock);
    assert.equal(b.current('r'), undefined);
    const waits: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const { retryAt } = b.failed('r', `failure ${i}`);
      waits.push((retryAt.getTime() - clock.now().getTime()) / S);
      clock.advance(retryAt.getTime() - clock.now().getTime() - 1);
      assert.equal(b.current('r'), `failure ${i}`, 'held until the wait is over');
      clock.advance(1);
      assert.equal(b.current('r'), undefined, 'asked again once it is over');
    }
    assert.deepEqual(waits, [30, 60, 120, 240, 300, 300, 300]);
    b.succeeded('r');
    assert.equal((b.failed('r', 'again').retryAt.getTime() - clock.now().getTime()) / S, 30, 'a success starts over');
    b.reset();
    assert.equal(b.current('r'), undefined);
    assert.equal((b.failed('r', 'after reset').retryAt.getTime() - clock.now().getTime()) / S, 30, 'a reset starts over');
  });
});

void describe('TrustService: an unverifiable repository is not asked on every re-check', () => {
  void it('answers re-checks from the held failure until the wait is over, asks at once on a forced refresh, and forgets it once the server answers', async () => {
    const clock = manualClock();
    const flaky = flakyBackend();
    const service = new TrustService({ backend: flaky.backend, clock, logger: quiet, env: {} });
    const check = async (force = false) => (await service.check(DOCKERFILE, { policy: defaultPolicy(), force })).map((r) => r.status);

    assert.deepEqual(await check(), ['unverifiable', 'unverifiable']);
    assert.equal(flaky.asked.length, 1, 'both references share one update');
    for (let i = 0; i < 5; i += 1) {
      clock.advance(5 * S);
      assert.deepEqual(await check(), ['unverifiable', 'unverifiable'], 'every keystroke still shows the failure');
    }
    assert.equal(flaky.asked.length, 1, 'but the server is not asked again within 30 s');
    const key = { server: 'https://127.0.0.1:9', gun: '127.0.0.1:9/team/app', registry: '127.0.0.1:9' };
    assert.equal((await service.repository(key)).kind, 'unverifiable');
    assert.equal(flaky.asked.length, 1, 'nor by a view that loads the repository');

    clock.advance(5 * S);
    await check();
    assert.equal(flaky.asked.length, 2, 'asked again after 30 s');
    clock.advance(59 * S);
    await check();
    assert.equal(flaky.asked.length, 2, 'then held 60 s');
    clock.advance(1 * S);
    await check();
    assert.equal(flaky.asked.length, 3);

    await check(true);
    assert.equal(flaky.asked.length, 4, 'Refresh asks now');
    clock.advance(30 * S);
    await check();
    assert.equal(flaky.asked.length, 5, 'and starts the wait over at 30 s');

    flaky.up = true;
    await check(true);
    assert.equal(flaky.asked.length, 6);
    assert.deepEqual(await check(), ['no-trust-data', 'no-trust-data']);
    assert.equal(flaky.asked.length, 7, 'only failures are held: other outcomes are the backend\'s to cache');
  });
});
