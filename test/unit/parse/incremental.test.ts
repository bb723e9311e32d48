/**
 * Reading a document again after an edit (the editor's case) gives exactly what reading it afresh
 * gives: random edit sequences on Dockerfiles (insert, delete, split a line with a continuation, open
 * a heredoc, change the escape directive, type a character) and on compose files (add, remove and
 * type into services, the environment changing), each version compared with a fresh read. The same
 * seeds every run.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DockerfileReader, scanDockerfile } from '../../../src/core/parse/dockerfile';
import { ScanSession } from '../../../src/core/parse/scanSession';
import { scanText } from '../../../src/core/parse/scanText';
import { Prng } from '../../fuzz/generators';

/** The result of a read, or the limit it stopped at, comparable with deepEqual. */
function outcome(read: () => unknown): unknown {
  try {
    return read();
  } catch (e) {
    return { threw: (e as Error).message };
  }
}

const DOCKERFILE_LINES = [
  'ARG BASE=alpine:3.19',
  'ARG TAG',
  'ARG VARIANT=-slim',
  'FROM ${BASE} AS base',
  'FROM python:3.12${VARIANT} AS build',
  'FROM --platform=$BUILDPLATFORM golang:${TAG:-1.22} AS go',
  'FROM base',
  'FROM scratch',
  'COPY --from=nginx:1.27 /a /b',
  'COPY --link --from=base /c /d',
  'COPY --from=0 /e /f',
  'COPY --from=go /g /h',
  'RUN --mount=type=bind,from=busybox:1.36,target=/t true',
  'RUN --mount=type=cache,target=/root/.cache \\',
  '    --mount=type=bind,from=ghcr.io/acme/tools:2.1,target=/tool \\',
  '    go build ./...',
  'RUN <<EOF',
  'echo hello',
  'EOF',
  'COPY <<-"CONF" /etc/app.conf',
  '\tkey=value',
  'CONF',
  'ENV A=b C="d e"',
  'LABEL org.opencontainers.image.source=x',
  '# a comment',
  '',
  'ONBUILD RUN echo',
  'WORKDIR /src',
  'FROM ${BASE%:*}:${TAG#v}',
  'COPY `',
  '  --from=redis:7 /x /y',
];

function randomDockerfile(rng: Prng, lines: number): string {
  const out = ['# syntax=docker/dockerfile:1.7', 'ARG BASE=alpine:3.19', 'FROM ${BASE} AS base'];
  for (let i = 0; i < lines; i += 1) out.push(rng.pick(DOCKERFILE_LINES));
  return `${out.join('\n')}\n`;
}

/** Offsets where the lines of `text` begin. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i += 1) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

const EDITS = ['insert', 'delete', 'split', 'heredoc', 'escape', 'type', 'backspace', 'stage'] as const;

/** One random edit of a Dockerfile, of the kinds an editor makes. */
function editDockerfile(rng: Prng, text: string): string {
  const starts = lineStarts(text);
  const at = rng.pick(starts);
  const anywhere = rng.int(0, text.length);
  switch (rng.pick(EDITS)) {
    case 'insert':
      return `${text.slice(0, at)}${rng.pick(DOCKERFILE_LINES)}\n${text.slice(at)}`;
    case 'delete': {
      const end = starts[Math.min(starts.indexOf(at) + rng.int(1, 3), starts.length - 1)]!;
      return text.slice(0, at) + text.slice(end);
    }
    case 'split':
      // Split a line in two with a line continuation (the escape token of either kind).
      return `${text.slice(0, anywhere)} ${rng.pick(['\\', '`'])}\n  ${text.slice(anywhere)}`;
    case 'heredoc':
      // Open a heredoc, terminated further down or not at all.
      return `${text.slice(0, at)}RUN <<${rng.pick(['EOF', '-EOF', '"EOF"'])}\n${text.slice(at)}`;
    case 'escape':
      return text.startsWith('# escape=`\n') ? text.slice('# escape=`\n'.length) : `# escape=\`\n${text}`;
    case 'type':
      return text.slice(0, anywhere) + rng.pick(['a', ' ', '$', '{', '}', ':', '-', '"', '\\', '=', '\n', '1', 'EOF\n']) + text.slice(anywhere);
    case 'backspace':
      return anywhere > 0 ? text.slice(0, anywhere - 1) + text.slice(anywhere) : text;
    case 'stage':
      return `${text}FROM ${rng.pick(['base', 'build', 'redis:7'])} AS s${rng.int(0, 9)}\n`;
  }
}

const COMPOSE_SERVICE = [
  (n: number) => `  s${n}:\n    image: nginx:1.\${MINOR:-27}\n`,
  (n: number) => `  s${n}:\n    image: "redis:7"\n    platform: linux/\${ARCH:-amd64}\n`,
  (n: number) => `  s${n}:\n    build: .\n    image: ghcr.io/acme/app:\${TAG}\n`,
  (n: number) => `  s${n}: &x${n}\n    image: busybox:1.36\n`,
  (n: number) => `  s${n}:\n    <<: *x0\n`,
  (n: number) => `  s${n}:\n    image: \${UNSET}\n`,
  (n: number) => `  s${n}:\n    image: [1]\n`,
];

