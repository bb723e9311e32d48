/**
 * What the UI checks on the committed fixtures share: a window of their own (the suite's window has
 * no extension host left once its tests ended) with user settings pointing TrustLens at the fixture
 * stack, started here in node; opening a nested fixture from the Explorer; reading the editor's lines;
 * and screenshots for the README.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { TestDockerConfig } from '../../helpers/trust/dockerConfig';
import { fixtureDockerConfig, fixtureSettings, startFixtureStack, type FixtureStack } from '../diagnosticsStack';
import { withCodeServer, type Session, type SessionOptions } from '../runInCodeServer';
import { editorTab, explorerItem, showExplorer } from './workbenchActions';

/** With `TRUSTLENS_README_SCREENSHOTS=1`, README screenshots are written to media/screenshots/ too. */
export const README_SCREENSHOTS_ENV = 'TRUSTLENS_README_SCREENSHOTS';

export interface UiFixture {
  readonly stack: FixtureStack;
  readonly docker: TestDockerConfig;
}

/**
 * A new window on the suite's workspace with no tests: with the extension under development, or, given
 * `installVsix`, with only that package installed (as a user installs it) and nothing under development.
 */
export function ownWindow(suite: Session, settings: Record<string, unknown> = {}, installVsix?: string): SessionOptions {
  const own: SessionOptions = {
    ...suite.options,
    extensionDevelopmentPath: suite.options.extensionDevelopmentPath ?? process.cwd(),
    settings: { ...suite.options.settings, ...settings },
  };
  delete own.extensionTestsPath;
  if (installVsix !== undefined) {
    delete own.extensionDevelopmentPath;
    own.installExtensions = [installVsix];
  }
  return own;
}

/** Options of {@link withUiFixture}. */
export interface UiFixtureOptions {
  /** Names the screenshot of the window when the check fails: `failed-<label>.png`. */
  label: string;
  /** More user settings for the window, e.g. `{ 'files.autoSave': 'off' }`. */
  settings?: Record<string, unknown>;
  /** Run the extension from this package, installed into the window's fresh extensions dir, not from the repository. */
  installVsix?: string;
}

/**
 * Starts the fixture stack and a window whose user settings point TrustLens at it; stops both after
 * `fn`. When `fn` fails, that window is saved as `failed-<label>.png`.
 */
export async function withUiFixture<T>(suite: Session, options: UiFixtureOptions, fn: (session: Session, fixture: UiFixture) => Promise<T>): Promise<T> {
  const stack = await startFixtureStack();
  let docker: TestDockerConfig | undefined;
  const label = options.label;
  try {
    docker = await fixtureDockerConfig([stack.stack]);
    const fixture = { stack, docker };
    const settings = { ...fixtureSettings({ main: stack, dockerConfig: docker }), ...options.settings };
    return await withCodeServer(ownWindow(suite, settings, options.installVsix), async (session) => {
      try {
        return await fn(session, fixture);
      } catch (e) {
        await session.screenshot(`failed-${label}`).catch(() => undefined);
        throw e;
      }
    });
  } finally {
    await docker?.remove();
    await stack.stop();
  }
}

/** Opens `folder/name` from the Explorer, expanding the folder first, and waits for its active tab. */
export async function openNestedFromExplorer(page: Page, folder: string, name: string): Promise<void> {
  await showExplorer(page);
  const item = explorerItem(page, folder);
  if ((await item.getAttribute('aria-expanded')) !== 'true') await item.click();
  await explorerItem(page, name).click();
  await editorTab(page, name).and(page.locator('.tab.active')).waitFor();
}

/** The lines the active editor shows, as text (Monaco renders spaces as no-break spaces). */
export async function editorLines(page: Page): Promise<string[]> {
  const lines = page.locator('.editor-instance .monaco-editor .view-lines .view-line');
  const tops = await lines.evaluateAll((els) => els.map((el) => ({ top: parseFloat((el as unknown as { style: { top: string } }).style.top), text: el.textContent ?? '' })));
  return tops.sort((a, b) => a.top - b.top).map((l) => l.text.replace(/\u00a0/g, ' '));
}

/**
 * Saves a screenshot under out/screenshots, and for the README under media/screenshots when
 * {@link README_SCREENSHOTS_ENV} is `1`. 1280×800, the workbench's viewport.
 */
export async function readmeScreenshot(session: Session, name: string): Promise<void> {
  const file = await session.screenshot(name);
  if (process.env[README_SCREENSHOTS_ENV] === '1') {
    const dir = path.join(session.options.repoRoot ?? process.cwd(), 'media', 'screenshots');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(file, path.join(dir, `${name}.png`));
  }
}
