/**
 * Where the Dockerfile library (dockerfile-ast) reads an instruction differently from buildkit's
 * Dockerfile frontend, what TrustLens makes of it: buildkit's reading where it can be had from the
 * library's words, else an error on the instruction and nothing taken from it. Never a reference that
 * buildkit would not pull, silently.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ScanResult } from '../../../src/core/model/occurrence';
import { scanDockerfile } from '../../../src/core/parse/dockerfile';

function scan(text: string): ScanResult {
  return scanDockerfile('Dockerfile', text);
}

function refs(result: ScanResult): string[] {
  return result.references.map((r) => `${r.range.start.line + 1}:${r.range.start.character + 1} ${r.kind} ${r.ref.reference}`);
}

function errors(result: ScanResult): string[] {
  return result.errors.map((e) => `${(e.range?.start.line ?? -1) + 1} ${e.message}`);
}

void describe('Dockerfile library readings corrected to buildkit', () => {
  void it('removes quotes from a flag name as extractBuilderFlags does (--f"rom"=x is --from)', () => {
    const result = scan('FROM alpine:3.19\nCOPY --f"rom"=nginx:1.27 /a /b\n');
    assert.deepEqual(refs(result), ['1:6 from docker.io/library/alpine:3.19', '2:15 copy-from docker.io/library/nginx:1.27']);
    assert.deepEqual(errors(result), []);
  });

  void it('keeps a byte-order mark inside the file as part of the keyword (buildkit drops it only at the start)', () => {
    const control = scan('\ufeffFROM alpine:3.19\n');
    assert.deepEqual(control.references.map((r) => r.ref.reference), ['docker.io/library/alpine:3.19']);
    assert.deepEqual(errors(control), []);
    const result = scan('FROM alpine:3.19\n\ufeffFROM nginx:1.27\n');
    assert.deepEqual(refs(result), ['1:6 from docker.io/library/alpine:3.19']);
    assert.deepEqual(errors(result), ['2 buildkit refuses this Dockerfile: unknown instruction: \ufeffFROM']);
  });

  void it('does not take an escaped blank within a line for a line break (buildkit: only at the end of a line)', () => {
    // buildkit: `\ ` before the flags ends them, so --from is an argument and nothing is pulled by it.
    const result = scan('FROM alpine:3.19\nCOPY \\ --from=nginx:1.27 /a /b\nFROM \\ busybox:1.36\n');
    assert.deepEqual(refs(result), ['1:6 from docker.io/library/alpine:3.19']);
    assert.equal(result.errors.length, 2);
    for (const e of result.errors) assert.match(e.message, /^not read: the escape character \\ followed by a blank/);
    assert.deepEqual(result.errors.map((e) => (e.range?.start.line ?? -1) + 1), [2, 3]);
    // Control: a line continuation is read as one.
    const control = scan('FROM alpine:3.19\nCOPY \\\n  --from=nginx:1.27 /a /b\n');
    assert.deepEqual(refs(control), ['1:6 from docker.io/library/alpine:3.19', '3:10 copy-from docker.io/library/nginx:1.27']);
    assert.deepEqual(errors(control), []);
  });

  void it('refuses a flag that buildkit ends elsewhere: a quoted blank, a blank the library does not count', () => {
    const result = scan('FROM alpine:3.19\nRUN --mount=type=bind,"from=nginx:1.27 x",target=/t true\nCOPY --from=nginx:1.27\u00a0/a /b\n');
    assert.deepEqual(refs(result), ['1:6 from docker.io/library/alpine:3.19']);
    assert.deepEqual(result.errors.map((e) => (e.range?.start.line ?? -1) + 1), [2, 3]);
    for (const e of result.errors) assert.match(e.message, /^not read: a flag that buildkit and the Dockerfile library end in different places/);
    // Control: quotes closed within the flag.
    const control = scan('FROM alpine:3.19\nRUN --mount=type=bind,"from=nginx:1.27",target=/t true\n');
    assert.deepEqual(refs(control), ['1:6 from docker.io/library/alpine:3.19', '2:29 mount-from docker.io/library/nginx:1.27']);
    assert.deepEqual(errors(control), []);
  });

  void it('reads --from among any other flags from the library, in either order', () => {
    const result = scan('FROM alpine:3.19 AS base\nCOPY --chown=1:1 --link --from=nginx:1.27 --chmod=644 /a /b\nCOPY --from=base --link /c /d\n');
    assert.deepEqual(refs(result), ['1:6 from docker.io/library/alpine:3.19', '2:32 copy-from docker.io/library/nginx:1.27']);
    assert.deepEqual(result.skipped.map((s) => `${s.reason} ${s.text}`), ['stage-order base']);
  });
});
