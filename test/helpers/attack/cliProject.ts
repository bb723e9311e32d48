/**
 * `trustlens check` as a CI job runs it, pointed at a tampering server: the built CLI in a project
 * directory whose policy maps the registry to the server, with the server's CA in a docker config
 * directory and a metadata cache that lasts from one run to the next.
 */
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckResultJson } from '../../../src/core/trust/checkResult';
import { makeTempDir, type TempDir } from '../stack/tempDir';
import { runCli } from '../trust/cli';
import { makeDockerConfig, type TestDockerConfig } from '../trust/dockerConfig';
import { dockerfileFrom, policyYaml } from '../trust/documents';
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
