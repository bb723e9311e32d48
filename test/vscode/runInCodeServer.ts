/**
 * Runs the extension inside a real VS Code: code-server's workbench in headless Chromium.
 *
 * - `runInCodeServer(extensionDir, suiteIndex, workspace, options)` runs the mocha suite in the
 *   extension host (the `extensionTestsPath` contract) and resolves with the exit code the workbench
 *   reports, plus mocha's counts; `uiSteps` may then drive the same window with Playwright.
 * - `withCodeServer(options, async (session) => …)` opens a window (an Extension Development Host when
 *   `extensionDevelopmentPath` is given, or one running the `.vsix` packages `installExtensions` names)
 *   for UI-level checks, with no test payload.
 *
 * Either way code-server and Chromium are always stopped, and an overall timeout fails loudly. Both
 * take the code-server build to run (`editor`, one of test/vscode/editors.json; default the oldest).
 * Run directly: `node out/vscode-suite/runInCodeServer.js [--code-server VERSION] [--untrusted] [--workspace DIR] [--suite FILE]`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { startCodeServer, type CodeServer } from './codeServer';
import { describeEditor, findEditor, OLDEST_EDITOR, type Editor } from './editors';
import { PASS_ENV, parseSuiteResult, type SuiteResult } from './protocol';
import { openWorkbench, workbenchUrl } from './workbench';

export interface SessionOptions {
  /** Folder to open, absolute, e.g. `/repo/test/fixtures/workspace`. */
  workspace: string;
  /** false leaves workspace trust on, so the folder opens in Restricted Mode. */
  trusted: boolean;
  /** The code-server build (VS Code version) to run; default the oldest of test/vscode/editors.json. */
  editor?: Editor;
  /** Environment for code-server, which passes it on to the extension host, e.g. `{ DOCKER_CONFIG: dir }`. */
  env?: Record<string, string>;
  /** User settings for this run, e.g. `{ 'trustlens.debounceMs': 0 }`. */
  settings?: Record<string, unknown>;
  /** Load this extension as under development, e.g. the repository root. */
  extensionDevelopmentPath?: string;
  /** Packaged extensions (`.vsix`) installed into the session's fresh extensions dir before code-server starts. */
  installExtensions?: readonly string[];
  /** Compiled suite index exporting `run()`; needs extensionDevelopmentPath. */
  extensionTestsPath?: string;
  /** Repository root (finds .cache/code-server); default the current directory. */
  repoRoot?: string;
  /** Where `session.screenshot(name)` writes; default `<repoRoot>/out/screenshots`. */
  screenshotsDir?: string;
  /** Overall limit for the session, from starting code-server to the callback's end; default 5 min. */
  timeoutMs?: number;
  /** Receives every log line, already prefixed; default console.log. */
  log?: (line: string) => void;
  /** The browser window's size; default 1280×800. */
  viewport?: { width: number; height: number };
}

export interface Session {
  readonly page: Page;
  /** The workbench URL the page was opened with. */
  readonly url: string;
  readonly codeServer: CodeServer;
  readonly options: SessionOptions;
  /** With extensionTestsPath: settles with the exit code `codeAutomationExit` reports (0 passed, 1 failed). */
  readonly testsExited: Promise<number>;
  /** Mocha's counts once the suite index has printed them. */
  suiteResult(): SuiteResult | undefined;
  /** Every log entry the workbench has reported so far (its own, and the extension host's console). */
  logEntries(): readonly LogEntry[];
  /** Saves a PNG of the page as `<screenshotsDir>/<name>.png` and returns its path. */
  screenshot(name: string): Promise<string>;
}

/** One entry of the workbench log, e.g. `{ level: 'warn', message: '…' }`. */
export interface LogEntry {
  readonly level: string;
  readonly message: string;
}

export interface SuiteRunOptions {
  trusted: boolean;
  /** The code-server build (VS Code version) to run; default the oldest of test/vscode/editors.json. */
  editor?: Editor;
  env?: Record<string, string>;
  settings?: Record<string, unknown>;
  screenshotsDir?: string;
  timeoutMs?: number;
  log?: (line: string) => void;
  /** Playwright steps run in the same window after the suite reported its exit code. */
  uiSteps?: (session: Session) => Promise<void>;
}

