import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NetError, type NetErrorCode } from '../../../src/core/net/netError';
import { nullLogger, type Clock } from '../../../src/core/ports';
import { UnreachableRegistries } from '../../../src/core/trust/unreachableRegistries';

function manualClock(): Clock & { advance(ms: number): void } {
  let now = Date.parse('2026-06-01T00:00:00Z');
  return { now: () => new Date(now), advance: (ms) => { now += ms; } };
}

/** A registry call that fails with `code` (or answers) and counts how often it was made. */
function call(outcome: NetErrorCode | 'ok') {
  const state = {
    made: 0,
    run: async (): Promise<string> => {
      state.made += 1;
      if (outcome === 'ok') return 'answer';
      throw new NetError(outcome, `failed: ${outcome}`, { url: 'http://127.0.0.1:9/v2/' });
    },
  };
  return state;
}

void describe('UnreachableRegistries', () => {
  for (const code of ['connection', 'timeout', 'tls'] as const) {
    void it(`holds a registry after a ${code} failure, per registry, saying until when; force asks again`, async () => {
      const clock = manualClock();
      const registries = new UnreachableRegistries(clock, nullLogger);
      const down = call(code);
      await assert.rejects(registries.ask('down:5000', false, down.run), { code, message: `failed: ${code} (down:5000 is not asked again before 2026-06-01T00:00:30.000Z unless refreshed)` });
      clock.advance(29_999);
      await assert.rejects(registries.ask('down:5000', false, down.run), { code, message: /not asked again before 2026-06-01T00:00:30\.000Z/ });
      assert.equal(down.made, 1, 'held: not asked');
      const other = call('ok');
      assert.equal(await registries.ask('up:5000', false, other.run), 'answer', 'another registry is asked');
      await assert.rejects(registries.ask('down:5000', true, down.run), { code });
      assert.equal(down.made, 2, 'force asks');
    });
  }

  for (const code of ['not-found', 'auth', 'http-status', 'bad-response', 'aborted'] as const) {
    void it(`a ${code} failure is the registry answering (or the caller giving up): never held`, async () => {
      const registries = new UnreachableRegistries(manualClock(), nullLogger);
      const answering = call(code);
      await assert.rejects(registries.ask('r:5000', false, answering.run), { code, message: `failed: ${code}` });
      await assert.rejects(registries.ask('r:5000', false, answering.run), { code });
      assert.equal(answering.made, 2);
    });
  }

  void it('an answer ends the hold: the next failure waits 30 s again', async () => {
    const clock = manualClock();
    const registries = new UnreachableRegistries(clock, nullLogger);
    await assert.rejects(registries.ask('r:5000', false, call('connection').run));
    clock.advance(30_000);
    await assert.rejects(registries.ask('r:5000', false, call('connection').run), { message: /before 2026-06-01T00:01:30\.000Z/ }, 'a second failure in a row waits 60 s');
    clock.advance(60_000);
    assert.equal(await registries.ask('r:5000', false, call('ok').run), 'answer');
    await assert.rejects(registries.ask('r:5000', false, call('connection').run), { message: /before 2026-06-01T00:02:00\.000Z/ });
  });
});
