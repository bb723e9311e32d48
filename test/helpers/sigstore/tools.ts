/**
 * The real Sigstore tools (cosign 2.5.0, oras 1.2.0, sigstore-go 0.7.1) that scripts/setup-sigstore.sh
 * unpacks into .cache/sigstore-tools. Tests find them only here and fail, never skip, when one is missing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { environmentWithout } from '../stack/environment';
import { repositoryRoot } from '../trust/cli';
import { runCommand, type CommandResult, type RunOptions } from '../stack/runCommand';
import { makeTempDir, type TempDir } from '../stack/tempDir';

export type SigstoreTool = 'cosign' | 'oras' | 'sigstore-go-verification';

// From the repository root, wherever the process runs (the VS Code suite runs in the extension host).
const BIN = join(repositoryRoot(), '.cache', 'sigstore-tools', 'root', 'usr', 'bin');

/** Absolute path of a tool; throws, naming the setup script, when it is not installed. */
export function sigstoreTool(name: SigstoreTool): string {
  const path = join(BIN, name);
  if (!existsSync(path)) throw new Error(`${name} is not installed at ${path}: run \`bash scripts/setup-sigstore.sh\` (npm test does)`);
  return path;
}

let home: Promise<TempDir> | undefined;

/**
 * Runs a tool with a private home (cosign keeps `~/.sigstore` there) and none of the caller's
 * COSIGN_/SIGSTORE_/TUF_ variables, so nothing but the arguments and `env` steer it.
 */
export async function runTool(name: SigstoreTool, args: readonly string[], options: RunOptions & { extraEnv?: Record<string, string> } = {}): Promise<CommandResult> {
  home ??= makeTempDir('sigstore-home');
  const dir = (await home).path;
  const env: NodeJS.ProcessEnv = { ...environmentWithout(['COSIGN_', 'SIGSTORE_', 'TUF_']), HOME: dir, TUF_ROOT: join(dir, 'tuf'), ...options.extraEnv };
  return runCommand(sigstoreTool(name), args, { timeoutMs: 60_000, ...options, env });
}

/** `cosign …` with the key passphrase in `COSIGN_PASSWORD` (never on the command line). */
export function cosign(args: readonly string[], options: RunOptions & { password?: string; extraEnv?: Record<string, string> } = {}): Promise<CommandResult> {
  return runTool('cosign', args, { ...options, extraEnv: { ...(options.password !== undefined ? { COSIGN_PASSWORD: options.password } : {}), ...options.extraEnv } });
}