export interface SuiteRun {
  /** What the workbench reported: 0 when `run()` resolved, 1 when it threw. */
  exitCode: number;
  /** Mocha's counts, when the suite printed them. */
  result: SuiteResult | undefined;
}

export async function runInCodeServer(
  extensionDir: string,
  suiteIndexPath: string,
  workspace: string,
  options: SuiteRunOptions,
): Promise<SuiteRun> {
  if (!fs.existsSync(suiteIndexPath)) throw new Error(`suite index not found: ${suiteIndexPath}`);
  return withCodeServer(
    {
      workspace,
      trusted: options.trusted,
      ...(options.editor ? { editor: options.editor } : {}),
      env: { [PASS_ENV]: options.trusted ? 'trusted' : 'untrusted', ...options.env },
      ...(options.settings ? { settings: options.settings } : {}),
      ...(options.screenshotsDir ? { screenshotsDir: options.screenshotsDir } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.log ? { log: options.log } : {}),
      repoRoot: extensionDir,
      extensionDevelopmentPath: extensionDir,
      extensionTestsPath: suiteIndexPath,
    },
    async (session) => {
      const exitCode = await session.testsExited;
      if (options.uiSteps) await options.uiSteps(session);
      return { exitCode, result: session.suiteResult() };
    },
  );
}

