import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rankTagsByCloseness } from '../../../src/core/model/tagDistance';

void describe('rankTagsByCloseness', () => {
  void it('puts the same major and minor first, then numeric distance, then natural order, latest last', () => {
    const tags = ['latest', '4.0', '3.18', '2.0', '3.19.1', '3.20', '3.19.0', 'edge', '3.9', '3.19.10'];
    assert.deepEqual(rankTagsByCloseness('3.19', tags), ['3.19.0', '3.19.1', '3.19.10', '3.18', '3.20', '3.9', '2.0', '4.0', 'edge', 'latest']);
  });

  void it('compares numbers, not strings', () => {
    assert.deepEqual(rankTagsByCloseness('1.10', ['1.9', '1.2', '1.11', '1.100']), ['1.9', '1.11', '1.2', '1.100']);
  });

  void it('prefers the same suffix among equally close versions', () => {
    assert.deepEqual(rankTagsByCloseness('3.19-alpine', ['3.19.1', '3.19.1-alpine', '3.18-alpine']), ['3.19.1-alpine', '3.19.1', '3.18-alpine']);
  });

  void it('reads a leading v as a version', () => {
    assert.deepEqual(rankTagsByCloseness('v1.2.3', ['v2.0.0', '1.2.4', 'v1.3.0']), ['1.2.4', 'v1.3.0', 'v2.0.0']);
  });

  void it('orders tags that are no version after versions, naturally', () => {
    assert.deepEqual(rankTagsByCloseness('1', ['beta', 'alpha', '2', 'latest']), ['2', 'alpha', 'beta', 'latest']);
  });

  void it('puts tags containing a word tag first when the current tag is no version', () => {
    assert.deepEqual(rankTagsByCloseness('bookworm', ['latest', '12', 'bookworm-slim', '12-bookworm', 'bookworm']), ['bookworm', '12-bookworm', 'bookworm-slim', '12', 'latest']);
  });

  void it('uses natural order without a current tag, latest last, and drops duplicates', () => {
    assert.deepEqual(rankTagsByCloseness(null, ['latest', '1.10', '1.9', '1.9']), ['1.9', '1.10', 'latest']);
    assert.deepEqual(rankTagsByCloseness('3.19', []), []);
  });

  void it('ranks the current tag itself first when it is offered', () => {
    assert.deepEqual(rankTagsByCloseness('2.1', ['2.0', '2.1', '2.2'])[0], '2.1');
  });
});