let serviceNames = 0;

function randomCompose(rng: Prng, services: number): string {
  let doc = `services:\n  base: &x0\n    image: busybox:1.36\n`;
  for (let s = 0; s < services; s += 1) doc += rng.pick(COMPOSE_SERVICE)((serviceNames += 1));
  return doc;
}

function editCompose(rng: Prng, text: string): string {
  // Whole services added and removed after the anchored first one, and typing into images.
  const starts = lineStarts(text).filter((at) => at > 40 && /^ {2}\S/.test(text.slice(at, at + 3)));
  starts.push(text.length);
  const at = rng.pick(starts);
  const anywhere = rng.int(40, text.length);
  switch (rng.int(0, 5)) {
    case 0:
      return text.slice(0, at) + rng.pick(COMPOSE_SERVICE)((serviceNames += 1)) + text.slice(at);
    case 1: {
      const end = starts[Math.min(starts.indexOf(at) + 1, starts.length - 1)]!;
      return text.slice(0, at) + text.slice(end);
    }
    case 2: {
      // Type into an image value (which may break it, or the YAML).
      const image = text.indexOf('image: ', anywhere);
      const at = image < 0 ? anywhere : image + 'image: '.length + rng.int(0, 6);
      return text.slice(0, at) + rng.pick(['a', ' ', '$', '{', '}', ':', '-', '"', '1']) + text.slice(at);
    }
    case 3: {
      // Change one image's tag in place.
      const image = text.indexOf('image: ', anywhere);
      return image < 0 ? text : `${text.slice(0, image)}image: alpine:3.${rng.int(10, 20)}${text.slice(text.indexOf('\n', image))}`;
    }
    case 4:
      return text.slice(0, at) + rng.pick(COMPOSE_SERVICE)((serviceNames += 1)) + text.slice(at);
    default:
      return anywhere > 0 ? text.slice(0, anywhere - 1) + text.slice(anywhere) : text;
  }
}

void describe('reading a document again after an edit', () => {
  void it('gives what a fresh read of the Dockerfile gives, on random edit sequences', () => {
    let instructions = 0;
    let parsed = 0;
    let resumed = 0;
    for (let seed = 1; seed <= 40; seed += 1) {
      const rng = new Prng(seed);
      const reader = new DockerfileReader();
      let text = randomDockerfile(rng, rng.int(5, 60));
      const buildArgs = new Map(seed % 3 === 0 ? [['TAG', '1.23']] : []);
      for (let step = 0; step < 60; step += 1) {
        const incremental = outcome(() => reader.read('Dockerfile', text, { buildArgs }));
        const fresh = outcome(() => scanDockerfile('Dockerfile', text, { buildArgs }));
        assert.deepEqual(incremental, fresh, `seed ${seed}, step ${step}: ${JSON.stringify(text)}`);
        if (!(incremental as { threw?: string }).threw && step > 0) {
          instructions += reader.stats.instructions;
          parsed += reader.stats.parsed;
          if (reader.stats.resumedAt > 0) resumed += 1;
        }
        text = editDockerfile(rng, text);
      }
    }
    // Not a vacuous comparison: most instructions were reused, and many reads resumed midway.
    assert.ok(parsed < instructions / 5, `${parsed} of ${instructions} instructions parsed again`);
    assert.ok(resumed > 500, `${resumed} reads resumed after the first instruction`);
  });

  void it('gives what a fresh read of a compose file gives, on random edit sequences', () => {
    let computed = 0;
    let services = 0;
    const env = new Map([['MINOR', '25'], ['TAG', 'v1']]);
    for (let seed = 1; seed <= 30; seed += 1) {
      const rng = new Prng(1000 + seed);
      const session = new ScanSession();
      let text = randomCompose(rng, rng.int(1, 30));
      for (let step = 0; step < 40; step += 1) {
        // The environment changes now and then: a reused service must see it.
        if (step % 13 === 12) env.set('MINOR', String(step));
        const lookup = (name: string) => env.get(name);
        const incremental = scanText('compose.yaml', 'compose', text, { lookup, session });
        const fresh = scanText('compose.yaml', 'compose', text, { lookup });
        assert.deepEqual(incremental, fresh, `seed ${seed}, step ${step}: ${JSON.stringify(text)}`);
        if (step > 0) {
          computed += session.compose.computed;
          services += incremental.references.length + incremental.skipped.length;
        }
        text = editCompose(rng, text);
      }
    }
    assert.ok(computed < services / 3, `${computed} of ${services} services worked out again`);
  });

  void it('gives what a fresh read gives when the same session reads a Dockerfile, then a compose file', () => {
    const session = new ScanSession();
    const dockerfile = 'FROM alpine:3.19\n';
    const compose = 'services:\n  a:\n    image: nginx:1.27\n';
    for (const [kind, text] of [['dockerfile', dockerfile], ['compose', compose], ['dockerfile', dockerfile]] as const) {
      assert.deepEqual(scanText('f', kind, text, { session }), scanText('f', kind, text));
    }
  });
});
