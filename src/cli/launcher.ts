/**
 * `trustlens`: starts the CLI (`cliMain.js` beside this file) with V8's compile cache, so that a run
 * does not spend about 40 ms compiling the 2 MB bundle it compiled before. Node 22.1 and later keep
 * the cache themselves (`module.enableCompileCache`); on Node 20 the bundle is compiled with the code
 * V8 cached after the first run. The cache lives in the user's cache directory
 * (`$XDG_CACHE_HOME/trustlens/code` or `~/.cache/trustlens/code`), never in a shared temporary folder,
 * and a folder another user owns is not read. Anything wrong with the cache only means compiling as
 * usual; `TRUSTLENS_CODE_CACHE=off` turns it off. Imports nothing but Node's own modules.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

const MAIN = join(__dirname, 'cliMain.js');

/** The cache folder, made private to this user, or undefined when there is none to use. */
function cacheDir(): string | undefined {
  if (process.env.TRUSTLENS_CODE_CACHE === 'off') return undefined;
  try {
    const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'trustlens', 'code');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const owner = statSync(dir).uid;
    return process.getuid === undefined || owner === process.getuid() ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Node 20: compiles the bundle with the code cached for it, and caches it after the first run. */
function runWithCachedCode(dir: string): void {
  const source = readFileSync(MAIN, 'utf8');
  const { size, mtimeMs } = statSync(MAIN);
  const file = join(dir, `cli-${process.versions.v8}-${size}-${Math.trunc(mtimeMs)}.bin`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(file);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(source), { filename: MAIN, ...(cachedData ? { cachedData } : {}) });
  if (cachedData === undefined || script.cachedDataRejected) {
    // After the run, so that the functions it compiled are cached too.
    process.once('exit', () => {
      try {
        const temporary = `${file}.${process.pid}`;
        writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
        renameSync(temporary, file);
      } catch {
        // Not cached: the next run compiles as usual.
      }
    });
  }
  const main = new Module(MAIN, module);
  main.filename = MAIN;
  main.paths = (Module as unknown as { _nodeModulePaths(from: string): string[] })._nodeModulePaths(dirname(MAIN));
  (script.runInThisContext() as (...args: unknown[]) => void).call(main.exports, main.exports, load, main, MAIN, dirname(MAIN));
}

const load = Module.createRequire(MAIN);
const dir = cacheDir();
const enableCompileCache = (Module as unknown as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
if (dir === undefined) load(MAIN);
else if (enableCompileCache) {
  enableCompileCache(dir);
  load(MAIN);
} else runWithCachedCode(dir);
