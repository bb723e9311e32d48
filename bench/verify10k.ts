/**
 * Verifying a repository whose targets role holds 10,000 tags, as a check does it: parse each file's
 * JSON bytes, re-canonicalise the signed part, check hashes, lengths, signatures, versions and
 * expiry, build the targets index, then resolve a tag against it.
 *
 * Without arguments it writes such a repository to a temporary directory and runs itself on it in a
 * fresh process (`node verify10k.js <dir>`), so that the memory measured is the
 * verification's alone, not the generator's. Prints JSON:
 * - `firstMs`: the first verification in the process (cold: code not yet optimised);
 * - `medianMs`: the median of the following runs (warm, as the extension re-verifies its cache);
 * - `listSignedTagsMs`: the median time to list the signed tags in `docker trust inspect` order (an
 *   unsigned tag's message, a digest-only reference and the Signers view do), measured afterwards;
 * - `extraPeakRssMb`: the process's peak RSS (getrusage maxRSS) over all verification runs minus its RSS
 *   just before the first one, with the files already read; `firstPeakRssMb` the same after the first run;
 * - `retainedHeapMb`: heap still used by one verified result after a full GC;
 * - `maxRssMb`: the process's peak RSS over the verification runs, Node itself included.
 * File reads are not timed: the files are in memory before the first run, as after a download.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { listSignedTags, resolveTag } from '../src/core/trust/dct/tuf/resolveTag';
import { TrustedSet } from '../src/core/trust/dct/tuf/trustedSet';
import type { TrustData } from '../src/core/trust/dct/tuf/verifiedData';
import { TestRepo } from '../test/helpers/tufRepoBuilder';

const TAGS = 10_000;
const RUNS = Number(process.env.BENCH_VERIFY_RUNS ?? 15);
const GUN = 'registry.example.com/bench/big';
const ROLES = ['root', 'timestamp', 'snapshot', 'targets'] as const;

const tagOf = (i: number) => `1.${Math.floor(i / 100)}.${i % 100}`;
const digestOf = (i: number) => i.toString(16).padStart(8, '0').repeat(8);

/** Writes the repository's files into `dir`. */
function generate(dir: string): void {
  const repo = new TestRepo({ gun: GUN, now: new Date() });
  for (let i = 0; i < TAGS; i += 1) repo.addTarget('targets', tagOf(i), digestOf(i), 1000 + i);
  const files = repo.build();
  for (const role of ROLES) writeFileSync(join(dir, `${role}.json`), files[role]);
}

/** One verification as the updater runs it on downloaded bytes, then one tag resolved. */
function verify(files: Readonly<Record<string, Uint8Array>>): TrustData {
  const set = new TrustedSet({ gun: GUN });
  for (let request = set.nextRequest(); request; request = set.nextRequest()) {
    const bytes = files[request.role];
    if (!bytes) throw new Error(`no file for ${request.role}`);
    set.update(request.role, bytes);
  }
  const data = set.result();
  const probe = TAGS - 1;
  const resolution = resolveTag(data, tagOf(probe));
  if (resolution.status !== 'signed' || resolution.digest !== `sha256:${digestOf(probe)}`) throw new Error(`${tagOf(probe)} did not resolve`);
  return data;
}

/** A full garbage collection, with or without `--expose-gc`. */
const gc = ((): (() => void) => {
  if (global.gc) return global.gc;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/**
 * Heap used after full collections, once the concurrent sweeper has finished: right after `gc()` the
 * figure can still count garbage, so collect until two readings a moment apart agree.
 */
async function settledHeapUsed(): Promise<number> {
  let last = Infinity;
  for (let i = 0; i < 10; i += 1) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const used = process.memoryUsage().heapUsed;
    if (Math.abs(used - last) < 65_536) return Math.min(used, last);
    last = used;
  }
  return last;
}

async function measure(dir: string): Promise<void> {
  const files: Record<string, Uint8Array> = {};
  for (const role of ROLES) files[role] = new Uint8Array(readFileSync(join(dir, `${role}.json`)));
  const baselineHeap = await settledHeapUsed();
  const baselineRss = process.memoryUsage().rss;
  const maxRss = () => process.resourceUsage().maxRSS * 1024;
  const times: number[] = [];
  const listTimes: number[] = [];
  let firstPeak = 0;
  let kept: TrustData | undefined;
  for (let run = 0; run <= RUNS; run += 1) {
    const start = process.hrtime.bigint();
    const data = verify(files);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (Object.keys(data.targets.targets).length !== TAGS) throw new Error('not every tag verified');
    if (run === 0) firstPeak = maxRss();
    kept = data;
  }
  const peak = maxRss();
  const retainedHeap = (await settledHeapUsed()) - baselineHeap;
  if (!kept) throw new Error('nothing verified');
  // Listing, after the memory figures: each time on newly verified data (the list is kept per data).
  for (let run = 0; run <= RUNS; run += 1) {
    const data = verify(files);
    const listed = process.hrtime.bigint();
    if (listSignedTags(data).length !== TAGS) throw new Error('not every tag listed');
    if (run > 0) listTimes.push(Number(process.hrtime.bigint() - listed) / 1e6);
  }
  const [first, ...warm] = times as [number, ...number[]];
  warm.sort((a, b) => a - b);
  const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  console.log(JSON.stringify({
    tags: TAGS,
    targetsBytes: files.targets!.length,
    runs: warm.length,
    firstMs: Math.round(first * 10) / 10,
    medianMs: Math.round(warm[Math.floor(warm.length / 2)]! * 10) / 10,
    minMs: Math.round(warm[0]! * 10) / 10,
    listSignedTagsMs: Math.round(listTimes.sort((a, b) => a - b)[Math.floor(listTimes.length / 2)]! * 10) / 10,
    maxMs: Math.round(warm[warm.length - 1]! * 10) / 10,
    firstPeakRssMb: mb(firstPeak - baselineRss),
    extraPeakRssMb: mb(peak - baselineRss),
    retainedHeapMb: mb(retainedHeap),
    maxRssMb: mb(peak),
  }));
}

const given = process.argv[2];
if (given) {
  measure(given).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
} else {
  const dir = mkdtempSync(join(tmpdir(), 'trustlens-verify10k-'));
  try {
    generate(dir);
    const child = spawnSync(process.execPath, [__filename, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (child.status !== 0) throw new Error(`the measuring process failed (${child.status})`);
    process.stdout.write(child.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
