import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ScanResult } from '../../../src/core/model/occurrence';
import { scanDockerfile } from '../../../src/core/parse/dockerfile';
import { readFixture } from '../../helpers/fixtures';

const HEX = '0123456789abcdef'.repeat(4);

function scan(name: string, buildArgs: Record<string, string> = {}): ScanResult {
  return scanDockerfile(name, readFixture('dockerfiles', name), { buildArgs: new Map(Object.entries(buildArgs)) });
}

/** `line:col` (1-based) of each reference, with the normalised reference. */
function refs(result: ScanResult): string[] {
  return result.references.map((r) => `${r.range.start.line + 1}:${r.range.start.character + 1} ${r.kind} ${r.ref.reference}`);
}

function skipped(result: ScanResult): string[] {
  return result.skipped.map((s) => `${s.range.start.line + 1}:${s.range.start.character + 1} ${s.reason} ${s.text}`);
}

/** The text a range covers in the fixture. */
function textAt(name: string, r: ScanResult['references'][number]): string {
  const lines = readFixture('dockerfiles', name).split('\n');
  if (r.range.start.line === r.range.end.line) return lines[r.range.start.line]!.slice(r.range.start.character, r.range.end.character);
  return [lines[r.range.start.line]!.slice(r.range.start.character), ...lines.slice(r.range.start.line + 1, r.range.end.line), lines[r.range.end.line]!.slice(0, r.range.end.character)].join('\n');
}

