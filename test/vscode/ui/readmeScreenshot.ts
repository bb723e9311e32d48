/**
 * The README's screenshots, taken by the UI checks that drive what they show. A screenshot is taken
 * only once the page has settled (every finite animation, such as a hover fading in, has finished)
 * and fails the check when the TrustLens status bar item or a row it names is cut off.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { SCREENSHOTS_EDITOR } from '../editors';
import type { Session } from '../runInCodeServer';

/**
 * With `TRUSTLENS_README_SCREENSHOTS=1`, README screenshots are written to media/screenshots/ too, from
 * the VS Code test/vscode/editors.json names for them only.
 */
export const README_SCREENSHOTS_ENV = 'TRUSTLENS_README_SCREENSHOTS';

/**
 * The window the README's screenshots are taken in: wide enough for the status bar's TrustLens
 * summary of the verdicts fixture, which VS Code cuts off at 40% of the window's width.
 */
export const README_VIEWPORT = { width: 1680, height: 900 };

interface PageAnimation {
  readonly playState: string;
  readonly finished: Promise<unknown>;
  readonly effect: { getTiming(): { iterations?: number } } | null;
}

/** Resolves once no finite animation runs on the page (spinners run forever and are left alone). */
export async function settled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const doc = (globalThis as unknown as { document: { getAnimations(): PageAnimation[] } }).document;
    for (;;) {
      const running = doc.getAnimations().filter((a) => a.playState === 'running' && a.effect?.getTiming().iterations !== Infinity);
      if (running.length === 0) return;
      await Promise.all(running.map((a) => a.finished.catch(() => undefined)));
    }
  });
}

/** Fails naming each element of `locator` (or element inside one) whose content is wider than its box, that is cut off. */
export async function assertNotClipped(locator: Locator, what: string): Promise<void> {
  const clipped = await locator.evaluateAll((elements) => {
    type Box = { scrollWidth: number; clientWidth: number; textContent: string | null; querySelectorAll(s: string): ArrayLike<Box> };
    return (elements as unknown as Box[])
      .flatMap((el) => [el, ...Array.from(el.querySelectorAll('*'))])
      .filter((el) => el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
      .map((el) => (el.textContent ?? '').trim());
  });
  assert.deepEqual([...new Set(clipped)], [], `${what} is cut off`);
}

/**
 * Drags the side bar's edge `by` pixels to the right, so that long rows in it fit. By the sash nearest
 * that edge: VS Code 1.139 leaves a gap between the side bar and the editor, with the sash in it.
 */
export async function widenSideBar(page: Page, by: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  assert.ok(box, 'the side bar is shown');
  const y = box.y + box.height / 2;
  const edge = box.x + box.width;
  const sashes = await page.locator('.monaco-sash.vertical').evaluateAll((elements) => {
    type Rect = { x: number; width: number; height: number };
    return (elements as unknown as { getBoundingClientRect(): Rect }[]).map((el) => el.getBoundingClientRect()).filter((r) => r.height > 0).map((r) => r.x + r.width / 2);
  });
  const x = sashes.filter((s) => Math.abs(s - edge) <= 12).sort((a, b) => Math.abs(a - edge) - Math.abs(b - edge))[0] ?? edge - 1;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + by, y, { steps: 10 });
  await page.mouse.up();
  await page.locator('.part.sidebar').and(page.locator(`[style*="width: ${Math.round(box.width + by)}px"]`)).waitFor().catch(() => undefined);
  const after = await page.locator('.part.sidebar').boundingBox();
  assert.ok(after && after.width > box.width + by / 2, `the side bar is wider: ${box.width} → ${after?.width}`);
}

/**
 * Saves a screenshot under out/screenshots, and for the README under media/screenshots when
 * {@link README_SCREENSHOTS_ENV} is `1` and the session runs the VS Code the README shows, once the
 * page has settled and the TrustLens status bar item is shown whole. The window's size is the
 * session's viewport.
 */
export async function readmeScreenshot(session: Session, name: string): Promise<void> {
  await settled(session.page);
  await assertNotClipped(session.page.locator('.statusbar-item').filter({ hasText: /^TrustLens: / }), 'the TrustLens status bar item');
  const file = await session.screenshot(name);
  if (process.env[README_SCREENSHOTS_ENV] === '1' && session.codeServer.editor.codeServer === SCREENSHOTS_EDITOR.codeServer) {
    const dir = path.join(session.options.repoRoot ?? process.cwd(), 'media', 'screenshots');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(file, path.join(dir, `${name}.png`));
  }
}
