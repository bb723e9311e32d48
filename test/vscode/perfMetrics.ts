/**
 * `out/vscode-metrics.json`: what the VS Code suite measured, for `bench/bench.ts` (which reads
 * `activationMs`) and for people. Written in the extension host by perf.test.ts and completed in node
 * by the UI check that reads VS Code's own activation time, so this file must not import `vscode`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Relative to the repository root. */
export const METRICS_FILE = 'out/vscode-metrics.json';

/** The figures; each is optional until the test or check that measures it has run. */
export interface VscodeMetrics {
  /** VS Code's activation time of the extension's first activation in the window (code loading + `activate()`). */
  activationMs?: number;
  measuredAt: string;
  vscodeVersion: string;
  /** VS Code's time to load `dist/extension.js` (its `willLoadExtensionCode`/`didLoadExtensionCode` marks). */
  activationCodeLoadMs?: number;
  /** How long the extension's `activate()` ran (it measures itself). */
  activateCallMs?: number;
  /** `dist/extension.js` as the tests ran it: not minified, with a linked source map. */
  bundleBytes: number;
  /** `dist/extension.js` from `node scripts/build.mjs --production` (minified), built in a temporary copy. */
  bundleProductionBytes?: number;
  editLatency: {
    lines: number;
    references: number;
    /** `trustlens.debounceMs` during the measurement. */
    debounceMs: number;
    /** Edit applied → `onDidChangeDiagnostics` with the new diagnostics, per edit. */
    diagnosticsMs: number[];
    /** Edit applied → the extension stored the new verdicts, per edit. */
    verdictsMs: number[];
    /** HTTP requests made by the timed re-checks (warm cache). */
    requests: number;
  };
  /** Median of `editLatency.diagnosticsMs`. */
  editToDiagnosticsMs: number;
  /** A 10,000-line manifest of 500 Deployments, with the trust data cached. */
  manifestLatency?: {
    lines: number;
    references: number;
    /**
     * The document arrived in the extension host (`onDidOpenTextDocument`) → the first diagnostics
     * TrustLens set for it, per opening: what TrustLens itself takes.
     */
    openedToFirstShownMs: number[];
    /**
     * Opened (not read before) → the first diagnostics TrustLens set for it (those of its first
     * documents, set before the rest of the file is read), per opening.
     */
    firstShownMs: number[];
    /** How many diagnostics those first ones were, per opening (all of them: 50). */
    firstShownCount: number[];
    /** Opened → all its diagnostics set by TrustLens, per opening. */
    allShownMs: number[];
    /** Opened → `onDidChangeDiagnostics` with all its diagnostics (VS Code fires it 50 ms after they are set), per opening. */
    openMs: number[];
    /** Edit applied → TrustLens set the new diagnostics, per edit. */
    editShownMs: number[];
    /** Edit applied → `onDidChangeDiagnostics` with the new diagnostics (fired 50 ms after they are set), per edit. */
    diagnosticsMs: number[];
    /** HTTP requests made by the timed checks. */
    requests: number;
  };
}

/**
 * Writes metrics under `root`, merged into what the file holds unless `fresh`; returns what it wrote.
 */
export async function writeMetrics(root: string, values: Partial<VscodeMetrics>, options: { fresh?: boolean } = {}): Promise<Partial<VscodeMetrics>> {
  const file = join(root, METRICS_FILE);
  const current = options.fresh ? {} : (JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as Partial<VscodeMetrics>);
  const merged = { ...current, ...values };
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, `${JSON.stringify(merged, null, 2)}\n`);
  return merged;
}
