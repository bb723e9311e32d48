import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { FIXTURE_REGISTRY, OFFLINE_REGISTRY } from '../diagnosticsStack';
import type { Session } from '../runInCodeServer';
import type { UiCheck } from './uiCheck';
import { editorLines, openNestedFromExplorer, withUiFixture } from './problemsFixture';
import { assertNotClipped, README_VIEWPORT, readmeScreenshot, widenSideBar } from './readmeScreenshot';
import { goToLine, openQuickFix, runCommand } from './workbenchActions';

const RELEASED = `${FIXTURE_REGISTRY}/trustlens/app:3.19`;

/** Moves the cursor with Go to Line (Ctrl+G), e.g. `'2:10'`. */
export const checks: UiCheck[] = [
  {
    name: 'pins the released tag from the Quick Fix menu (Ctrl+.), and shows its hover and the Signers view',
    async run(suite) {
      const workspace = reachableWorkspace(suite.options.workspace);
      try {
        // The window saves nothing (files.autoSave is off): the pin leaves the file unsaved.
        const file = path.join(workspace, 'verdicts', 'Dockerfile.verdicts');
        const written = fs.readFileSync(file);
        await pinFromLightbulb(suite, workspace);
        assert.ok(fs.readFileSync(file).equals(written), `${file} was saved by the quick fix`);
      } finally {
        fs.rmSync(path.dirname(workspace), { recursive: true, force: true });
      }
    },
  },
];

/**
 * A copy of the fixture's verdicts/Dockerfile.verdicts, without the reference to the offline trust
 * server, in a folder of its own named `workspace`: what the README shows is a project whose trust
 * servers answer, so the Signers view is in its normal state (the banner for unreachable servers is
 * checked by the Signers view's tests).
 */
function reachableWorkspace(fixtures: string): string {
  const workspace = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'trustlens-readme-')), 'workspace');
  const lines = fs.readFileSync(path.join(fixtures, 'verdicts', 'Dockerfile.verdicts'), 'utf8').split('\n');
  const reachable = lines.filter((l) => !l.includes(`${OFFLINE_REGISTRY}/`));
  assert.equal(lines.length - reachable.length, 1, 'one reference to the offline trust server is left out');
  fs.mkdirSync(path.join(workspace, 'verdicts'), { recursive: true });
  fs.writeFileSync(path.join(workspace, 'verdicts', 'Dockerfile.verdicts'), reachable.join('\n'));
  return workspace;
}

/**
 * Drags the hover's lower edge down until all its content shows, as a user does to read a long hover
 * (VS Code opens one at most a quarter of the editor or 250 px high, and scrolls the rest).
 */
async function showWholeHover(page: Page, hover: Locator): Promise<void> {
  const content = hover.locator('.monaco-hover-content');
  const hidden = () => content.evaluate((el) => el.scrollHeight - el.clientHeight);
  const cut = await hidden();
  if (cut > 0) {
    const box = await page.locator('.monaco-resizable-hover').filter({ has: hover }).boundingBox();
    assert.ok(box, 'the hover is shown');
    const x = box.x + box.width / 2;
    const y = box.y + box.height - 1;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x, y + cut + 8, { steps: 10 });
    await page.mouse.up();
  }
  assert.ok((await hidden()) <= 0, `the hover still hides ${await hidden()} px of its content`);
}

/** In a window on `workspace`: pins through the Quick Fix menu, then shows the hover and the Signers view. */
async function pinFromLightbulb(suite: Session, workspace: string): Promise<void> {
  await withUiFixture(suite, { label: 'lightbulb-window', settings: { 'files.autoSave': 'off' }, viewport: README_VIEWPORT, workspace }, async (session, { stack }) => {
    const { page } = session;
    const digest = stack.digests['app:3.19']!;
    await openNestedFromExplorer(page, 'verdicts', 'Dockerfile.verdicts');
    await page.locator('.editor-instance .squiggly-error').first().waitFor();
    const before = await editorLines(page);
    const line = before.findIndex((l) => l.startsWith(`FROM ${RELEASED} `)) + 1;
    assert.ok(line > 0, `no line with ${RELEASED} in:\n${before.join('\n')}`);

    // The cursor on the unpinned, signed image: the lightbulb offers its fixes.
    await goToLine(page, line, 12);
    const menu = await openQuickFix(page);
    const pin = menu.locator('.monaco-list-row').filter({ hasText: /Pin to signed digest sha256:/ });
    await pin.waitFor({ state: 'visible' });
    const offered = await menu.locator('.monaco-list-row').allInnerTexts();
    assert.ok(offered.some((t) => t.includes(`Pin to signed digest ${digest.slice(0, 19)}`)), `offered:\n${offered.join('\n')}`);
    await readmeScreenshot(session, 'quick-fix-menu');
    // Chosen with the keyboard: while the menu is open VS Code lays a pointer block over the page.
    for (let i = 0; i < offered.length && !(await pin.getAttribute('class'))?.split(' ').includes('focused'); i += 1) {
      await page.keyboard.press('ArrowDown');
    }
    assert.match((await pin.getAttribute('class')) ?? '', /\bfocused\b/);
    await page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden' });

    // The editor now shows the pinned line, and only that line changed, unsaved (autoSave is `afterDelay` on the web, `off` here as on desktop).
    const pinned = `FROM ${RELEASED}@${digest} AS released`;
    await page.locator('.editor-instance .view-lines').filter({ hasText: `@${digest}` }).waitFor();
    await page.locator('.tabs-container .tab.active.dirty').waitFor();
    const after = await editorLines(page);
    assert.deepEqual(after, before.map((l, i) => (i === line - 1 ? pinned : l)));

    // The hover over the pinned image (Ctrl+K Ctrl+I shows it at the cursor); the mouse out of the way.
    await page.mouse.move(900, 700);
    await goToLine(page, line, 12);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover').filter({ hasText: 'TrustLens' }).first();
    await hover.filter({ hasText: 'Pass — Signed' }).waitFor({ state: 'visible' });
    assert.ok((await hover.innerText()).includes(digest), 'the hover names the signed digest');
    await showWholeHover(page, hover);
    await hover.getByText('Show signers').waitFor({ state: 'visible' });
    await readmeScreenshot(session, 'hover');
    await page.keyboard.press('Escape');

    // The Signers view lists the repositories of the open file.
    await runCommand(page, 'Focus on Signers View');
    const tree = page.locator('.pane-body').filter({ has: page.getByRole('treeitem', { name: new RegExp(`${FIXTURE_REGISTRY}/trustlens/signers`) }) });
    const repo = tree.getByRole('treeitem', { name: new RegExp(`^${FIXTURE_REGISTRY.replace(/\./g, '\\.')}/trustlens/signers`) }).first();
    await repo.waitFor({ state: 'visible' });
    if ((await repo.getAttribute('aria-expanded')) !== 'true') await repo.click();
    const signers = tree.getByRole('treeitem', { name: /^Signers/ }).first();
    await signers.waitFor({ state: 'visible' });
    if ((await signers.getAttribute('aria-expanded')) !== 'true') await signers.click();
    await tree.getByRole('treeitem', { name: /alice/ }).first().waitFor({ state: 'visible' });
    // Wide enough for each row whole: a repository with its expiry, a role with its threshold and expiry.
    await widenSideBar(page, 260);
    await assertNotClipped(tree.getByRole('treeitem').locator('.monaco-icon-label-container'), 'a row of the Signers view');
    assert.doesNotMatch(await tree.innerText(), /unreachable/, 'every trust server of the workspace answers');
    await readmeScreenshot(session, 'signers-view');
  });
}
