/**
 * The VS Code suite from end to end, on already built bundles (test/vscode/run.mjs builds them), in
 * every VS Code of test/vscode/editors.json in turn (oldest first), the same suite in each.
 * The trusted pass runs every in-host test, the untrusted pass the `*.untrusted.test.ts` files in
 * Restricted Mode; after each, the UI checks of that pass drive the same window. Prints one closing
 * line with the counts.
 *
 * Arguments: `--code-server VERSION` (only that build: a code-server or VS Code version of
 * editors.json, `oldest` or `newest`; repeatable), `--grep PATTERN` (mocha grep, UI checks by name),
 * `--pass trusted|untrusted`, `--no-ui`, `--timeout-ms N` (limit per pass, default 10 min: the suite
 * starts real trust stacks).
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeEditor, EDITORS, findEditor, SCREENSHOTS_EDITOR, type Editor } from './editors';
import { BIN_ENV, GREP_ENV, UNTRUSTED_SUFFIX, type TrustPass } from './protocol';
import { runInCodeServer, type Session } from './runInCodeServer';
import { README_SCREENSHOTS_ENV } from './ui/readmeScreenshot';
import type { UiCheck } from './ui/uiCheck';

interface Tally {
  passed: number;
  failed: number;
  pending: number;
  problems: string[];
}

export async function main(argv: string[]): Promise<number> {
  const root = process.cwd();
  const outDir = path.join(root, 'out', 'vscode-suite');
  const suiteIndex = path.join(outDir, 'suite', 'index.js');
  const workspace = path.join(root, 'test', 'fixtures', 'workspace');
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const grep = value('--grep');
  const onlyPass = value('--pass') as TrustPass | undefined;
  const withUi = !argv.includes('--no-ui');
  const timeoutMs = Number(value('--timeout-ms') ?? 10 * 60_000);
  const wanted = argv.flatMap((a, i) => (argv[i - 1] === '--code-server' ? [a] : []));
  let editors: Editor[];
  try {
    editors = wanted.length > 0 ? [...new Set(wanted.map(findEditor))] : [...EDITORS];
  } catch (e) {
    console.log(`vscode suite: FAILED ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  if (process.env[README_SCREENSHOTS_ENV] === '1' && !editors.some((e) => e.codeServer === SCREENSHOTS_EDITOR.codeServer)) {
    console.log(`vscode suite: FAILED README screenshots are taken in ${describeEditor(SCREENSHOTS_EDITOR)}, which this run leaves out`);
    return 1;
  }

  const testFiles = listFiles(outDir, (name) => name.endsWith('.test.js'), ['ui']);
  const uiChecks = withUi ? loadUiChecks(path.join(outDir, 'ui'), grep) : [];

  // Screenshots of failed UI checks from an earlier run would only mislead.
  const screenshots = path.join(root, 'out', 'screenshots');
  for (const file of listFiles(screenshots, (name) => name.startsWith('failed-'), [])) fs.rmSync(file);

  const tally: Tally = { passed: 0, failed: 0, pending: 0, problems: [] };
  for (const editor of editors) {
    const started = Date.now();
    // A check that does not use the suite's editor (npm start opens its own) runs in the first one only.
    const checks = editor === editors[0] ? uiChecks : uiChecks.filter((check) => !check.oncePerRun);
    const counted = await runPasses(editor, { suiteIndex, workspace, timeoutMs, grep, testFiles, uiChecks: checks, onlyPass });
    tally.passed += counted.passed;
    tally.failed += counted.failed;
    tally.pending += counted.pending;
    tally.problems.push(...counted.problems.map((p) => `VS Code ${editor.vscode}, ${p}`));
    console.log(`vscode suite: ${describeEditor(editor)} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  for (const problem of tally.problems) console.log(`vscode suite: FAILED ${problem}`);
  const pending = tally.pending > 0 ? `, ${tally.pending} pending` : '';
  const where = editors.map((e) => `VS Code ${e.vscode}`).join(' and ');
  console.log(`vscode suite: ${tally.passed} passed, ${tally.failed} failed${pending} (${where})`);
  return tally.failed > 0 || tally.passed === 0 ? 1 : 0;
}

interface PassesOptions {
  suiteIndex: string;
  workspace: string;
  timeoutMs: number;
  grep: string | undefined;
  testFiles: string[];
  uiChecks: UiCheck[];
  onlyPass: TrustPass | undefined;
}

/** The trusted and the untrusted pass (or `onlyPass`) in one editor, and their counts. */
async function runPasses(editor: Editor, { suiteIndex, workspace, timeoutMs, grep, testFiles, uiChecks, onlyPass }: PassesOptions): Promise<Tally> {
  const root = process.cwd();
  const passes: TrustPass[] = ['trusted'];
  if (testFiles.some((f) => f.endsWith(UNTRUSTED_SUFFIX)) || uiChecks.some((c) => c.pass === 'untrusted')) {
    passes.push('untrusted');
  }
  const tally: Tally = { passed: 0, failed: 0, pending: 0, problems: [] };
  for (const pass of passes.filter((p) => !onlyPass || p === onlyPass)) {
    const started = Date.now();
    const checksOfPass = uiChecks.filter((check) => (check.pass ?? 'trusted') === pass);
    console.log(`vscode suite: ${describeEditor(editor)}, ${pass} workspace pass`);
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'trustlens-vscode-bin-'));
    try {
      const run = await runInCodeServer(root, suiteIndex, workspace, {
        trusted: pass === 'trusted',
        editor,
        // Each VS Code's screenshots apart, so that neither overwrites the other's.
        screenshotsDir: path.join(root, 'out', 'screenshots', `vscode-${editor.vscode}`),
        timeoutMs,
        env: {
          [BIN_ENV]: bin,
          PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
          ...(grep ? { [GREP_ENV]: grep } : {}),
        },
        ...(checksOfPass.length > 0 ? { uiSteps: (s: Session) => runUiChecks(checksOfPass, s, tally) } : {}),
      });
      const r = run.result;
      if (!r) {
        tally.failed += 1;
        tally.problems.push(`${pass}: the suite reported exit code ${run.exitCode} but no counts (did it load?)`);
      } else {
        tally.passed += r.passed;
        tally.failed += r.failed;
        tally.pending += r.pending;
        tally.problems.push(...r.failures.map((t) => `${pass}: ${t}`));
        if (run.exitCode !== 0 && r.failed === 0) {
          tally.failed += 1;
          tally.problems.push(`${pass}: the suite failed to run (exit code ${run.exitCode})`);
        }
      }
    } catch (e) {
      tally.failed += 1;
      tally.problems.push(`${pass}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
    console.log(`vscode suite: ${describeEditor(editor)}, ${pass} pass took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return tally;
}

async function runUiChecks(checks: UiCheck[], session: Session, tally: Tally): Promise<void> {
  for (const check of checks) {
    try {
      await check.run(session);
      tally.passed += 1;
      console.log(`[ui] ✔ ${check.name}`);
    } catch (e) {
      tally.failed += 1;
      tally.problems.push(`ui: ${check.name}: ${e instanceof Error ? e.message : String(e)}`);
      console.log(`[ui] ✘ ${check.name}`);
      await session.screenshot(`failed-${slug(check.name)}`).catch(() => undefined);
    }
  }
}

function loadUiChecks(dir: string, grep: string | undefined): UiCheck[] {
  const pattern = grep ? new RegExp(grep) : undefined;
  const load = createRequire(__filename);
  return listFiles(dir, (name) => name.endsWith('.ui.js'), [])
    .flatMap((file) => (load(file) as { checks?: UiCheck[] }).checks ?? [])
    .filter((check) => !pattern || pattern.test(check.name));
}

function listFiles(dir: string, keep: (name: string) => boolean, skipDirs: string[]): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return skipDirs.includes(entry.name) ? [] : listFiles(full, keep, skipDirs);
    return keep(entry.name) ? [full] : [];
  }).sort();
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}
