/**
 * package.json is read by VS Code, vsce and the bundler: a key written twice in one object keeps only
 * its last value, silently, so each object names each key once.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { visit } from 'jsonc-parser';
import { repositoryRoot } from '../../helpers/trust/cli';

/** Every key an object of `text` names more than once, with its JSON path. */
function duplicateKeys(text: string): string[] {
  const open: Set<string>[] = [];
  const found: string[] = [];
  visit(text, {
    onObjectBegin: () => {
      open.push(new Set());
    },
    onObjectEnd: () => {
      open.pop();
    },
    onObjectProperty: (name, _offset, _length, _line, _column, pathSupplier) => {
      const keys = open[open.length - 1]!;
      if (keys.has(name)) found.push([...pathSupplier(), name].join('.'));
      keys.add(name);
    },
  });
  return found;
}

describe('package.json', () => {
  it('names each key once per object', () => {
    assert.deepEqual(duplicateKeys(readFileSync(join(repositoryRoot(), 'package.json'), 'utf8')), []);
  });

  it('the check finds a key written twice (control)', () => {
    assert.deepEqual(duplicateKeys('{"a": {"b": 1, "c": 2, "b": 3}, "b": 4}'), ['a.b']);
  });
});
