/** Long-running servers of the stack: spawn, log to a file, wait for readiness, stop. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { environmentWithout } from './environment';
import { onExit } from './exitHooks';
import { canConnect } from './ports';

/** How to tell that a just-started server accepts requests. */
export type Readiness =
  /** A line the server logs once its socket is listening, e.g. `/Starting on 127.0.0.1:4443/`. */
  | { logLine: RegExp }
  /** For servers that log nothing at start: the first accepted TCP connection to this loopback port. */
  | { port: number };

/** Options for {@link startProcess}. */
export interface StartProcessOptions {
  /** Short name for messages, e.g. `notary-server`. */
  name: string;
  /** Executable, e.g. `notary-server`. */
  command: string;
  args: readonly string[];
  /** Complete environment of the child; default: this process's, without libfaketime. */
  env?: NodeJS.ProcessEnv;
  /** File that receives the child's stdout and stderr. */
  logFile: string;
  ready: Readiness;
  /** Give up (and kill the child) if it is not ready after this long; default 20 000 ms. */
  timeoutMs?: number;
}

/** A running server. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Where its stdout and stderr go. */
  readonly logFile: string;
  /** Terminates it (SIGTERM, then SIGKILL after 5 s) and resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a server and resolves once it is ready. Rejects, with the tail of its log, if it exits
 * first or is not ready within the deadline; in both cases nothing is left running.
 */
export async function startProcess(options: StartProcessOptions): Promise<ManagedProcess> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(options.command, options.args, {
    env: options.env ?? environmentWithout([]),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `exit ${code}`));
    child.once('error', (e: NodeJS.ErrnoException) =>
      resolve(e.code === 'ENOENT' ? `${options.command} is not installed (run scripts/setup-stack.sh)` : e.message),
    );
  });
  const unregister = onExit(() => {
    child.kill('SIGKILL');
  });

  let seen = '';
  let markReady: () => void = () => {};
  const logLineSeen = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const onOutput = (chunk: Buffer): void => {
    log.write(chunk);
    if ('logLine' in options.ready) {
      // Keep only a tail: the ready line is short, and a chatty server must not grow this forever.
      seen = (seen + chunk.toString('utf8')).slice(-8192);
      if (options.ready.logLine.test(seen)) markReady();
    }
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);

  const stop = stopper(child, exited, log, unregister);
  const ready = 'logLine' in options.ready ? logLineSeen : waitForPort(options.ready.port, exited);
  const deadline = AbortSignal.timeout(timeoutMs);
  const timedOut = new Promise<'timeout'>((resolve) => deadline.addEventListener('abort', () => resolve('timeout')));

  const outcome = await Promise.race([ready.then(() => 'ready' as const), exited, timedOut]);
  if (outcome === 'ready') {
    return { name: options.name, pid: child.pid ?? -1, logFile: options.logFile, stop };
  }
  await stop();
  const why = outcome === 'timeout' ? `not ready after ${timeoutMs} ms` : `ended before it was ready (${outcome})`;
  throw new Error(`${options.name} ${why}; log ${options.logFile}:\n${await logTail(options.logFile)}`);
}

/** Polls for a first successful connect; bounded by the caller's deadline and the child's exit. */
async function waitForPort(port: number, exited: Promise<string>): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  // No readiness event exists for these servers, so poll briefly with a growing pause.
  for (let pause = 10; !gone; pause = Math.min(pause * 2, 200)) {
    if (await canConnect(port)) return;
    await delay(pause);
  }
  return new Promise<void>(() => {});
}

function stopper(child: ChildProcess, exited: Promise<string>, log: NodeJS.WritableStream, unregister: () => void) {
  let stopping: Promise<void> | undefined;
  return (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }
      unregister();
      await new Promise<void>((resolve) => log.end(resolve));
    })();
    return stopping;
  };
}

/** The last lines of a log file, for error messages. */
export async function logTail(file: string, lines = 30): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