export async function withCodeServer<T>(options: SessionOptions, fn: (session: Session) => Promise<T>): Promise<T> {
  const repoRoot = options.repoRoot ?? process.cwd();
  const log = options.log ?? ((line: string) => console.log(line));
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  const screenshotsDir = options.screenshotsDir ?? path.join(repoRoot, 'out', 'screenshots');
  if (options.extensionTestsPath && !options.extensionDevelopmentPath) {
    throw new Error('extensionTestsPath needs extensionDevelopmentPath');
  }

  let fail!: (e: Error) => void;
  // Rejects on the first fatal event: timeout, code-server exiting, the page crashing or closing.
  const fatal = new Promise<never>((_, reject) => (fail = reject));
  fatal.catch(() => undefined);
  const timer = setTimeout(() => fail(new Error(`VS Code session timed out after ${timeoutMs} ms`)), timeoutMs);

  const started = Date.now();
  const phase = (what: string): void => log(`[session] ${what} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  let codeServer: CodeServer | undefined;
  let closeWorkbench: (() => Promise<void>) | undefined;
  try {
    codeServer = await Promise.race([
      startCodeServer({
        workspace: options.workspace,
        trusted: options.trusted,
        repoRoot,
        ...(options.editor ? { editor: options.editor } : {}),
        ...(options.env ? { env: options.env } : {}),
        ...(options.settings ? { settings: options.settings } : {}),
        ...(options.installExtensions ? { installExtensions: options.installExtensions } : {}),
      }),
      fatal,
    ]);
    const server = codeServer;
    phase(`${describeEditor(server.editor)} listening on ${server.origin}`);
    void server.exited.then((code) => fail(new Error(`code-server exited (${code}) during the session:\n${server.outputTail()}`)));

    let suiteResult: SuiteResult | undefined;
    const logEntries: LogEntry[] = [];
    let exit!: (code: number) => void;
    const testsExited = new Promise<number>((resolve) => (exit = resolve));
    const workbench = await Promise.race([
      openWorkbench({
        port: server.port,
        ...(options.viewport ? { viewport: options.viewport } : {}),
        onLog: (level, message) => {
          suiteResult ??= parseSuiteResult(message);
          logEntries.push({ level, message });
          const line = formatLog(level, message);
          if (line !== undefined) log(line);
        },
        onExit: (code) => {
          phase(`tests exited with code ${code}`);
          exit(code);
        },
      }),
      fatal,
    ]);
    closeWorkbench = () => workbench.close();
    const page = workbench.page;
    // Generous per action on a loaded 2-core machine; a hang is still caught by each action's limit.
    page.setDefaultTimeout(60_000);
    page.on('crash', () => fail(new Error('the workbench page crashed')));
    page.on('close', () => fail(new Error('the workbench page closed')));

    const url = workbenchUrl(
      server.origin,
      options.workspace,
      options.extensionDevelopmentPath
        ? {
            extensionDevelopmentPath: options.extensionDevelopmentPath,
            ...(options.extensionTestsPath ? { extensionTestsPath: options.extensionTestsPath } : {}),
          }
        : undefined,
    );
    // Loading is bounded by the session's own timeout rather than by Playwright's per-action one.
    await Promise.race([page.goto(url, { timeout: 0 }), fatal]);
    await Promise.race([page.locator('.monaco-workbench').waitFor({ timeout: 0 }), fatal]);
    phase('workbench loaded');
    if (!options.trusted && !options.extensionTestsPath && options.settings?.['security.workspace.trust.startupPrompt'] !== 'never') {
      // With trust on, a fresh profile asks at startup in a modal that blocks every click until answered.
      // (With a test payload the workbench refuses to show dialogs, so the folder simply stays untrusted.)
      await Promise.race([declineWorkspaceTrust(page), fatal]);
    }

    const session: Session = {
      page,
      url,
      codeServer: server,
      options,
      testsExited: Promise.race([testsExited, fatal]),
      suiteResult: () => suiteResult,
      logEntries: () => logEntries,
      screenshot: async (name) => {
        fs.mkdirSync(screenshotsDir, { recursive: true });
        const file = path.join(screenshotsDir, `${name}.png`);
        await page.screenshot({ path: file });
        return file;
      },
    };
    session.testsExited.catch(() => undefined);
    return await Promise.race([fn(session), fatal]);
  } finally {
    clearTimeout(timer);
    // Stopping on purpose is not a failure any more.
    fail = () => undefined;
    await closeWorkbench?.().catch(() => undefined);
    await codeServer?.stop();
  }
}

/** Answers the startup trust prompt with "No, I don't trust the authors" (Restricted Mode). */
export async function declineWorkspaceTrust(page: Page): Promise<void> {
  const dialog = page.locator('.monaco-dialog-box').filter({ hasText: 'trust the authors' });
  await dialog.getByRole('button', { name: /^No, I don.t trust/ }).click();
  await dialog.waitFor({ state: 'detached' });
}

/**
 * Printable lines for one log entry, or undefined for the workbench's own timing chatter. Known
 * harmless errors shrink to one line that says why they are harmless.
 */
export function formatLog(level: string, message: string): string | undefined {
  let text = message.replace(/\s+$/, '');
  if (/^Creation of workbench contribution .* took \d+ms\.$/.test(text)) return undefined;
  if (/open-vsx\.org/.test(text)) {
    text = `${firstLine(text)} (harmless: no extension gallery offline)`;
  } else if (/DialogService: refused to show dialog in tests/.test(text)) {
    text = `${firstLine(text).replace(/: Error: .*/, '')} (so the folder stays untrusted)`;
  }
  const prefix = level === 'info' ? '[vscode] ' : `[vscode:${level}] `;
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!;
}

async function main(argv: string[]): Promise<number> {
  const repoRoot = process.cwd();
  const value = (flag: string, fallback: string): string => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] ? path.resolve(argv[i + 1]!) : fallback;
  };
  const at = argv.indexOf('--code-server');
  const editor = at >= 0 && argv[at + 1] ? findEditor(argv[at + 1]!) : OLDEST_EDITOR;
  const run = await runInCodeServer(
    value('--extension', repoRoot),
    value('--suite', path.join(repoRoot, 'out/vscode-suite/suite/index.js')),
    value('--workspace', path.join(repoRoot, 'test/fixtures/workspace')),
    { trusted: !argv.includes('--untrusted'), editor },
  );
  const r = run.result;
  console.log(`vscode suite: ${r?.passed ?? '?'} passed, ${r?.failed ?? '?'} failed (exit code ${run.exitCode})`);
  return run.exitCode;
}

if (require.main === module) {
  process.on('SIGINT', () => process.exit(130));
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 1;
    },
  );
}
