/**
 * Opens code-server's web workbench in Debian's Chromium through playwright-core, wired to the two
 * hooks VS Code's smoke-test driver uses: `codeAutomationLog` (workbench and extension host logs) and
 * `codeAutomationExit` (the exit code of an `extensionTestsPath` run).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Flags that keep Chromium headless-friendly and on loopback only. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The payload that turns the window into an Extension Development Host (and runs tests, if given). */
export interface DevelopmentPayload {
  /** Absolute path of the extension under development, e.g. the repository root. */
  extensionDevelopmentPath: string;
  /** Absolute path of the compiled suite index exporting `run()`; omit to only load the extension. */
  extensionTestsPath?: string;
}

/** The workbench URL for a folder, e.g. `http://127.0.0.1:41234/?folder=%2Fw&payload=…`. */
export function workbenchUrl(origin: string, folder: string, payload?: DevelopmentPayload): string {
  const url = new URL('/', origin);
  url.searchParams.set('folder', folder);
  if (payload) {
    // The server resolves vscode-remote URIs of its own authority to paths on its disk.
    const remote = (p: string): string => `vscode-remote://${url.host}${p}`;
    const entries: [string, string][] = [['extensionDevelopmentPath', remote(payload.extensionDevelopmentPath)]];
    if (payload.extensionTestsPath) entries.push(['extensionTestsPath', remote(payload.extensionTestsPath)]);
    url.searchParams.set('payload', JSON.stringify(entries));
  }
  return url.toString();
}

export interface WorkbenchOptions {
  /** The code-server port; Chromium refuses a few ports as unsafe unless told otherwise. */
  port: number;
  /** Receives every workbench log line: level (`info`, `error`, …) and the joined message. */
  onLog?: (level: string, message: string) => void;
  /** Called with the exit code the workbench reports once an `extensionTestsPath` run settles. */
  onExit?: (code: number) => void;
  /** Default 1280×800. */
  viewport?: { width: number; height: number };
}

export interface Workbench {
  readonly browser: Browser;
  readonly page: Page;
  close(): Promise<void>;
}

/** Launches Chromium and a page with the automation hooks exposed; navigate with `page.goto(workbenchUrl(…))`. */
export async function openWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  // Chromium keeps its crash database under $XDG_CONFIG_HOME/chromium whatever the profile; keep it private.
  const configHome = fs.mkdtempSync(path.join(os.tmpdir(), 'trustlens-chromium-'));
  const browser = await chromium
    .launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS, `--explicitly-allowed-ports=${options.port}`],
      env: { ...process.env, XDG_CONFIG_HOME: configHome },
    })
    .catch((e: unknown) => {
      fs.rmSync(configHome, { recursive: true, force: true });
      throw e;
    });
  const close = async (): Promise<void> => {
    await browser.close();
    fs.rmSync(configHome, { recursive: true, force: true });
  };
  try {
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 } });
    const page = await context.newPage();
    // Both hooks must exist before the workbench script runs, so expose them before navigating.
    await page.exposeFunction('codeAutomationLog', (level: unknown, args: unknown) => {
      // The extension host's console arrives as console.log's arguments, format string first.
      options.onLog?.(String(level), Array.isArray(args) ? format(...(args as unknown[])) : String(args));
    });
    await page.exposeFunction('codeAutomationExit', (code: unknown) => {
      options.onExit?.(typeof code === 'number' ? code : Number(code));
    });
    return { browser, page, close };
  } catch (e) {
    await close();
    throw e;
  }
}
