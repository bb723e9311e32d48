/** Playwright steps on VS Code's workbench, by what a user would see and press. */
import type { Locator, Page } from 'playwright-core';

/** Runs a command from the command palette by its label, e.g. `'View: Close All Editors'`. */
export async function runCommand(page: Page, label: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${label}`);
  await page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ hasText: label })
    .first()
    .waitFor({ state: 'visible' });
  await input.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** The Explorer row of a file or folder, by the name shown in the tree. */
export function explorerItem(page: Page, name: string): Locator {
  return page.locator('.explorer-folders-view').getByRole('treeitem', { name, exact: true });
}

/** The editor tab of a file, by its label. */
export function editorTab(page: Page, label: string): Locator {
  return page.locator('.tabs-container .tab').filter({ has: page.locator('.label-name', { hasText: label }) });
}

/** Brings the Explorer into the side bar, whatever view an earlier test left there. */
export async function showExplorer(page: Page): Promise<void> {
  await runCommand(page, 'View: Show Explorer');
  await page.locator('.explorer-folders-view').waitFor({ state: 'visible' });
}

/** Shows the Explorer, clicks a file in it and waits until its tab is the active one. */
export async function openFromExplorer(page: Page, name: string): Promise<void> {
  await showExplorer(page);
  await explorerItem(page, name).click();
  await editorTab(page, name).and(page.locator('.tab.active')).waitFor();
}

/** The language shown in the status bar for the active editor, e.g. `'Dockerfile'`. */
export function languageStatus(page: Page): Locator {
  return page.locator('[id="status.editor.mode"]');
}

/** Opens the Problems panel (Ctrl+Shift+M) and returns its text once `expected` appears in it. */
export async function problemsText(page: Page, expected: string | RegExp): Promise<string> {
  await page.keyboard.press('Control+Shift+M');
  const panel = page.locator('.markers-panel');
  await panel.filter({ hasText: expected }).waitFor();
  return panel.innerText();
}
