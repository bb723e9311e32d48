/**
 * What docker really pulls: each rule of buildkit's Dockerfile frontend that decides which images a
 * Dockerfile pulls, with the buildkit source it follows named in the test.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ScanResult } from '../../../src/core/model/occurrence';
import { scanDockerfile } from '../../../src/core/parse/dockerfile';

function scan(text: string, buildArgs: Record<string, string> = {}): ScanResult {
  return scanDockerfile('Dockerfile', text, { buildArgs: new Map(Object.entries(buildArgs)) });
}

/** `line:col kind reference` of each reference, 1-based. */
function refs(result: ScanResult): string[] {
  return result.references.map((r) => `${r.range.start.line + 1}:${r.range.start.character + 1} ${r.kind} ${r.ref.reference}`);
}

/** `line:col reason text` of each skipped value, 1-based. */
function skipped(result: ScanResult): string[] {
  return result.skipped.map((s) => `${s.range.start.line + 1}:${s.range.start.character + 1} ${s.reason} ${s.text}`);
}

void describe('Dockerfile references as buildkit reads them', () => {
  void it('COPY --from=<image> among other flags (instructions/parse.go parseCopy reads every flag with BFlags)', () => {
    const result = scan('FROM alpine:3.19\nCOPY --link --from=nginx:1.27 /a /b\nCOPY --from=busybox:1.36 --chown=1:1 /c /d\nCOPY --chmod=644 --from="redis:7" --link /e /f\n');
    assert.deepEqual(refs(result), [
      '1:6 from docker.io/library/alpine:3.19',
      '2:20 copy-from docker.io/library/nginx:1.27',
      '3:13 copy-from docker.io/library/busybox:1.36',
      '4:26 copy-from docker.io/library/redis:7',
    ]);
    assert.deepEqual(result.errors, []);
  });

  void it('ARG NAME value declares two ARGs without a default (instructions/parse.go parseArg, parser/line_parsers.go parseNameOrNameVal)', () => {
    const result = scan('ARG TAG 3.19\nFROM alpine:${TAG}\n');
    assert.deepEqual(refs(result), []);
    assert.deepEqual(skipped(result), ['2:6 variable-unresolved alpine:${TAG}']);
    assert.match(result.skipped[0]!.message, /TAG has no value; pass --build-arg TAG=<value>/);
    assert.deepEqual(refs(scan('ARG TAG 3.19\nFROM alpine:${TAG}\n', { TAG: '3.20' })), ['2:6 from docker.io/library/alpine:3.20']);
    // Quotes keep a value with blanks in one word, as parseWords does.
    assert.deepEqual(refs(scan('ARG A="alpine:3.19" B\nFROM $A\n')), ['2:6 from docker.io/library/alpine:3.19']);
  });

  void it('${v#p}, ${v##p}, ${v%p}, ${v%%p}, ${v/p/r}, ${v//p/r} in FROM (shell/lex.go processDollar)', () => {
    const result = scan('ARG VERSION=v3.19.1\nARG NODE=20-bookworm-slim\nARG REPO=library_alpine\nFROM alpine:${VERSION#v}\nFROM node:${NODE%%-*}\nFROM ${REPO//_//}:3\n');
    assert.deepEqual(refs(result), [
      '4:6 from docker.io/library/alpine:3.19.1',
      '5:6 from docker.io/library/node:20',
      '6:6 from docker.io/library/alpine:3',
    ]);
    for (const r of result.references) assert.equal(r.emptyVariables, undefined);
  });

  void it('a skip message never says a variable with a value has no value (shell/lex.go: an unsupported modifier is buildkit\'s error)', () => {
    const result = scan('ARG V=1\nFROM alpine:${V:x}\n');
    assert.deepEqual(skipped(result), ['2:6 variable-unresolved alpine:${V:x}']);
    assert.match(result.skipped[0]!.message, /unsupported modifier \(:x\) in substitution/);
    assert.doesNotMatch(result.skipped[0]!.message, /has no value/);
  });

  void it('no expansion in COPY --from or RUN --mount from= (dockerfile2llb/convert.go toCommand, instructions/commands_runmount.go parseMount)', () => {
    const result = scan('ARG IMG=nginx:1.27\nFROM alpine\nCOPY --from=${IMG} /a /b\nCOPY --from=$IMG /a /b\nRUN --mount=type=bind,from=$IMG,target=/x true\n');
    assert.deepEqual(refs(result), ['2:6 from docker.io/library/alpine:latest']);
    assert.deepEqual(skipped(result), [
      '3:13 variable-in-from ${IMG}',
      '4:13 variable-in-from $IMG',
      '5:28 variable-in-from $IMG',
    ]);
    assert.match(result.skipped[0]!.message, /variable expansion is not supported for --from/);
    assert.match(result.skipped[2]!.message, /'from' doesn't support variable expansion, define alias stage instead/);
  });

  void it('a --from naming a stage defined later is refused, never an image (dockerfile2llb/convert.go dispatch: "needs to be defined before current stage")', () => {
    const result = scan('FROM alpine AS final\nCOPY --from=build /out /out\nCOPY --from=1 /out /out\nRUN --mount=from=build,target=/b true\nFROM golang:1.22 AS build\n');
    assert.deepEqual(refs(result), ['1:6 from docker.io/library/alpine:latest', '5:6 from docker.io/library/golang:1.22']);
    assert.deepEqual(skipped(result), ['2:13 stage-order build', '3:13 stage-order 1', '4:18 stage-order build']);
    assert.equal(result.skipped[0]!.message, 'cannot copy from stage "build", it needs to be defined before current stage "final"');
    // An earlier stage, by name (any case) or by index, is a stage; an index past the last stage is an error.
    const earlier = scan('FROM golang:1.22 AS Build\nFROM alpine\nCOPY --from=BUILD /a /b\nCOPY --from=0 /a /b\nCOPY --from=7 /a /b\n');
    assert.deepEqual(skipped(earlier), ['3:13 stage-alias BUILD', '4:13 stage-alias 0', '5:13 invalid-reference 7']);
  });

  void it('FROM matches earlier stage names exactly as expanded, and a later stage name is an image (dockerfile2llb/convert.go addState)', () => {
    const result = scan('FROM alpine AS base\nFROM base\nFROM Base\nFROM later\nFROM busybox AS later\n');
    assert.deepEqual(skipped(result), ['2:6 stage-alias base', '3:6 invalid-reference Base']);
    assert.deepEqual(refs(result), ['1:6 from docker.io/library/alpine:latest', '4:6 from docker.io/library/later:latest', '5:6 from docker.io/library/busybox:latest']);
  });

  void it('parser directives only in the leading comment block (parser/directives.go DirectiveParser.ParseLine)', () => {
    const after = (lead: string) => scan(`${lead}# syntax=docker/dockerfile:1.7\nFROM alpine\n`).references.filter((r) => r.kind === 'syntax').length;
    assert.equal(after(''), 1);
    assert.equal(after('# escape=\\\n'), 1, 'after another directive');
    assert.equal(after('# unknown=1\n'), 0, 'after an unknown directive');
    assert.equal(after('# a plain comment\n'), 0, 'after a comment');
    assert.equal(after('\n'), 0, 'after a blank line');
    assert.equal(scan('FROM alpine\n# syntax=docker/dockerfile:1.7\n').references.length, 1, 'after an instruction');
    // An escape directive after a comment is a comment: the backslash still continues lines.
    assert.deepEqual(refs(scan('# hello\n# escape=`\nFROM alpine:3.19 \\\n  AS x\n')), ['3:6 from docker.io/library/alpine:3.19']);
    assert.match(scan('# syntax=a/b:1\n# syntax=c/d:2\nFROM alpine\n').errors[0]!.message, /only one syntax parser directive can be used/);
  });

  void it('a leading shebang is skipped when detecting # syntax= (parser/directives.go DetectSyntax, discardShebang)', () => {
    const result = scan('#!/usr/bin/env buildctl-daemonless.sh\n# syntax=docker/dockerfile:1.7 extra\nFROM alpine\n');
    assert.deepEqual(refs(result), ['2:10 syntax docker.io/docker/dockerfile:1.7', '3:6 from docker.io/library/alpine:latest']);
    assert.deepEqual(refs(scan('// syntax=docker/dockerfile:1.6\nFROM alpine\n')).slice(0, 1), ['1:11 syntax docker.io/docker/dockerfile:1.6']);
  });

  void it('a partly quoted heredoc word ends at its unquoted terminator (parser/parser.go heredocFromMatch)', () => {
    const result = scan("FROM alpine\nRUN <<eo'f'\nFROM not/an:image\neof\nFROM busybox:1.36\nCOPY <<\"EOF\" /x\nFROM also/not:1\nEOF\n");
    assert.deepEqual(refs(result), ['1:6 from docker.io/library/alpine:latest', '5:6 from docker.io/library/busybox:1.36']);
    assert.deepEqual(result.errors, []);
    const unterminated = scan('FROM alpine\nRUN <<EOF\necho\n');
    assert.match(unterminated.errors[0]!.message, /unterminated heredoc/);
  });

  void it('undeclared and valueless variables in FROM expand to empty (shell/lex.go getEnv, dockerfile2llb/convert.go buildMetaArgs)', () => {
    const result = scan('ARG EMPTY\nFROM python:3.12${FLAVOR:+-}${FLAVOR}\nFROM node:${NODE_TAG}\nFROM $EMPTY\n');
    assert.deepEqual(refs(result), ['2:6 from docker.io/library/python:3.12']);
    assert.deepEqual(result.references[0]!.emptyVariables, ['FLAVOR']);
    assert.deepEqual(skipped(result), ['3:6 variable-unresolved node:${NODE_TAG}', '4:6 variable-unresolved $EMPTY']);
    assert.match(result.skipped[0]!.message, /node:\$\{NODE_TAG\} expands to "node:", which is not a valid reference .*NODE_TAG has no value; declare ARG NODE_TAG before the first FROM and pass --build-arg NODE_TAG=<value>/);
    assert.match(result.skipped[1]!.message, /blank base name.*EMPTY has no value; pass --build-arg EMPTY=<value>/);
  });

  void it('platform ARGs are set by the build, so an image depending on them is not guessed (dockerfile2llb/platform.go defaultArgs)', () => {
    const result = scan('FROM alpine-${TARGETARCH}:3\n');
    assert.deepEqual(skipped(result), ['1:6 variable-unresolved alpine-${TARGETARCH}:3']);
    assert.match(result.skipped[0]!.message, /TARGETARCH is set by the build for its platform; pass --build-arg TARGETARCH=<value>/);
    assert.deepEqual(refs(scan('FROM alpine-${TARGETARCH}:3\n', { TARGETARCH: 'arm64' })), ['1:6 from docker.io/library/alpine-arm64:3']);
  });

  void it('a Dockerfile buildkit rejects is an error naming buildkit\'s reason (instructions/parse.go ParseInstruction, bflag.go, parser.go Parse)', () => {
    const first = (text: string) => scan(text).errors[0]?.message;
    assert.equal(first('FROM alpine\nFOO bar\n'), 'buildkit refuses this Dockerfile: unknown instruction: FOO');
    assert.equal(first('RUN true\nFROM alpine\n'), 'buildkit refuses this Dockerfile: no build stage in current context');
    assert.equal(first('FROM alpine AS\n'), 'buildkit refuses this Dockerfile: FROM requires either one or three arguments');
    assert.match(first('FROM alpine AS 1st\n') ?? '', /invalid name for build stage: "1st"/);
    assert.equal(first('FROM --plattform=linux/amd64 alpine\n'), 'buildkit refuses this Dockerfile: unknown flag: --plattform');
    assert.equal(first('FROM alpine\nCOPY --from=a --from=b /x /y\n'), 'buildkit refuses this Dockerfile: duplicate flag specified: --from');
    assert.equal(first('FROM alpine\nCOPY /x\n'), 'buildkit refuses this Dockerfile: COPY requires at least two arguments, but only one was provided. Destination could not be determined');
    assert.equal(first('FROM alpine\nENV A\n'), 'buildkit refuses this Dockerfile: ENV must have two arguments');
    assert.equal(first('# escape=x\nFROM alpine\n'), "buildkit refuses this Dockerfile: invalid escape token 'x' does not match ` or \\");
    assert.equal(first(''), 'buildkit refuses this Dockerfile: file with no instructions');
    assert.equal(scan('FROM alpine\nFOO bar\n').errors[0]!.range?.start.line, 1, 'at the instruction');
  });

  void it('comment and blank lines inside a continuation are skipped (parser/parser.go Parse)', () => {
    assert.deepEqual(refs(scan('FROM \\\n# a comment\n\n   alpine:3.19 AS x\n')), ['4:4 from docker.io/library/alpine:3.19']);
  });
});
