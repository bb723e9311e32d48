/** Throw-away directories for configs, certificates, logs and trust data. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeAtExit } from './exitHooks';

/** A temp directory that is removed by `remove()` or, failing that, when the process exits. */
export interface TempDir {
  /** Absolute path, e.g. `/tmp/trustlens-notary-AbC123`. */
  readonly path: string;
  /** Removes the directory and everything in it. Safe to call twice. */
  remove(): Promise<void>;
}

/**
 * Creates a fresh directory under the OS temp dir whose name starts with `trustlens-<label>-`.
 * With `TRUSTLENS_KEEP_TEMP=1` in the environment nothing is removed, so that server logs and
 * configs can be read after a failing run.
 */
export async function makeTempDir(label: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `trustlens-${label}-`));
  if (process.env.TRUSTLENS_KEEP_TEMP === '1') return { path, remove: async () => {} };
  const unregister = removeAtExit(path);
  return {
    path,
    async remove() {
      unregister();
      await rm(path, { recursive: true, force: true });
    },
  };
}
