/** Runs short-lived tools (openssl, notary, docker, htpasswd) without ever letting them prompt. */
import { spawn } from 'node:child_process';
import { environmentWithout } from './environment';

/** What a finished command printed, and how it ended. */
export interface CommandResult {
  /** Exit status, or null when a signal ended it. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options for {@link runCommand}. */
export interface RunOptions {
  /** The complete environment of the child; default: this process's, without libfaketime. */
  env?: NodeJS.ProcessEnv;
  /** Working directory, e.g. a temp dir. */
  cwd?: string;
  /** Kill the command after this long; default 60 000 ms. */
  timeoutMs?: number;
  /** Resolve with the result instead of throwing when the exit status is not 0. */
  allowFailure?: boolean;
  /** Text written to stdin (then closed), e.g. a password for `htpasswd -i`; never shown in messages. */
  input?: string;
}

/** Thrown when a command cannot start, times out, or (without `allowFailure`) exits non-zero. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly result: CommandResult | undefined,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/** Hint appended when a binary is missing, so the failure says how to fix it. */
const SETUP_HINT = 'run `bash scripts/setup-stack.sh` as root to install the test stack';

/**
 * Runs `file args…` with stdin closed (so a tool that would prompt fails instead of hanging) or
 * fed from `input`, and
 * collects stdout/stderr. Throws a {@link CommandError} whose message carries the command's
 * stderr (trimmed) when it fails. Arguments appear in messages, so never pass a secret as one.
 */
export async function runCommand(file: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const shown = [file, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: options.env ?? environmentWithout([]),
      cwd: options.cwd,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    // A tool that exits without reading its input must not crash this process with EPIPE.
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.input);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = e.code === 'ENOENT' ? `${file} is not installed (${SETUP_HINT})` : `${shown} could not start: ${e.message}`;
      reject(new CommandError(why, undefined));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const result: CommandResult = {
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (timedOut) {
        reject(new CommandError(`${shown} timed out after ${timeoutMs} ms: ${summarize(result)}`, result));
      } else if (code !== 0 && !options.allowFailure) {
        reject(new CommandError(`${shown} failed (exit ${code ?? 'signal'}): ${summarize(result)}`, result));
      } else {
        resolve(result);
      }
    });
  });
}

/** A failed command's output for a message: stderr, then stdout (the notary CLI splits its
 * "fatal:" line and its warnings between them), on one line and capped. */
function summarize(result: CommandResult): string {
  const parts = [result.stderr.trim(), result.stdout.trim()].filter((p) => p !== '');
  const text = (parts.join('\n') || '(no output)').replace(/\s*\n\s*/g, ' | ');
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}
