import assert from 'node:assert/strict';
import { isNetError, type NetError } from '../../../src/core/net/netError';

/** Awaits a request that must fail, and returns its NetError (failing the test on anything else). */
export async function netFailure(promise: Promise<unknown>): Promise<NetError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(isNetError(e), `expected a NetError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the request to fail');
}
