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

/**
 * The editor tab of a file, by its file name, e.g. `Dockerfile.verdicts`. Not by the label's text:
 * VS Code 1.139 shows such a name as `Dockerfile` with the suffix `.verdicts` apart.
 */
export function editorTab(page: Page, name: string): Locator {
  return page.locator(`.tabs-container .tab[data-resource-name=${JSON.stringify(name)}]`);
}

/**
 * The Quick Fix / code action menu (Ctrl+.), while it is open. Not any `.action-widget`: VS Code 1.139
 * gives its submenu panel that class too.
 */
export function actionMenu(page: Page): Locator {
  return page.locator('.action-widget:not(.action-list-submenu-panel)');
}

/**
 * Opens the notification center and waits until it lists a notification containing `text`. The center
 * rather than the toasts: with the smoke-test driver on, which VS Code 1.139 needs to load an extension
 * under development (test/vscode/editors.json), the workbench shows no toasts, only the center.
 */
export async function waitForNotification(page: Page, text: string | RegExp): Promise<void> {
  // F1 while an input box is still closing would type the command into that box.
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await runCommand(page, 'Notifications: Show Notifications');
  await page.locator('.notifications-center').filter({ hasText: text }).waitFor();
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

/** Moves the cursor with Go to Line (Ctrl+G), e.g. `goToLine(page, 15, 12)`. */
export async function goToLine(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line}:${column}`);
  await input.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/**
 * Opens the Quick Fix menu (Ctrl+.) at the cursor, once the lightbulb shows that the editor has asked
 * for the fixes there, as a person would. Pressed before that, VS Code's own request for the lightbulb
 * can cancel the one Ctrl+. makes, and the menu says "No code actions available".
 */
export async function openQuickFix(page: Page): Promise<Locator> {
  // In the text, or in the gutter when the line leaves it no room (auto-fix: a preferred fix exists);
  // the editor keeps the one it does not show, hidden.
  await page.locator('.editor-instance .lightBulbWidget, .editor-instance [class*="gutter-lightbulb"]').filter({ visible: true }).first().waitFor();
  await page.keyboard.press('Control+.');
  return actionMenu(page);
}
