import * as assert from 'node:assert/strict';
import { extensionHostLogs } from '../hostLog';
import { withCodeServer, type Session, type SessionOptions } from '../runInCodeServer';
import type { UiCheck } from './uiCheck';
import { editorTab, openFromExplorer, runCommand } from './workbenchActions';

export const checks: UiCheck[] = [
  {
    name: 'summarises the active Dockerfile in the status bar and opens the TrustLens problems from it',
    async run({ options }) {
      // The suite's window has no extension host left once its tests ended: open one that keeps it.
      const own: SessionOptions = { ...options, extensionDevelopmentPath: options.extensionDevelopmentPath ?? process.cwd() };
      delete own.extensionTestsPath;
      await withCodeServer(own, (session) => explained(session, async ({ page, screenshot }) => {
        const item = page.locator('.statusbar-item').filter({ hasText: /TrustLens: / });
        await openFromExplorer(page, 'Dockerfile');
        // The fixture names a registry with no trust server running: its one image cannot be checked.
        await item.filter({ hasText: /^TrustLens: Fail — 1 unverifiable$/ }).waitFor();
        assert.equal(await item.locator('.codicon-sync').count(), 0, 'no spinner once the check is done');
        await screenshot('status-bar-summary');

        await item.click();
        const panel = page.locator('.markers-panel');
        await panel.waitFor({ state: 'visible' });
        // VS Code has no command that sets the filter text. TrustLens asks it to focus the filter box,
        // but VS Code 1.100 drops that request when it comes before the box is drawn, which an extension
        // cannot see: so the filter is clicked, as a person does when the cursor is not there.
        const filter = page.locator('.viewpane-filter input, .viewpane-filter textarea').first();
        await filter.waitFor({ state: 'visible' });
        await filter.click();
        await page.keyboard.type('TrustLens');
        await panel.filter({ hasText: 'Could not verify' }).waitFor();
        await screenshot('problems-filtered-to-trustlens');

        // Hidden for any other file.
        await runCommand(page, 'View: Close All Editors');
        await editorTab(page, 'Dockerfile').waitFor({ state: 'detached' });
        await item.waitFor({ state: 'hidden' });
      }));
    },
  },
];

/**
 * Runs `steps`; when they fail, the error also says what the window showed and what the extension
 * host logged: how many extension hosts the session started (more than one means it restarted) and
 * the last lines of the latest.
 */
async function explained(session: Session, steps: (session: Session) => Promise<void>): Promise<void> {
  try {
    await steps(session);
  } catch (e) {
    const bar = await session.page.locator('.statusbar-item').allInnerTexts().catch(() => []);
    const logs = extensionHostLogs(session.codeServer.userDataDir);
    const tail = (logs.at(-1) ?? '').split('\n').slice(-25).join('\n');
    const error = e instanceof Error ? e : new Error(String(e));
    error.message += `\nstatus bar: ${JSON.stringify(bar.filter((t) => t.trim() !== ''))}\nextension hosts started: ${logs.length}\nlatest extension host log:\n${tail}`;
    throw error;
  }
}
