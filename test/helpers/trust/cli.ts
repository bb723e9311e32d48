/** Runs the built CLI (`dist/cli.js`) as a user would, with a clean environment. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { environmentWithout } from '../stack/environment';
import { runCommand, type CommandResult } from '../stack/runCommand';

/** The repository root: the nearest parent of this bundle holding TrustLens's package.json, else the working directory. */
export function repositoryRoot(): string {
  for (let dir = resolve(__dirname); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'trustlens') return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

/** `dist/cli.js` of the repository; `npm run build:tests` (or `npm run build`) makes it. */
export function cliPath(): string {
  const path = join(repositoryRoot(), 'dist', 'cli.js');
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build:tests first`);
  return path;
}

/**
 * `node dist/cli.js <args>`; never throws on a non-zero exit. The environment carries no DOCKER_*,
 * TRUSTLENS_* or XDG_CACHE_HOME of the caller, so only the arguments decide servers, config and cache.
 */
export async function runCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CommandResult> {
  const env = { ...environmentWithout(['DOCKER_', 'TRUSTLENS_', 'XDG_CACHE_HOME']), ...options.env };
  return runCommand(process.execPath, [cliPath(), ...args], { cwd: options.cwd, env, allowFailure: true, timeoutMs: 120_000 });
}
