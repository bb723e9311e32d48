/**
 * `npm run bench`: TrustLens measured side by side with the real notary CLI on the same local
 * notary-server, in one run. Writes bench/RESULTS.md (medians and ratios, with machine and date),
 * keeping the hand-written sections below the table (from "## Missed goals: profile and fix" on).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { scanText } from '../src/core/parse/scanText';
import { deploymentsManifest } from './manifest';
import { Lexer, parseAllDocuments } from 'yaml';
import { ScanSession } from '../src/core/parse/scanSession';
import type { ColdCheckFigures } from './coldCheck';
import { run } from './runCommand';

const ROOT = resolve(__dirname, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (n: number) => `${n.toFixed(0)} ms`;

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** A multi-document manifest of `n` Deployments, 20 lines each, separated by `---`. */
async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'trustlens-bench-'));
  const rows: string[] = [];
  const handWrittenText = handWritten(join(ROOT, 'bench', 'RESULTS.md'));
  try {
    // 1. Docker Content Trust, cold: 20 repositories / 60 tags against `notary list` once per repository (a process of its own).
    const cli = join(ROOT, 'dist', 'cli.js');
    const d = JSON.parse((await promisify(execFile)(process.execPath, [join(ROOT, 'out', 'bench', 'coldCheck.js')], { encoding: 'utf8', maxBuffer: 1 << 24 })).stdout.trim().split('\n').pop()!) as ColdCheckFigures;
    const coldNote = 'Cold check of 20 repositories / 60 tags';
    rows.push(`| Cold check, ${d.repos} repositories / ${d.tags} tags: \`trustlens check\` as one process (Node start and bundle load included, a fresh cache) vs \`notary list\` once per repository | ${ms(d.cliMs)} vs ${ms(d.notaryMs)} | **${(d.notaryMs / d.cliMs).toFixed(1)}×** faster | ${ratioGoal(d.notaryMs / d.cliMs, 2, coldNote, handWrittenText)} |`);
    rows.push(`| The same \`trustlens check\` process with a rule \`require: [dct]\` (Docker Content Trust alone, as \`notary list\` checks: no cosign or Notation requests) | ${ms(d.cliDctMs)} vs ${ms(d.notaryMs)} | ${(d.notaryMs / d.cliDctMs).toFixed(1)}× faster | |`);
    rows.push(`| The same check in one process (the editor's case: code loaded, a fresh engine, connections and cache) vs \`notary list\` once per repository | ${ms(d.inProcessMs)} vs ${ms(d.notaryMs)} | **${(d.notaryMs / d.inProcessMs).toFixed(1)}×** faster | ${ratioGoal(d.notaryMs / d.inProcessMs, 5, coldNote, handWrittenText)} |`);
    rows.push(`| What a process costs before it checks anything: \`node -e 0\` / \`trustlens --version\` (Node start and the CLI bundle loaded) | ${ms(d.nodeStartMs)} / ${ms(d.cliVersionMs)} | | |`);

    // 2. Requests of the same engine: warm within the TTL, and after it.
    rows.push(`| Requests: cold / warm within the TTL / after the TTL (${d.repos} unchanged repositories) | ${d.cold} / **${d.warm}** / **${d.afterTtl}** | ${(d.afterTtl / d.repos).toFixed(1)} per repository after the TTL | warm 0; after the TTL ≤ 1 per repository |`);

    // 2b. cosign: 20 cosign-signed images, cold, against `cosign verify --key` per image; requests warm and after the TTL.
    const cosignRun = await promisify(execFile)(process.execPath, [join(ROOT, 'out', 'bench', 'cosignVerify.js')], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const c = JSON.parse(cosignRun.stdout.trim().split('\n').pop()!) as { images: number; trustlensMs: number; inProcessMs: number; cosignMs: number; cold: number; warm: number; afterTtl: number };
    rows.push(`| Cold check of ${c.images} cosign-signed images (the real cosign signed them, \`--tlog-upload=false\`) in one process (the editor's case: code loaded, fresh engine and cache) vs \`cosign verify --key\` once per image | ${ms(c.inProcessMs)} vs ${ms(c.cosignMs)} | **${(c.cosignMs / c.inProcessMs).toFixed(1)}×** faster | ≥ 5× |`);
    rows.push(`| The same as one \`trustlens check\` process (fresh cache; Node start and bundle load included) vs \`cosign verify --key\` once per image | ${ms(c.trustlensMs)} vs ${ms(c.cosignMs)} | ${(c.cosignMs / c.trustlensMs).toFixed(1)}× faster | |`);
    rows.push(`| cosign requests: cold / warm within the TTL / after the TTL (${c.images} unchanged images) | ${c.cold} / **${c.warm}** / ${c.afterTtl} | | warm 0 |`);

    // 3. Verifying a targets role with 10,000 tags (it measures itself in a process of its own).
    const verify = await promisify(execFile)(process.execPath, [join(ROOT, 'out', 'bench', 'verify10k.js')], { encoding: 'utf8' });
    const v = JSON.parse(verify.stdout) as {
      runs: number; firstMs: number; medianMs: number; listSignedTagsMs: number; extraPeakRssMb: number; firstPeakRssMb: number; retainedHeapMb: number;
      maxRssMb: number; targetsBytes: number;
    };
    rows.push(`| Verify a targets role with 10,000 tags (${(v.targetsBytes / 1048576).toFixed(1)} MB file): parse the bytes, re-canonicalise, hashes, signatures, build the tag index, resolve a tag. Time: median of ${v.runs} warm runs (first run in a fresh process) / memory: peak RSS above the RSS before verifying, for one verification (over all ${v.runs + 1} runs in a row; heap kept by the result) | ${ms(v.medianMs)} (first ${ms(v.firstMs)}) / ${v.firstPeakRssMb.toFixed(1)} MB (${v.extraPeakRssMb.toFixed(1)} MB; ${v.retainedHeapMb.toFixed(1)} MB) | | < 150 ms / < 50 MB |`);
    rows.push(`| List those 10,000 signed tags in \`docker trust inspect\` order (an unsigned tag's message, the Signers view), median | ${ms(v.listSignedTagsMs)} | | |`);

    // Notation: 20 images with the Notation project's real signature, verified cold in one process (a process of its own).
    const n = JSON.parse((await promisify(execFile)(process.execPath, [join(ROOT, 'out', 'bench', 'notation.js')], { encoding: 'utf8' })).stdout) as {
      images: number; coldMs: number; coldRequests: number; warmRequests: number; verifyMedianMs: number; verifyFirstMs: number; verifyMaxMs: number;
    };
    rows.push(notationRow(n));

    // 4. `trustlens refs` over 1,000 Dockerfiles.
    const refsDir = join(work, 'refs');
    for (let i = 0; i < 1000; i += 1) {
      mkdirSync(join(refsDir, `svc${i % 20}`, `app${i}`), { recursive: true });
      cpSync(join(ROOT, 'test', 'fixtures', 'dockerfiles', 'multistage.Dockerfile'), join(refsDir, `svc${i % 20}`, `app${i}`, 'Dockerfile'));
    }
    const refsMs: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      refsMs.push(await timed(async () => {
        await run(process.execPath, [cli, 'refs', refsDir, '--format', 'json']);
      }));
    }
    rows.push(`| \`trustlens refs\` over 1,000 Dockerfiles | ${ms(median(refsMs))} | | < 2 s |`);

    // 4b. Edit latency of the reader the editor uses (it measures itself in a process of its own).
    const edits = await promisify(execFile)(process.execPath, [join(ROOT, 'out', 'bench', 'editLatency.js')], { encoding: 'utf8' });
    type Latency = { lines: number; references: number; medianMs: number; p90Ms: number; freshMedianMs: number };
    const e = JSON.parse(edits.stdout) as { dockerfile: Latency; compose: Latency; kubernetes: Latency };
    const msf = (n: number) => `${n.toFixed(1)} ms`;
    rows.push(`| Edit latency: re-read a ${e.dockerfile.lines.toLocaleString('en')}-line Dockerfile with ${e.dockerfile.references} references after typing one character (what the scan worker does per edit; cache warm, no request), median / 90th percentile of 200 edits (a full read: median) | **${msf(e.dockerfile.medianMs)}** / **${msf(e.dockerfile.p90Ms)}** (${msf(e.dockerfile.freshMedianMs)}) | | < 30 ms / < 60 ms |`);
    rows.push(`| Edit latency: re-read a ${e.compose.lines.toLocaleString('en')}-line compose file with ${e.compose.references.toLocaleString('en')} services (one YAML document: compose refuses more), median / 90th percentile (a full read: median) | **${msf(e.compose.medianMs)}** / **${msf(e.compose.p90Ms)}** (${msf(e.compose.freshMedianMs)}) | | < 50 ms |`);

    // 4c. Kubernetes: a 10,000-line manifest of 500 Deployments; `trustlens refs` over 1,000 of them.
    const manifest = deploymentsManifest(500);
    rows.push(`| Kubernetes, in the extension host (code-server, the production bundles), trust data cached: a ${e.kubernetes.lines.toLocaleString('en')}-line manifest of 500 Deployments opened (a first read) → its first diagnostics set (its first documents', before the rest is read; in brackets, from the document's arrival in the extension host) / → all its diagnostics set / → \`onDidChangeDiagnostics\` with all of them (fired 50 ms after they are set) / one image edited → the updated diagnostics set (in brackets, → \`onDidChangeDiagnostics\` with them), medians | ${readManifestLatency()} | | < 50 ms (first findings; an edit) |`);
    rows.push(`| Edit latency: re-read that manifest after typing one character into an image (what the scan worker does per edit: only the edited YAML document is lexed and parsed again; the others' findings are moved), median / 90th percentile of 200 edits (a full read: median) | **${msf(e.kubernetes.medianMs)}** / **${msf(e.kubernetes.p90Ms)}** (${msf(e.kubernetes.freshMedianMs)}) | | < 50 ms |`);
    rows.push(`| Opening that manifest in the reader, in process (what the scan worker does on a first read): → its first findings (its first documents', before the rest is read) / → all of them, medians | ${manifestFirstRead(manifest)} | | |`);
    const phases = manifestPhases(manifest);
    rows.push(`| Where a full read of that manifest goes, medians: the \`yaml\` lexer alone / \`yaml\` lex, parse and compose / the rest (the nesting check on the parser's tokens, reading the images) | ${phases} | | |`);
    const k8sDir = join(work, 'k8s');
    for (let i = 0; i < 1000; i += 1) {
      mkdirSync(join(k8sDir, `team${i % 20}`), { recursive: true });
      writeFileSync(join(k8sDir, `team${i % 20}`, `app${i}.yaml`), manifest);
    }
    const k8sMs = await timed(async () => {
      await run(process.execPath, [cli, 'refs', k8sDir, '--format', 'json']);
    });
    rows.push(`| \`trustlens refs\` over 1,000 such manifests (${(manifest.length * 1000 / 1048576).toFixed(0)} MB of YAML, 500,000 images), one run | ${ms(k8sMs)} | | < 3 s |`);

    // 5. Bundle size (production build).
    await run(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--production'], { cwd: ROOT });
    const kb = (file: string) => statSync(join(ROOT, 'dist', file)).size / 1024;
    const [bundle, engine] = [kb('extension.js'), kb('engine.js')];
    await run(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT });
    rows.push(`| Extension bundle, minified: \`dist/extension.js\`, what activation loads (\`dist/engine.js\`, loaded on the first check) | **${bundle.toFixed(0)} KB** (${engine.toFixed(0)} KB; ${(bundle + engine).toFixed(0)} KB together) | | ≤ 600 KB |`);
    rows.push(`| Extension activation in code-server 4.100.3 (VS Code 1.100.3): VS Code's Running Extensions figure (of which: requiring \`dist/extension.js\`; running \`activate()\`) | ${readActivation()} | | < 50 ms |`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const cpu = cpus();
  const report = `# Benchmark results

Run with \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 1073741824).toFixed(0)} GB memory, Node ${process.version}. TrustLens and the notary CLI ${'(notary 0.7)'} run against the same local notary-server; every timing is the median of ${RUNS} runs.

| Measure | Result | Ratio | Goal |
|---|---|---|---|
${rows.join('\n')}
`;
  writeFileSync(join(ROOT, 'bench', 'RESULTS.md'), `${report}${handWrittenText}`);
  console.log(report);
}

/** The Notation row of the table, from bench/notation.ts's figures. */
export function notationRow(n: { images: number; coldMs: number; coldRequests: number; warmRequests: number; verifyMedianMs: number; verifyFirstMs: number; verifyMaxMs: number }): string {
  const beyond = (n.coldRequests - n.images) / n.images;
  return `| Notation: ${n.images} images with the Notation project's real signature (a real docker-registry, which has no referrers API), verified cold in one process: the whole check / requests, cold (per image beyond its manifest) / warm within the TTL / verification per image without the network, median (first; slowest) | ${n.coldMs.toFixed(0)} ms / ${n.coldRequests} (**${beyond.toFixed(2)}**) / **${n.warmRequests}** / **${n.verifyMedianMs.toFixed(1)} ms** (${n.verifyFirstMs.toFixed(1)} ms; ${n.verifyMaxMs.toFixed(1)} ms) | | ≤ 3 requests per image beyond the manifest / warm 0 / < 10 ms |`;
}

/**
 * The goal cell of a row whose figure is a ratio: the goal, and when the figure misses it, where the
 * hand-written profile-and-fix note is (a missing note is reported, so that no missed goal goes unexplained).
 */
export function ratioGoal(ratio: number, goal: number, note: string, handWrittenText: string): string {
  if (ratio >= goal) return `≥ ${goal}×`;
  if (!handWrittenText.includes(`### ${note}`)) console.error(`bench: the goal ≥ ${goal}× is missed and RESULTS.md has no section "### ${note}…" saying why`);
  return `≥ ${goal}×: missed, see *${note}* below`;
}

/** Sections of RESULTS.md written by hand (from the first one on): kept when the table is regenerated. */
const HAND_WRITTEN_FROM = '\n## Missed goals: profile and fix';

function handWritten(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  const at = text.indexOf(HAND_WRITTEN_FROM);
  return at < 0 ? '' : text.slice(at);
}

/** Medians of the manifest latencies `scripts/bench.sh` had the editor suite record just before this run. */
function readManifestLatency(): string {
  try {
    const m = JSON.parse(readFileSync(join(ROOT, 'out', 'vscode-metrics.json'), 'utf8')) as {
      manifestLatency: {
        openedToFirstShownMs: number[]; firstShownMs: number[]; firstShownCount: number[]; allShownMs: number[]; openMs: number[]; editShownMs: number[]; diagnosticsMs: number[]; requests: number;
      };
    };
    const { openedToFirstShownMs, firstShownMs, firstShownCount, allShownMs, openMs, editShownMs, diagnosticsMs, requests } = m.manifestLatency;
    const first = `**${ms(median(firstShownMs))}** (**${ms(median(openedToFirstShownMs))}**; ${median(firstShownCount)} of 50 diagnostics)`;
    return `${first} / ${ms(median(allShownMs))} / ${ms(median(openMs))} / **${ms(median(editShownMs))}** (${ms(median(diagnosticsMs))}; ${requests} requests)`;
  } catch {
    return 'not measured (run the editor tests first)';
  }
}

/** Where a full read of a manifest goes: each phase timed on its own, medians of 15 runs after 3. */
function manifestPhases(text: string): string {
  const time = (f: () => unknown): number => {
    for (let i = 0; i < 3; i += 1) f();
    const runs: number[] = [];
    for (let i = 0; i < 15; i += 1) {
      const started = performance.now();
      f();
      runs.push(performance.now() - started);
    }
    return median(runs);
  };
  const lex = time(() => [...new Lexer().lex(text)]);
  const parse = time(() => [...parseAllDocuments(text, { merge: true, uniqueKeys: false }) as Iterable<unknown>]);
  const whole = time(() => scanText('m.yaml', 'kubernetes', text));
  return `${ms(lex)} / ${ms(parse)} / ${ms(Math.max(0, whole - parse))} (${ms(whole)} in all)`;
}

/** A first read of a manifest through a new session, as the scan worker does when it opens: medians of 15 runs after 3. */
function manifestFirstRead(text: string): string {
  const first: number[] = [];
  const all: number[] = [];
  let found = 0;
  let total = 0;
  for (let i = 0; i < 18; i += 1) {
    const started = performance.now();
    let firstAt = Number.NaN;
    const result = scanText('m.yaml', 'kubernetes', text, {
      session: new ScanSession(),
      onFirst: (f) => {
        firstAt = performance.now();
        found = f.references.length;
      },
    });
    if (i < 3) continue;
    first.push(firstAt - started);
    all.push(performance.now() - started);
    total = result.references.length;
  }
  return `**${ms(median(first))}** (${found} of ${total} references) / ${ms(median(all))}`;
}

/** The activation times `scripts/bench.sh` had the editor suite record just before this run. */
function readActivation(): string {
  try {
    const m = JSON.parse(readFileSync(join(ROOT, 'out', 'vscode-metrics.json'), 'utf8')) as { activationMs: number; activationCodeLoadMs: number; activateCallMs: number };
    return `${ms(m.activationMs)} (**${ms(m.activationCodeLoadMs)}**; **${ms(m.activateCallMs)}**)`;
  } catch {
    return 'not measured (run the editor tests first)';
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
