import { homedir } from 'node:os';
import { join } from 'node:path';

/** A re-check within this many ms makes no request, by default. */
export const DEFAULT_TTL_MS = 5 * 60_000;

/** The default metadata cache directory of the CLI: `$XDG_CACHE_HOME/trustlens` or `~/.cache/trustlens`. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  return env.TRUSTLENS_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'trustlens');
}
