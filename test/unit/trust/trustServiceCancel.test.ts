import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TrustLensError } from '../../../src/core/errors';
import { scanText } from '../../../src/core/parse/scanText';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { systemClock } from '../../../src/core/ports';
import type { RepositoryKey, RepositoryOutcome } from '../../../src/core/trust/dct/outcome';
import { DctTrustBackend as TrustService, type RepositoryUpdater as TrustBackend } from '../../../src/core/trust/dct/dctBackend';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** A backend whose updates all wait until `finish()`; records which repositories it was asked for. */
function heldBackend(): { backend: TrustBackend; asked: string[]; finish(): void } {
  const asked: string[] = [];
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const backend: TrustBackend = {
    id: 'held',
    async update(key: RepositoryKey): Promise<RepositoryOutcome> {
      asked.push(key.gun);
      await done;
      return { kind: 'no-trust-data', message: 'the trust server has no trust data for this repository' };
    },
    snapshotServerManaged: async () => undefined,
  };
  return { backend, asked, finish };
}

/** 30 references over 12 repositories. */
const DOCKERFILE = Array.from({ length: 30 }, (_, i) => `FROM 127.0.0.1:5000/team/app${i % 12}:1.${i}`).join('\n');

void describe('TrustService.check cancellation', () => {
  void it('waits for many references with one abort listener: no MaxListenersExceededWarning, and aborting rejects at once', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const held = heldBackend();
      const service = new TrustService({ backend: held.backend, clock: systemClock, logger: quiet, env: {} });
      const controller = new AbortController();
      const checking = service.check(scanText('Dockerfile', 'dockerfile', DOCKERFILE), { policy: defaultPolicy(), signal: controller.signal });
      controller.abort();
      await assert.rejects(checking, (e: unknown) => TrustLensError.is(e, 'aborted'));
      // A check that is not cancelled gets every verdict once the updates finish.
      const again = service.check(scanText('Dockerfile', 'dockerfile', DOCKERFILE), { policy: defaultPolicy(), signal: new AbortController().signal });
      held.finish();
      const results = await again;
      assert.deepEqual([...new Set(results.map((r) => r.status))], ['no-trust-data']);
      assert.equal(results.length, 30);
      // Each repository was updated once: the cancelled check's updates went on and were shared.
      assert.equal(held.asked.length, 12);
      assert.equal(new Set(held.asked).size, 12);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(warnings.filter((w) => w === 'MaxListenersExceededWarning'), []);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
