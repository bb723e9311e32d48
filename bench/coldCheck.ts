/**
 * The Docker Content Trust cold check, in a process of its own (printed as JSON for bench.ts): 20
 * repositories with 3 signed tags each on a real docker-registry and notary-server, signed with the
 * real notary CLI. Times, run after run in turn so that each sees the same machine:
 * - `trustlens check` of the 20 Dockerfiles as one process (Node start and bundle load included, a fresh cache);
 * - the same check in this process, as the editor runs it: code loaded, a fresh engine, connections and cache;
 * - `notary list` once per repository (a fresh trust dir each run);
 * - what a Node process costs before TrustLens runs: `node -e 0`, and `trustlens --version` (the bundle loaded).
 * Counts the engine's requests: cold, warm within the TTL, after the TTL.
 *
 * `node out/bench/coldCheck.js --serve` only sets the stack up and prints how to check it (to profile
 * `trustlens check` by hand, e.g. with `--cpu-prof` or `--verbose`), then keeps it up until interrupted.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { forgetParsedCertificates } from '../src/core/crypto/x509';
import { scanPaths } from '../src/core/parse/scanPaths';
import { parsePolicy } from '../src/core/policy/policyFile';
import { nullLogger, systemClock, type Clock } from '../src/core/ports';
import type { CheckResult } from '../src/core/trust/checkResult';
import { createDctBackend } from '../src/core/trust/dct/createBackend';
import { DctTrustBackend } from '../src/core/trust/dct/dctBackend';
import { MemoryMetadataStore } from '../src/core/trust/dct/metadataStore';
import { forgetVerifications } from '../src/core/trust/dct/tuf/verificationMemo';
import { pushImage } from '../test/helpers/stack/push';
import { hexOf } from '../test/helpers/stack/signers';
import { startStack } from '../test/helpers/stack/stack';
import { run } from './runCommand';

const ROOT = resolve(__dirname, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const REPOS = 20;
const TAGS_PER_REPO = 3;

/** What bench.ts reads. */
export interface ColdCheckFigures {
  repos: number;
  tags: number;
  runs: number;
  /** Medians, ms. */
  cliMs: number;
  /** The same process with a rule that requires DCT alone (no cosign or Notation requests), as `notary list` checks. */
  cliDctMs: number;
  inProcessMs: number;
  notaryMs: number;
  nodeStartMs: number;
  cliVersionMs: number;
  /** Requests of the in-process engine: cold, warm within the TTL, after the TTL. */
  cold: number;
  warm: number;
  afterTtl: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Fails the benchmark unless every tag was found signed: a fast wrong answer measures nothing. */
function expectAllSigned(what: string, statuses: readonly string[]): void {
  const signed = statuses.filter((s) => s === 'signed').length;
  if (signed !== REPOS * TAGS_PER_REPO) throw new Error(`${what} found ${signed} of ${REPOS * TAGS_PER_REPO} tags signed`);
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'trustlens-bench-dct-'));
  const stack = await startStack();
  try {
    // 20 repositories, 3 signed tags each, on the real registry and notary-server.
    const guns: string[] = [];
    const project = join(work, 'project');
    for (let r = 0; r < REPOS; r += 1) {
      const repository = `bench/app${r}`;
      const gun = `${stack.registry.host}/${repository}`;
      guns.push(gun);
      await stack.cli.init(gun);
      const lines: string[] = [];
      for (let t = 0; t < TAGS_PER_REPO; t += 1) {
        const image = await pushImage(stack.registry, repository, `1.${t}`);
        await stack.cli.addHash(gun, `1.${t}`, image.size, hexOf(image.digest));
        lines.push(`FROM ${gun}:1.${t} AS s${t}`);
      }
      await stack.cli.publish(gun);
      mkdirSync(join(project, `app${r}`), { recursive: true });
      writeFileSync(join(project, `app${r}`, 'Dockerfile'), `${lines.join('\n')}\n`);
    }
    const policyText = `trustServers:\n  "${stack.registry.host}": ${stack.notary.url}\n`;
    writeFileSync(join(project, '.trustlens.yaml'), policyText);
    const dockerConfig = join(work, 'docker');
    mkdirSync(join(dockerConfig, 'tls', stack.notary.host), { recursive: true });
    writeFileSync(join(dockerConfig, 'tls', stack.notary.host, 'ca.crt'), stack.notary.caPem ?? '');
    if (process.argv.includes('--serve')) {
      const notaryConfig = join(work, 'notary.json');
      writeFileSync(notaryConfig, JSON.stringify({ trust_dir: join(work, 'notary'), remote_server: { url: stack.notary.url, root_ca: stack.notary.caPath } }));
      console.log(`trustlens check ${project} --docker-config ${dockerConfig} --cache-dir $(mktemp -d)\nnotary -c ${notaryConfig} list ${guns[0]}`);
      await new Promise((done) => { process.once('SIGINT', done); process.once('SIGTERM', done); });
      return;
    }
    const scan = scanPaths([project]);
    const policy = parsePolicy(policyText);

    const cli = join(ROOT, 'dist', 'cli.js');
    // The same project with a rule that requires DCT alone: what a gate on Docker Content Trust writes.
    const dctOnly = join(work, 'project-dct');
    cpSync(project, dctOnly, { recursive: true });
    writeFileSync(join(dctOnly, '.trustlens.yaml'), `${policyText}rules:\n  - images: ["**"]\n    require: [dct]\n`);
    const figures = { cli: [] as number[], cliDct: [] as number[], inProcess: [] as number[], notary: [] as number[], nodeStart: [] as number[], cliVersion: [] as number[] };
    for (let i = 0; i < RUNS; i += 1) {
      // `trustlens check` as one process, with an empty cache.
      let out = '';
      figures.cli.push(await timed(async () => {
        out = await run(process.execPath, [cli, 'check', project, '--format', 'json', '--cache-dir', join(work, `cache${i}`), '--docker-config', dockerConfig]);
      }));
      expectAllSigned('trustlens check', (JSON.parse(out) as { results: { status: string }[] }).results.map((r) => r.status));
      figures.cliDct.push(await timed(async () => {
        out = await run(process.execPath, [cli, 'check', dctOnly, '--format', 'json', '--cache-dir', join(work, `cache-dct${i}`), '--docker-config', dockerConfig]);
      }));
      expectAllSigned('trustlens check with require: [dct]', (JSON.parse(out) as { results: { status: string }[] }).results.map((r) => r.status));

      // In this process: a fresh engine, connections and cache; the code is loaded.
      let results: CheckResult[] = [];
      // Nothing this process remembers counts: no certificate parsed and no signature verified before.
      forgetParsedCertificates();
      forgetVerifications();
      figures.inProcess.push(await timed(async () => {
        const { backend, close } = createDctBackend({
          dockerConfigDir: dockerConfig, allowCredentials: false, store: new MemoryMetadataStore(), clock: systemClock, logger: nullLogger, userAgent: 'trustlens-bench',
        });
        results = await new DctTrustBackend({ backend, clock: systemClock, logger: nullLogger, env: {} }).check(scan, { policy });
        await close();
      }));
      expectAllSigned('the in-process check', results.map((r) => r.status));

      // `notary list` once per repository, with a fresh trust dir.
      const config = join(work, `notary${i}.json`);
      writeFileSync(config, JSON.stringify({ trust_dir: join(work, `notary${i}`), remote_server: { url: stack.notary.url, root_ca: stack.notary.caPath } }));
      figures.notary.push(await timed(async () => {
        for (const gun of guns) await run('notary', ['-c', config, 'list', gun]);
      }));

      // What a process costs before it checks anything.
      figures.nodeStart.push(await timed(() => run(process.execPath, ['-e', '0'])));
      figures.cliVersion.push(await timed(() => run(process.execPath, [cli, '--version'])));
    }

    // Requests of one engine: cold, warm within the TTL, and after it.
    let requests = 0;
    let now = Date.now();
    const clock: Clock = { now: () => new Date(now) };
    const { backend, close } = createDctBackend({
      dockerConfigDir: dockerConfig, allowCredentials: false, store: new MemoryMetadataStore(), clock, logger: nullLogger,
      userAgent: 'trustlens-bench', ttlMs: 300_000, onRequest: () => { requests += 1; },
    });
    const service = new DctTrustBackend({ backend, clock, logger: nullLogger, env: {} });
    const counts: number[] = [];
    for (const advance of [0, 0, 301_000]) {
      now += advance;
      requests = 0;
      expectAllSigned('the engine', (await service.check(scan, { policy })).map((r) => r.status));
      counts.push(requests);
    }
    await close();

    const result: ColdCheckFigures = {
      repos: REPOS, tags: REPOS * TAGS_PER_REPO, runs: RUNS,
      cliMs: median(figures.cli), cliDctMs: median(figures.cliDct), inProcessMs: median(figures.inProcess), notaryMs: median(figures.notary),
      nodeStartMs: median(figures.nodeStart), cliVersionMs: median(figures.cliVersion),
      cold: counts[0]!, warm: counts[1]!, afterTtl: counts[2]!,
    };
    if (process.env.BENCH_VERBOSE) console.error(JSON.stringify(figures));
    console.log(JSON.stringify(result));
  } finally {
    await stack.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
