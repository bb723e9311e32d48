import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustLensError } from '../../../src/core/errors';
import { parsePolicy } from '../../../src/core/policy/policyFile';
import { PolicyFileError } from '../../../src/core/policy/policyError';
import { loadGatePolicy } from '../../../src/core/policy/policyProblem';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected a throw');
}

void describe('PolicyFileError', () => {
  void it('carries the file, line, column and the message without them', () => {
    const e = thrown(() => parsePolicy('rules:\n  - images: ["a/**"]\n    bogus: 1\n', 'dir/.trustlens.yaml'));
    assert.ok(PolicyFileError.isPolicyFileError(e), String(e));
    assert.ok(TrustLensError.is(e, 'invalid-config'));
    assert.equal(e.file, 'dir/.trustlens.yaml');
    assert.equal(e.line, 3);
    assert.equal(e.column, 5);
    assert.equal(e.message, `dir/.trustlens.yaml:3:5: ${e.detail}`);
    assert.doesNotMatch(e.detail, /^dir\/\.trustlens\.yaml:/);
  });

  void it('is told apart by its fields, not its class, and a message that merely looks like a place is not one', () => {
    const copy = Object.assign(new TrustLensError('invalid-config', 'f:1:2: x'), { file: 'f', line: 1, column: 2, detail: 'x' });
    assert.ok(PolicyFileError.isPolicyFileError(copy));
    assert.ok(!PolicyFileError.isPolicyFileError(new TrustLensError('invalid-config', 'f:1:2: x')));
    assert.ok(!PolicyFileError.isPolicyFileError(new Error('f:1:2: x')));
  });

  void it('places a gate problem from its fields even when the file name holds a colon and digits', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trustlens-policy-'));
    try {
      const path = join(dir, 'odd:7:9: name.yaml');
      writeFileSync(path, 'expiryWarningDays: 14\nrules: 3\n');
      const { problem } = loadGatePolicy(path, 1 << 20);
      assert.ok(problem);
      assert.equal(problem.file, path);
      assert.deepEqual(problem.range?.start, { line: 1, character: 7 });
      assert.doesNotMatch(problem.message, /odd:7:9/);
      assert.match(problem.message, /^invalid policy file: "rules"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
