/**
 * Last-resort cleanup: child processes and temp dirs registered here are killed/removed when the
 * test process exits or is interrupted, even if a test forgot (or never reached) its `stop()`.
 */
import { rmSync } from 'node:fs';

type Hook = () => void;

const hooks = new Set<Hook>();
let installed = false;

function runHooks(): void {
  for (const hook of [...hooks]) {
    hooks.delete(hook);
    try {
      hook();
    } catch {
      // Exit-time cleanup is best effort: one failing hook must not keep the others from running.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runHooks);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    // A signal listener replaces node's default "exit"; clean up, then re-raise so the exit status
    // still says which signal ended the process.
    const onSignal = (): void => {
      runHooks();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/**
 * Registers a synchronous cleanup to run at process exit. Returns a function that unregisters it
 * (call that once the resource was cleaned up normally).
 */
export function onExit(hook: Hook): () => void {
  install();
  hooks.add(hook);
  return () => {
    hooks.delete(hook);
  };
}

/** Registers a directory to be removed recursively at exit; returns the unregister function. */
export function removeAtExit(dir: string): () => void {
  return onExit(() => rmSync(dir, { recursive: true, force: true }));
}
