/**
 * The CLI's write commands on the real stack, as a user runs them: a project directory whose
 * `.trustlens.yaml` maps the registry to the stack's trust server, a docker config directory (its
 * `trust/private` holds the keys) trusting the server's CA, and a metadata cache of its own. Every
 * run's output is kept, so a test can search all of it afterwards.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandResult } from '../stack/runCommand';
import type { Stack } from '../stack/stack';
import { makeTempDir, type TempDir } from '../stack/tempDir';
import { runCli } from './cli';
import { makeDockerConfig, type TestDockerConfig } from './dockerConfig';
import { policyYaml } from './documents';

/** Passphrases as docker's environment variables carry them. */
export interface Passphrases {
  readonly root?: string;
  readonly repository?: string;
}

/** A CLI user with their own docker config, project and cache. */
export interface WriteCli {
  readonly docker: TestDockerConfig;
  /** The working directory, holding `.trustlens.yaml`. */
  readonly project: TempDir;
  readonly cacheDir: TempDir;
  /** Every run so far, with its arguments. */
  readonly runs: Array<{ args: readonly string[]; result: CommandResult }>;
  /** `trustlens <args> --docker-config … --cache-dir …` in the project, with these passphrases. */
  run(args: readonly string[], passphrases?: Passphrases): Promise<CommandResult>;
  remove(): Promise<void>;
}

/** Sets up a CLI user for `stack`. */
export async function makeWriteCli(stack: Stack, label: string): Promise<WriteCli> {
  const docker = await makeDockerConfig([{ host: stack.notary.host, caPem: stack.notary.caPem }]);
  const project = await makeTempDir(`${label}-project`);
  const cacheDir = await makeTempDir(`${label}-cache`);
  await writeFile(join(project.path, '.trustlens.yaml'), policyYaml({ [stack.registry.host]: stack.notary.url }));
  const runs: WriteCli['runs'] = [];
  return {
    docker,
    project,
    cacheDir,
    runs,
    async run(args, passphrases = {}) {
      const env: Record<string, string> = {};
      if (passphrases.root !== undefined) env.DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE = passphrases.root;
      if (passphrases.repository !== undefined) env.DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE = passphrases.repository;
      const all = [...args, '--docker-config', docker.path, '--cache-dir', cacheDir.path];
      const result = await runCli(all, { cwd: project.path, env });
      runs.push({ args: all, result });
      return result;
    },
    async remove() {
      await Promise.all([docker.remove(), project.remove(), cacheDir.remove()]);
    },
  };
}
