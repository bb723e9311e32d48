import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { untilAborted } from '../../../src/core/trust/abort';

void describe('untilAborted', () => {
  void it('leaves no unhandled rejection behind when the signal had already fired', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const controller = new AbortController();
      controller.abort();
      let fail!: (e: Error) => void;
      const work = new Promise<never>((_, reject) => (fail = reject));
      await assert.rejects(untilAborted(work, controller.signal), /cancelled/);
      fail(new Error('the work was cancelled too'));
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  void it('control: resolves with the work while the signal has not fired', async () => {
    assert.equal(await untilAborted(Promise.resolve(7), new AbortController().signal), 7);
  });
});
