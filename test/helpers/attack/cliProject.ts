/**
 * `trustlens check` as a CI job runs it, pointed at a tampering server: the built CLI in a project
 * directory whose policy maps the registry to the server, with the server's CA in a docker config
 * directory and a metadata cache that lasts from one run to the next.
 */
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach } from 'node:test';
import type { CheckResultJson } from '../../../src/core/trust/checkResult';
import { makeTempDir, type TempDir } from '../stack/tempDir';
import { runCli } from '../trust/cli';
import { makeDockerConfig, type TestDockerConfig } from '../trust/dockerConfig';
import { dockerfileFrom, policyYaml } from '../trust/documents';
import { buildReleases, type Scenario } from '../stack/scenarios';
import { startAttackFixture, type AttackFixture } from './fixture';
import { fetchRepoFiles, type RepoFiles } from './metadataFiles';
import type { TamperServer } from './tamperServer';

/** One run of the CLI. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** `--format json` results, by the reference as written. */
  readonly byText: ReadonlyMap<string, CheckResultJson>;
}

/** A project directory with a Dockerfile, a policy and a cache. */
export interface CliProject {
  readonly dir: string;
  readonly cacheDir: string;
  readonly policyFile: string;
  /** Rewrites the policy: the trust server map, then `extra` YAML (e.g. `trustPinning:`). */
  writePolicy(extra?: string): Promise<void>;
  /** Writes `FROM <ref>` lines and runs `check . --format json` with this project's policy, cache and CAs. */
  check(references: readonly string[], extraArgs?: readonly string[]): Promise<CliRun>;
  /** Empties the metadata cache: the next check is a first use again. */
  clearCache(): Promise<void>;
  /** Runs any CLI command with `--config`, `--cache-dir` and `--docker-config` of this project appended. */
  run(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  remove(): Promise<void>;
}

export async function cliProject(server: TamperServer, registryHost: string): Promise<CliProject> {
  const project: TempDir = await makeTempDir('cli-attack-project');
  const cache: TempDir = await makeTempDir('cli-attack-cache');
  let docker: TestDockerConfig | undefined;
  try {
    docker = await makeDockerConfig([{ host: server.host, caPem: server.caPem }]);
  } catch (e) {
    await Promise.all([project.remove(), cache.remove()]);
    throw e;
  }
  const dockerDir = docker.path;
  const policyFile = join(project.path, '.trustlens.yaml');
  const writePolicy = (extra = '') => writeFile(policyFile, policyYaml({ [registryHost]: server.url }, extra));
  await writePolicy();
  const common = ['--config', policyFile, '--cache-dir', cache.path, '--docker-config', dockerDir];
  return {
    dir: project.path,
    cacheDir: cache.path,
    policyFile,
    writePolicy,
    async check(references, extraArgs = []) {
      await writeFile(join(project.path, 'Dockerfile'), dockerfileFrom(references));
      const run = await runCli(['check', '.', '--format', 'json', ...common, ...extraArgs], { cwd: project.path });
      let results: CheckResultJson[] = [];
      try {
        results = (JSON.parse(run.stdout) as { results: CheckResultJson[] }).results;
      } catch {
        throw new Error(`check printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
      }
      return { code: run.code, stdout: run.stdout, stderr: run.stderr, byText: new Map(results.map((r) => [r.text, r])) };
    },
    async clearCache() {
      for (const entry of await readdir(cache.path)) await rm(join(cache.path, entry), { recursive: true, force: true });
    },
    run: (args) => runCli([...args, ...common], { cwd: project.path }),
    async remove() {
      await Promise.all([project.remove(), cache.remove(), docker?.remove()]);
    },
  };
}

/** What {@link useCliAttack} sets up for the tests of one file. */
export interface CliAttack {
  readonly f: AttackFixture;
  readonly project: CliProject;
  /** A docker-style repository: `v1` released by signer alice. */
  readonly repo: Scenario;
  /** Its files as the real server serves them. */
  readonly real: RepoFiles;
}

/**
 * Registers the hooks of a test file that runs the CLI through a tampering server: the attack
 * fixture and a released repository before all tests, an honest server and an empty cache (a fresh
 * runner) before each, everything stopped after. Read the returned object inside tests.
 */
export function useCliAttack(repository: string): CliAttack {
  const state: { -readonly [K in keyof CliAttack]?: CliAttack[K] } = {};
  before(async () => {
    state.f = await startAttackFixture();
    state.repo = await buildReleases(state.f.ownerStack, { repository });
    state.real = await fetchRepoFiles(state.f.server.upstream, state.repo.gun);
    state.project = await cliProject(state.f.server, state.f.stack.registry.host);
  });
  after(async () => {
    await state.project?.remove();
    await state.f?.stop();
  });
  beforeEach(async () => {
    state.f!.honest();
    await state.project!.clearCache();
    await state.project!.writePolicy();
  });
  const get = <K extends keyof CliAttack>(key: K): CliAttack[K] => {
    const value = state[key];
    if (value === undefined) throw new Error(`${key} is set up in before()`);
    return value as CliAttack[K];
  };
  return {
    get f() { return get('f'); },
    get project() { return get('project'); },
    get repo() { return get('repo'); },
    get real() { return get('real'); },
  };
}
