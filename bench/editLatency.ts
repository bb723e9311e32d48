/**
 * Edit latency of the reader the editor uses (what the scan worker does on each edit of an open
 * document): a 5,000-line Dockerfile with 200 references, a 10,000-line compose file and a 10,000-line
 * Kubernetes manifest of 500 Deployments, each edited
 * 200 times by typing one character into a reference, every version read through the document's
 * session and, for comparison, afresh. Prints JSON: median and 90th percentile per edit, in ms.
 */
import { scanText } from '../src/core/parse/scanText';
import { ScanSession } from '../src/core/parse/scanSession';
import type { ScannableKind } from '../src/core/parse/fileKinds';
import { deploymentsManifest } from './manifest';

const EDITS = 200;

/** 100 stages of 50 lines: a FROM and a COPY --from image each (200 references), then RUN and ENV lines. */
function dockerfile(): string {
  const lines = ['# syntax=docker/dockerfile:1.7', 'ARG BASE=alpine:3.19', 'ARG GO=1.22'];
  for (let stage = 0; stage < 100; stage += 1) {
    lines.push(`FROM --platform=$BUILDPLATFORM golang:\${GO} AS build${stage}`);
    lines.push(`COPY --from=nginx:1.${stage % 30} /etc/nginx /etc/nginx${stage}`);
    for (let i = 0; i < 16; i += 1) {
      lines.push('RUN --mount=type=cache,target=/root/.cache \\', `    go build -o /out/app${i} ./cmd/${i}`);
      lines.push(`ENV KEY_${stage}_${i}=value${i} PATH=/usr/local/bin:$PATH`);
    }
  }
  return `${lines.slice(0, 5000).join('\n')}\n`;
}

function compose(): string {
  let text = 'services:\n';
  for (let i = 0; text.split('\n').length < 10_000; i += 1) {
    text += `  svc${i}:\n    image: ghcr.io/acme/svc${i}:\${TAG:-1.${i % 40}}\n    environment:\n      A: "1"\n      B: "2"\n    ports:\n      - "80${i % 100}:80"\n`;
  }
  return text;
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const pct = (xs: number[], p: number) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

/** Types one character into the value after `marker` at a pseudo-random one of its occurrences, then removes it again, alternately. */
function measure(kind: ScannableKind, text: string, marker: string): { lines: number; references: number; medianMs: number; p90Ms: number; freshMedianMs: number } {
  const at: number[] = [];
  for (let i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + 1)) at.push(i + marker.length);
  const session = new ScanSession();
  const lookup = () => undefined;
  const first = scanText('bench', kind, text, { session, lookup });
  const incremental: number[] = [];
  const fresh: number[] = [];
  let current = text;
  for (let n = 0; n < EDITS; n += 1) {
    const pos = at[(n * 7919) % at.length]!;
    current = n % 2 === 0 ? `${text.slice(0, pos)}x${text.slice(pos)}` : text;
    let t = performance.now();
    scanText('bench', kind, current, { session, lookup });
    incremental.push(performance.now() - t);
    t = performance.now();
    scanText('bench', kind, current, { lookup });
    fresh.push(performance.now() - t);
  }
  return { lines: text.split('\n').length - 1, references: first.references.length, medianMs: pct(incremental, 0.5), p90Ms: pct(incremental, 0.9), freshMedianMs: pct(fresh, 0.5) };
}

console.log(JSON.stringify({
  dockerfile: measure('dockerfile', dockerfile(), 'FROM --platform=$BUILDPLATFORM golang:'),
  compose: measure('compose', compose(), '    image: ghcr.io/acme/'),
  kubernetes: measure('kubernetes', deploymentsManifest(), '          image: registry.example.com/team/app'),
}));
