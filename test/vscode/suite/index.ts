/**
 * Entry point the extension host loads as `extensionTestsPath`: the contract both launchers use
 * (code-server and @vscode/test-electron). Runs every compiled `*.test.js` of this suite with mocha
 * and rejects when a test failed, which makes the workbench report exit code 1.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { GREP_ENV, PASS_ENV, UNTRUSTED_SUFFIX, formatSuiteResult, type SuiteResult, type TrustPass } from '../protocol';

export async function run(): Promise<void> {
  // Stack traces of failures then point into test/vscode/*.ts rather than into the bundles.
  process.setSourceMapsEnabled(true);
  const pass: TrustPass = process.env[PASS_ENV] === 'untrusted' ? 'untrusted' : 'trusted';
  const grep = process.env[GREP_ENV];
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    reporter: 'spec',
    // Generous: a cold extension host, a language server or a trust check can take seconds.
    timeout: 60_000,
    ...(grep ? { grep } : {}),
  });

  // This file is out/vscode-suite/suite/index.js; the suite's test files sit anywhere under out/vscode-suite.
  const root = path.resolve(__dirname, '..');
  const files = findTestFiles(root)
    .filter((file) => file.endsWith(UNTRUSTED_SUFFIX) === (pass === 'untrusted'))
    // Smoke tests first: they check activation on a fresh host, before other tests activate the extension.
    .sort((a, b) => Number(!isSmoke(a)) - Number(!isSmoke(b)) || a.localeCompare(b));
  for (const file of files) mocha.addFile(file);

  const result = await new Promise<SuiteResult>((resolve, reject) => {
    try {
      const failures: string[] = [];
      const runner = mocha.run(() => {
        const stats = runner.stats;
        resolve({
          passed: stats?.passes ?? 0,
          failed: stats?.failures ?? failures.length,
          pending: stats?.pending ?? 0,
          failures,
        });
      });
      runner.on('fail', (test) => failures.push(test.fullTitle()));
    } catch (e) {
      reject(e);
    }
  });
  console.log(formatSuiteResult(result));
  if (result.failed > 0) throw new Error(`${result.failed} test(s) failed`);
}

function isSmoke(file: string): boolean {
  return path.basename(file).startsWith('smoke.');
}

/** Every `*.test.js` below dir, sorted, skipping the UI checks that run outside the extension host. */
function findTestFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'ui') found.push(...findTestFiles(full));
    } else if (entry.name.endsWith('.test.js')) {
      found.push(full);
    }
  }
  return found.sort();
}
