import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TrustLensError, describeError } from '../../src/core/errors';

void describe('TrustLensError', () => {
  void it('is recognised by name and code', () => {
    const e = new TrustLensError('timeout', 'no answer in 5 s');
    assert.equal(TrustLensError.is(e), true);
    assert.equal(TrustLensError.is(e, 'timeout'), true);
    assert.equal(TrustLensError.is(e, 'other'), false);
    assert.equal(TrustLensError.is(new Error('x')), false);
  });
  void it('describes a cause once', () => {
    const e = new TrustLensError('network', 'GET failed', { cause: new Error('ECONNREFUSED') });
    assert.equal(describeError(e), 'GET failed: ECONNREFUSED');
  });
});
