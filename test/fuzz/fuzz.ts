/**
 * The fuzz target: `npm run fuzz [-- --seconds N] [--seed S] [--case N] [--out DIR]`.
 *
 * Generates inputs for the Dockerfile, compose, `.env`, policy, Kubernetes, kustomize, Helm values, devcontainer and CI readers from a seed (printed, so a
 * failure reproduces with `--seed S --case N`), runs each in a worker thread, and fails on any crash
 * or any input that takes more than 1 s (one that takes 10 s is stopped). A failing input is saved
 * under DIR (default out/fuzz). Prints the figures: inputs tried, crashes, slowest input.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { generate, loadSeeds, type FuzzCase, type Kind } from './generators';
import { runCase } from './targets';

const SLOW_MS = 1000;
const STOP_MS = 10_000;
const SEEDS_DIR = resolve('test/fuzz/seeds');

interface Reply {
  n: number;
  kind: Kind;
  shape: string;
  bytes: number;
  ms: number;
  crash?: string;
}

if (!isMainThread) {
  const { seed } = workerData as { seed: number };
  const seeds = loadSeeds(SEEDS_DIR);
  parentPort!.on('message', (n: number) => {
    const c = generate(seed, n, seeds);
    const result = runCase(c, n % 10 === 0);
    const reply: Reply = { n, kind: c.kind, shape: c.shape, bytes: c.text.length + (c.dotenv?.length ?? 0), ...result };
    parentPort!.postMessage(reply);
  });
} else {
  void main().then((code) => {
    process.exitCode = code;
  });
}

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

function save(out: string, seed: number, c: FuzzCase, n: number): string {
  mkdirSync(out, { recursive: true });
  const ext = {
    dockerfile: 'Dockerfile', compose: 'compose.yaml', dotenv: 'env', policy: 'trustlens.yaml', kubernetes: 'k8s.yaml', kustomize: 'kustomization.yaml',
    'helm-values': 'values.yaml', devcontainer: 'devcontainer.json', 'github-workflow': 'workflow.yml', 'gitlab-ci': 'gitlab-ci.yml',
  }[c.kind];
  const file = join(out, `${seed}-${n}.${ext}`);
  writeFileSync(file, c.text);
  if (c.dotenv !== undefined) writeFileSync(join(out, `${seed}-${n}.env`), c.dotenv);
  return file;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const seconds = Number(option(argv, '--seconds') ?? 60);
  const seed = Number(option(argv, '--seed') ?? Math.floor(Math.random() * 2 ** 31));
  const only = option(argv, '--case');
  const out = resolve(option(argv, '--out') ?? 'out/fuzz');
  const seeds = loadSeeds(SEEDS_DIR);
  console.log(`fuzz: seed ${seed}; reproduce one input with: npm run fuzz -- --seed ${seed} --case N`);

  let worker = new Worker(__filename, { workerData: { seed } });
  const deadline = Date.now() + seconds * 1000;
  const tried: Record<string, number> = {};
  let crashes = 0;
  let slow = 0;
  let slowest: Reply | undefined;
  const fail = (n: number, why: string) => {
    const c = generate(seed, n, seeds);
    console.log(`fuzz: FAILED input ${n} (${c.kind}, ${c.shape}, ${c.text.length} bytes): ${why}\n      saved as ${save(out, seed, c, n)}`);
  };
  for (let n = only ? Number(only) : 0; only ? n === Number(only) : Date.now() < deadline; n += 1) {
    const reply = await new Promise<Reply | undefined>((done) => {
      const timer = setTimeout(() => done(undefined), STOP_MS);
      worker.once('message', (r: Reply) => {
        clearTimeout(timer);
        done(r);
      });
      worker.postMessage(n);
    });
    if (!reply) {
      slow += 1;
      fail(n, `still running after ${STOP_MS / 1000} s; stopped`);
      await worker.terminate();
      worker = new Worker(__filename, { workerData: { seed } });
      continue;
    }
    tried[reply.kind] = (tried[reply.kind] ?? 0) + 1;
    if (!slowest || reply.ms > slowest.ms) slowest = reply;
    if (reply.crash) {
      crashes += 1;
      fail(n, `crash: ${reply.crash}`);
    } else if (reply.ms > SLOW_MS) {
      slow += 1;
      fail(n, `took ${reply.ms.toFixed(0)} ms (limit ${SLOW_MS} ms)`);
    }
  }
  await worker.terminate();
  const total = Object.values(tried).reduce((a, b) => a + b, 0);
  const kinds = Object.entries(tried).map(([k, v]) => `${v} ${k}`).join(', ');
  console.log(`fuzz: ${total} inputs tried (${kinds}); ${crashes} crashes; ${slow} over ${SLOW_MS} ms`);
  if (slowest) console.log(`fuzz: slowest input ${slowest.n}: ${slowest.kind}, ${slowest.shape}, ${slowest.bytes} bytes, ${slowest.ms.toFixed(0)} ms`);
  return crashes + slow > 0 ? 1 : 0;
}
