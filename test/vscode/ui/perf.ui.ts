import * as assert from 'node:assert/strict';
import { METRICS_FILE, writeMetrics } from '../perfMetrics';
import { withCodeServer, type Session, type SessionOptions } from '../runInCodeServer';
import type { UiCheck } from './uiCheck';
import { openFromExplorer, runCommand } from './workbenchActions';

export const checks: UiCheck[] = [
  {
    name: 'records VS Code\'s activation time of TrustLens, on a fresh window, from the Running Extensions view',
    async run(suite) {
      // A window of its own: its extension host has not activated TrustLens yet.
      const own: SessionOptions = { ...suite.options, extensionDevelopmentPath: suite.options.extensionDevelopmentPath ?? process.cwd() };
      delete own.extensionTestsPath;
      await withCodeServer(own, (session) => recordActivation(session));
    },
  },
];

/** Opens a Dockerfile (onLanguage:dockerfile activates TrustLens) and records the time VS Code reports. */
async function recordActivation(session: Session): Promise<void> {
  const { page } = session;
  await openFromExplorer(page, 'Dockerfile');
  // TrustLens's status bar item shows once it has activated. The Running Extensions view of VS Code
  // 1.139 opened before that may never show the activation time: it is opened after.
  await page.locator('.statusbar-item').filter({ hasText: /TrustLens: / }).first().waitFor();
  await runCommand(page, 'Developer: Show Running Extensions');
  const rows = page.locator('.runtime-extensions-editor .monaco-list-row');
  const row = rows.filter({ hasText: 'trustlens' });
  // The list is sorted by activation time, slowest first, and draws only the rows in view: TrustLens,
  // quick to activate, can be below them. Scroll down until its row is drawn (a bounded number of times).
  // (VS Code 1.139 shows the view as a modal editor whose header covers the first row: the wheel turns
  // over the middle of the list.)
  await rows.first().waitFor();
  const list = await page.locator('.runtime-extensions-editor .monaco-list').first().boundingBox();
  assert.ok(list, 'the Running Extensions list has no box');
  await page.mouse.move(list.x + list.width / 2, list.y + list.height / 2);
  for (let step = 0; step < 40 && (await row.count()) === 0; step += 1) await page.mouse.wheel(0, 200);
  // VS Code's own figure: loading the code plus the activate() call.
  const time = row.locator('.activation-time').filter({ hasText: /Activation: \d+ms/ });
  await time.waitFor();
  const text = await time.innerText();
  const ms = Number(/Activation: (\d+)ms/.exec(text)?.[1]);
  assert.ok(Number.isFinite(ms), text);
  const recorded = await writeMetrics(session.options.repoRoot ?? process.cwd(), { activationMs: ms });
  console.log(`[metrics] ${METRICS_FILE}: activationMs ${ms} (${text.trim()}); all: ${JSON.stringify(recorded)}`);
}
