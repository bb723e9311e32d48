/**
 * What the suite running inside the extension host and the launchers outside it agree on. Both sides
 * bundle this file, so it must not import `vscode`.
 */

/** The suite index prints one line starting with this when mocha finishes; the launcher parses it. */
export const SUITE_RESULT_MARKER = '[trustlens-vscode-suite] result ';

/** Environment variable naming the workspace-trust pass: `trusted` (default) or `untrusted`. */
export const PASS_ENV = 'TRUSTLENS_VSCODE_PASS';

/** Environment variable with a mocha `grep` pattern, to run a subset of the suite. */
export const GREP_ENV = 'TRUSTLENS_VSCODE_GREP';

/**
 * Environment variable naming a directory that is first on the extension host's PATH, for executables
 * a test provides (e.g. a `docker-credential-<name>` helper). The launcher creates and removes it.
 */
export const BIN_ENV = 'TRUSTLENS_VSCODE_BIN';

/** Test files whose name ends like this run only in the untrusted-workspace pass; all others only in the trusted one. */
export const UNTRUSTED_SUFFIX = '.untrusted.test.js';

/** The workspace-trust pass a suite run belongs to. */
export type TrustPass = 'trusted' | 'untrusted';

/** Mocha's counts for one run, e.g. `{ passed: 3, failed: 0, pending: 1, failures: [] }`. */
export interface SuiteResult {
  passed: number;
  failed: number;
  pending: number;
  /** Full titles of the failed tests, e.g. `['smoke activates on a Dockerfile']`. */
  failures: string[];
}

export function formatSuiteResult(result: SuiteResult): string {
  return SUITE_RESULT_MARKER + JSON.stringify(result);
}

/** The result carried by a log line, or undefined when the line is something else. */
export function parseSuiteResult(line: string): SuiteResult | undefined {
  const at = line.indexOf(SUITE_RESULT_MARKER);
  if (at < 0) return undefined;
  try {
    const value = JSON.parse(line.slice(at + SUITE_RESULT_MARKER.length)) as Partial<SuiteResult>;
    if (typeof value.passed !== 'number' || typeof value.failed !== 'number') return undefined;
    return {
      passed: value.passed,
      failed: value.failed,
      pending: typeof value.pending === 'number' ? value.pending : 0,
      failures: Array.isArray(value.failures) ? value.failures.map(String) : [],
    };
  } catch {
    return undefined;
  }
}
