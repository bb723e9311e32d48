import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Runs a command to its end; exit status 0 or 1 (a check that found problems) is success. Never
 * synchronous: the stack's servers log through pipes this process drains, and a blocked event loop
 * would let a pipe fill up and stall the server writing to it.
 */
export async function run(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  try {
    return (await promisify(execFile)(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...options })).stdout;
  } catch (e) {
    const { code, stdout, stderr } = e as { code?: unknown; stdout?: string; stderr?: string };
    if (code === 1) return stdout ?? '';
    throw new Error(`${cmd} ${args.join(' ')} failed (${String(code)}): ${stderr ?? String(e)}`);
  }
}
