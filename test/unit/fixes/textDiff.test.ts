import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { minimalEdit } from '../../../src/core/fixes/textDiff';

function apply(before: string, e: { start: number; end: number; text: string }): string {
  return before.slice(0, e.start) + e.text + before.slice(e.end);
}

void describe('minimalEdit', () => {
  void it('keeps the common prefix and suffix', () => {
    const before = 'ignore:\n  - a\nrules: []\n';
    const after = 'ignore:\n  - a\n  - b\nrules: []\n';
    const e = minimalEdit(before, after);
    assert.deepEqual(e, { start: 14, end: 14, text: '  - b\n' });
    assert.equal(apply(before, e), after);
  });

  void it('handles identical, empty and fully different texts', () => {
    assert.deepEqual(minimalEdit('abc', 'abc'), { start: 3, end: 3, text: '' });
    assert.deepEqual(minimalEdit('', 'x: 1\n'), { start: 0, end: 0, text: 'x: 1\n' });
    assert.equal(apply('abc', minimalEdit('abc', 'xyz')), 'xyz');
    assert.equal(apply('aaa', minimalEdit('aaa', 'aaaa')), 'aaaa');
  });

  void it('never splits a surrogate pair', () => {
    const before = 'x: \u{1F600}\n';
    const after = 'x: \u{1F601}\n';
    const e = minimalEdit(before, after);
    assert.equal(e.text, '\u{1F601}');
    assert.equal(apply(before, e), after);
  });
});