void describe('scanDockerfile', () => {
  void it('reads every FROM form: tag, digest, tag@digest, --platform, AS, lower case, registry ports', () => {
    const result = scan('forms.Dockerfile');
    assert.deepEqual(refs(result), [
      '1:6 from docker.io/library/alpine:latest',
      '2:6 from docker.io/library/alpine:3.19',
      '3:29 from registry.example.com:5000/team/app:1.0',
      `4:6 from docker.io/library/alpine@sha256:${HEX}`,
      `5:6 from docker.io/library/alpine:3.19@sha256:${HEX}`,
      '6:6 from localhost/app:dev',
      '7:6 from docker.io/library/busybox:1.36',
      '8:7 from docker.io/quoted/image:1',
      '15:5 from docker.io/library/debian:12',
    ]);
    const pinned = result.references[2]!;
    assert.equal(pinned.platform, 'linux/arm64');
    assert.equal(pinned.stage, 'Pinned');
    assert.equal(result.references[1]!.stage, 'lower');
    assert.equal(result.references[0]!.ref.tag, null, 'the tag is implied, not written');
  });

  void it('covers exactly the image text, without quotes, across a line continuation', () => {
    const result = scan('forms.Dockerfile');
    for (const r of result.references) assert.equal(textAt('forms.Dockerfile', r), r.text);
    assert.equal(result.references[7]!.text, 'quoted/image:1');
    assert.equal(result.references[8]!.range.start.line, 14);
  });

  void it('skips scratch, stage aliases (case-insensitively) and invalid references with a reason', () => {
    assert.deepEqual(skipped(scan('forms.Dockerfile')), [
      '9:6 scratch scratch',
      '10:6 stage-alias pinned',
      '11:6 invalid-reference Alpine:3',
      '12:6 invalid-reference alpine:3.19@sha256:abc',
      '13:6 invalid-reference alpine::3',
    ]);
    const upper = scan('forms.Dockerfile').skipped[2]!;
    assert.match(upper.message, /must be lowercase/);
  });

  void it('finds the syntax directive, COPY --from and RUN --mount from= images, not stages or indexes', () => {
    const result = scan('multistage.Dockerfile');
    assert.deepEqual(refs(result), [
      '1:10 syntax docker.io/docker/dockerfile:1.7',
      '4:32 from docker.io/library/golang:1.22',
      '7:28 mount-from ghcr.io/acme/tools:2.1',
      '13:6 from docker.io/library/alpine:3.19',
      '16:13 copy-from docker.io/library/nginx:1.25',
    ]);
    assert.deepEqual(skipped(result), [
      '10:6 stage-alias build',
      '11:28 stage-alias build',
      '14:13 stage-alias build',
      '15:13 stage-alias 0',
    ]);
    assert.equal(result.references[1]!.platform, '$BUILDPLATFORM', 'an unresolvable platform is kept as written');
  });

  void it('is not confused by heredocs, comments, continuations and lower-case instructions', () => {
    const result = scan('heredoc.Dockerfile');
    assert.deepEqual(refs(result), [
      '1:6 from docker.io/library/alpine:3.19',
      '10:18 mount-from docker.io/library/busybox:1.36',
      '11:13 copy-from docker.io/library/nginx:1.25',
    ]);
    assert.deepEqual(result.skipped, []);
  });

  void it('honours the escape directive', () => {
    const result = scan('escape.Dockerfile');
    assert.deepEqual(refs(result), ['2:6 from mcr.microsoft.com/windows/servercore:ltsc2022']);
    assert.deepEqual(skipped(result), ['5:6 stage-alias base']);
  });

  void it("sees only the ARGs before the first FROM in FROM lines, and never expands --from (buildkit dockerfile2llb/convert.go)", () => {
    const result = scan('args.Dockerfile');
    assert.deepEqual(refs(result), [
      // global ARGs with defaults, defaults that use earlier ARGs, ${V:-d} and ${V:+alt}
      '6:6 from docker.io/library/node:20',
      // a default for an undeclared variable
      '17:6 from docker.io/library/debian:12',
    ]);
    assert.deepEqual(skipped(result), [
      '9:13 variable-in-from ${LOCAL}',
      '10:13 variable-in-from ${IMAGE}:22',
      '12:13 variable-in-from ${IMAGE}',
      '13:6 variable-unresolved $OPTIONAL',
      '14:6 variable-unresolved ${REGISTRY}/library/redis:${TAG}',
      // a stage ARG is not visible to a later FROM
      '15:6 variable-unresolved alpine:${LOCAL}',
    ]);
    assert.match(result.skipped[4]!.message, /TAG has no value; pass --build-arg TAG=<value>/);
    assert.match(result.skipped[5]!.message, /LOCAL has no value; declare ARG LOCAL before the first FROM/);
  });

  void it('applies build-arg overrides to declared ARGs only', () => {
    const result = scan('args.Dockerfile', { TAG: '22', VARIANT: 'slim', OPTIONAL: 'debian:bookworm', LOCAL: 'busybox:1.37', UNDECLARED: 'ubuntu' });
    assert.deepEqual(refs(result), [
      '6:6 from docker.io/library/node:22-slim',
      '13:6 from docker.io/library/debian:bookworm',
      '14:6 from docker.io/library/redis:22',
      '17:6 from docker.io/library/debian:12',
    ]);
    assert.deepEqual(skipped(result).filter((s) => !s.includes('variable-in-from')), ['15:6 variable-unresolved alpine:${LOCAL}']);
  });

  void it('records where an image written as one ARG comes from', () => {
    const text = 'ARG BASE=alpine:3.19\nARG DERIVED=${BASE}\nFROM ${BASE}\nFROM $DERIVED\n';
    const result = scanDockerfile('Dockerfile', text);
    const [direct, derived] = result.references;
    assert.deepEqual(direct!.argSource, { name: 'BASE', text: 'alpine:3.19', range: { start: { line: 0, character: 9 }, end: { line: 0, character: 20 } } });
    assert.equal(derived!.argSource, undefined, 'a default built from other variables is not an editable source');
    const overridden = scanDockerfile('Dockerfile', text, { buildArgs: new Map([['BASE', 'alpine:3.20']]) });
    assert.equal(overridden.references[0]!.argSource, undefined, 'a build-arg override is not in the file');
    assert.equal(overridden.references[0]!.ref.reference, 'docker.io/library/alpine:3.20');
  });

  void it('survives malformed input without throwing', () => {
    for (const text of ['FROM', 'FROM --platform=', 'ARG', 'COPY --from= /a /b', 'RUN --mount=from', '\u0000\uffff', 'FROM ${', 'FROM "unterminated', '\\', 'ONBUILD', 'RUN --mount="from=x']) {
      assert.doesNotThrow(() => scanDockerfile('Dockerfile', text), text);
    }
  });
});
