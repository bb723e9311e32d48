// Times `trustlens refs` over a generated tree of 1,000 Dockerfiles (median of several runs).
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const FILES = Number(process.env.BENCH_FILES ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const dir = mkdtempSync(join(tmpdir(), 'trustlens-bench-refs-'));
try {
  for (let i = 0; i < FILES; i += 1) {
    const sub = join(dir, `svc${Math.floor(i / 50)}`, `app${i}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'Dockerfile'), [
      '# syntax=docker/dockerfile:1.7',
      `ARG BASE=alpine:3.${i % 20}`,
      'ARG GO=1.22',
      `FROM --platform=$BUILDPLATFORM golang:\${GO} AS build`,
      'RUN --mount=type=cache,target=/root/.cache \\',
      '    --mount=type=bind,from=ghcr.io/acme/tools:2.1,source=/t,target=/t \\',
      '    go build -o /out/app .',
      'FROM ${BASE}',
      'COPY --from=build /out/app /app',
      `COPY --from=nginx:1.${i % 30} /etc/nginx /etc/nginx`,
      'RUN <<EOF',
      'echo FROM not-an-image',
      'EOF',
      '',
    ].join('\n'));
  }
  const times = [];
  let count = 0;
  for (let run = 0; run < RUNS; run += 1) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ['dist/cli.js', 'refs', dir, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`trustlens refs failed: ${r.stderr}`);
    count = JSON.parse(r.stdout).references.length;
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`trustlens refs over ${FILES} Dockerfiles: ${count} references, median ${median.toFixed(0)} ms of ${RUNS} runs (min ${times[0].toFixed(0)} ms, max ${times.at(-1).toFixed(0)} ms)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
