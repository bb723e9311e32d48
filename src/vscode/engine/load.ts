/**
 * Loads `dist/engine.js` (built from `modules.ts`) the first time anything needs it. Files under
 * `src/vscode` import the heavy modules only as types and reach their values through the services'
 * `modules`, the one caller of {@link engine}, so `dist/extension.js`, which activation loads, stays small.
 */
import type * as EngineModules from './modules';

export type Engine = typeof EngineModules;

/** The file beside `dist/extension.js`; the build keeps this path external. */
const ENGINE_FILE = './engine.js';
let loaded: Engine | undefined;

/** The heavy modules, loaded (synchronously, once) on first call. */
export function engine(): Engine {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require(ENGINE_FILE) as Engine;
  return loaded;
}
