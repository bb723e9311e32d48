/**
 * The cosign benchmark, in a process of its own (printed as JSON for bench.ts): 20 images on a real
 * docker-registry 2.8.2, each signed by the real cosign 2.5.0 (`cosign sign --key --tlog-upload=false`).
 * Times a cold check of all 20 against `cosign verify --key` run once per image: in this process (the
 * editor's case: code loaded, a fresh engine and cache) and as one `trustlens check` process (a fresh
 * cache). Counts the requests of a cold check, a warm re-check within the TTL, and one after it.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import '../src/core/composition/backends';
import { scanPaths } from '../src/core/parse/scanPaths';
import { parsePolicy } from '../src/core/policy/policyFile';
import { nullLogger, systemClock, type Clock } from '../src/core/ports';
import { createRegistryTransport } from '../src/core/net/registryTransport';
import { cosignBackend } from '../src/core/trust/cosign/createCosignBackend';
import { createTrustEngine } from '../src/core/trust/trustService';
import { cosign, sigstoreTool } from '../test/helpers/sigstore/tools';
import { pushImage } from '../test/helpers/stack/push';
import { startRegistry } from '../test/helpers/stack/registry';

const ROOT = resolve(__dirname, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const IMAGES = 20;
const PASSWORD = 'bench';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'trustlens-bench-cosign-'));
  const registry = await startRegistry();
  try {
    await cosign(['generate-key-pair', '--output-key-prefix', join(work, 'cosign')], { password: PASSWORD, cwd: work });
    const project = join(work, 'project');
    const references: string[] = [];
    for (let i = 0; i < IMAGES; i += 1) {
      const repository = `bench/cosign${i}`;
      const image = await pushImage(registry, repository, '1.0');
      await cosign(['sign', '--key', join(work, 'cosign.key'), '--tlog-upload=false', '--allow-insecure-registry', '-y', `${registry.host}/${repository}@${image.digest}`], { password: PASSWORD });
      references.push(`${registry.host}/${repository}:1.0`);
      mkdirSync(join(project, `app${i}`), { recursive: true });
      writeFileSync(join(project, `app${i}`, 'Dockerfile'), `FROM ${references[i]}\n`);
    }
    const policyText = `rules:\n  - images: ["**"]\n    require: [cosign]\n    cosign:\n      keys: [${join(work, 'cosign.pub')}]\n`;
    writeFileSync(join(project, '.trustlens.yaml'), policyText);

    // Cold: one `trustlens check` of the 20 images vs `cosign verify --key` once per image.
    const cli = join(ROOT, 'dist', 'cli.js');
    const cosignBin = sigstoreTool('cosign');
    const env = { ...process.env, COSIGN_PASSWORD: '', HOME: work, TUF_ROOT: join(work, 'tuf') };
    const trustlensMs: number[] = [];
    const inProcessMs: number[] = [];
    const cosignMs: number[] = [];
    const scan = scanPaths([project]);
    const policy = parsePolicy(policyText, join(project, '.trustlens.yaml'));
    for (let run = 0; run < RUNS; run += 1) {
      inProcessMs.push(await timed(async () => {
        const transport = createRegistryTransport({ dockerConfigDir: join(work, 'docker'), allowCredentials: false, clock: systemClock, logger: nullLogger, userAgent: 'trustlens-bench' });
        const engine = createTrustEngine({ clock: systemClock, logger: nullLogger, transport, backends: [cosignBackend({ ttlMs: 300_000, cacheDir: join(work, `process-cache${run}`) })] });
        const signed = (await engine.check(scan, { policy })).filter((r) => r.status === 'signed').length;
        await engine.close();
        if (signed !== IMAGES) throw new Error(`the engine found ${signed} of ${IMAGES} images signed`);
      }));
      trustlensMs.push(await timed(async () => {
        const out = await promisify(execFile)(process.execPath, [cli, 'check', project, '--format', 'json', '--cache-dir', join(work, `cache${run}`), '--docker-config', join(work, 'docker')], { encoding: 'utf8', maxBuffer: 1 << 26 });
        const signed = (JSON.parse(out.stdout) as { results: { status: string }[] }).results.filter((r) => r.status === 'signed').length;
        if (signed !== IMAGES) throw new Error(`trustlens check found ${signed} of ${IMAGES} images signed`);
      }));
      cosignMs.push(await timed(async () => {
        for (const reference of references) {
          await promisify(execFile)(cosignBin, ['verify', '--key', join(work, 'cosign.pub'), '--insecure-ignore-tlog', '--allow-insecure-registry', reference], { encoding: 'utf8', env });
        }
      }));
    }

    // Requests of the engine in this process: cold, warm within the TTL, after it.
    let requests = 0;
    let now = Date.now();
    const clock: Clock = { now: () => new Date(now) };
    const transport = createRegistryTransport({ dockerConfigDir: join(work, 'docker'), allowCredentials: false, clock, logger: nullLogger, userAgent: 'trustlens-bench', onRequest: () => { requests += 1; } });
    const engine = createTrustEngine({ clock, logger: nullLogger, transport, backends: [cosignBackend({ ttlMs: 300_000, cacheDir: join(work, 'engine-cache') })] });
    const counts: number[] = [];
    for (const advance of [0, 0, 301_000]) {
      now += advance;
      requests = 0;
      const results = await engine.check(scan, { policy });
      if (results.filter((r) => r.status === 'signed').length !== IMAGES) throw new Error('the engine did not find every image signed');
      counts.push(requests);
    }
    await engine.close();
    console.log(JSON.stringify({ images: IMAGES, runs: RUNS, trustlensMs: median(trustlensMs), inProcessMs: median(inProcessMs), cosignMs: median(cosignMs), cold: counts[0], warm: counts[1], afterTtl: counts[2] }));
  } finally {
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
