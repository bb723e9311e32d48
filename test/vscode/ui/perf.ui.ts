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
  await runCommand(page, 'Developer: Show Running Extensions');
  const row = page.locator('.runtime-extensions-editor .monaco-list-row').filter({ hasText: 'trustlens' });
  // VS Code's own figure: loading the code plus the activate() call.
  const time = row.locator('.activation-time').filter({ hasText: /Activation: \d+ms/ });
  await time.waitFor();
  const text = await time.innerText();
  const ms = Number(/Activation: (\d+)ms/.exec(text)?.[1]);
  assert.ok(Number.isFinite(ms), text);
  const recorded = await writeMetrics(session.options.repoRoot ?? process.cwd(), { activationMs: ms });
  console.log(`[metrics] ${METRICS_FILE}: activationMs ${ms} (${text.trim()}); all: ${JSON.stringify(recorded)}`);
}
