/**
 * What the UI checks on the committed fixtures share: a window of their own (the suite's window has
 * no extension host left once its tests ended) with user settings pointing TrustLens at the fixture
 * stack, started here in node; opening a nested fixture from the Explorer; reading the editor's lines.
 */
import type { Page } from 'playwright-core';
import type { TestDockerConfig } from '../../helpers/trust/dockerConfig';
import { fixtureDockerConfig, fixtureSettings, startFixtureStack, type FixtureStack } from '../diagnosticsStack';
import { withCodeServer, type Session, type SessionOptions } from '../runInCodeServer';
import { editorTab, explorerItem, showExplorer } from './workbenchActions';

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
  /** The window's size; default 1280×800. */
  viewport?: { width: number; height: number };
  /** The folder the window opens; default the suite's workspace, test/fixtures/workspace. */
  workspace?: string;
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
    const window = {
      ...ownWindow(suite, settings, options.installVsix),
      ...(options.viewport ? { viewport: options.viewport } : {}),
      ...(options.workspace ? { workspace: options.workspace } : {}),
    };
    return await withCodeServer(window, async (session) => {
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
