import * as assert from 'node:assert/strict';
import type { UiCheck } from './uiCheck';
import { openNestedFromExplorer, withUiFixture } from './problemsFixture';
import { assertNotClipped, README_VIEWPORT, readmeScreenshot } from './readmeScreenshot';

/** Each finding of verdicts/Dockerfile.verdicts: its code, where the Problems view puts it, and words of its message. */
const FINDINGS = [
  { code: 'unsigned-tag', at: '[Ln 3, Col 6]', says: '127.0.0.1:15080/trustlens/app:3.19.5 is not signed in 127.0.0.1:15080/trustlens/app' },
  { code: 'not-released', at: '[Ln 4, Col 6]', says: 'is signed only by alice (targets/alice), not released' },
  { code: 'digest-mismatch', at: '[Ln 5, Col 6]', says: 'pins sha256:000000000000…, but 3.20 is signed as' },
  { code: 'no-trust-data', at: '[Ln 6, Col 6]', says: '127.0.0.1:15080/trustlens/empty has no trust data on https://127.0.0.1:' },
  { code: 'implicit-latest', at: '[Ln 7, Col 6]', says: 'has no tag, so it means 127.0.0.1:15080/trustlens/app:latest' },
  { code: 'unverifiable', at: '[Ln 8, Col 6]', says: 'Could not verify 127.0.0.1:9/team/app:1.0' },
] as const;

export const checks: UiCheck[] = [
  {
    name: 'lists the verdicts of the Dockerfile fixture, with their codes, in the Problems panel (Ctrl+Shift+M)',
    async run(suite) {
      await withUiFixture(suite, { label: 'problems-window', viewport: README_VIEWPORT }, async (session) => {
        const { page } = session;
        await openNestedFromExplorer(page, 'verdicts', 'Dockerfile.verdicts');
        await page.locator('.editor-instance .view-lines').filter({ hasText: 'AS released' }).waitFor();
        // The squiggles are drawn once the verdicts arrive.
        await page.locator('.editor-instance .squiggly-error').first().waitFor();
        await page.mouse.move(900, 300);
        await page.keyboard.press('Control+Shift+M');
        const panel = page.locator('.markers-panel');
        for (const f of FINDINGS) await panel.filter({ hasText: f.says }).waitFor();

        const rows = await panel.locator('.monaco-list-row').allInnerTexts();
        const fileRow = rows.find((r) => r.startsWith('Dockerfile.verdicts'));
        assert.ok(fileRow, `no row for the file in:\n${rows.join('\n---\n')}`);
        assert.match(fileRow, /\b6\b/, 'six problems in the file');
        for (const f of FINDINGS) {
          const row = rows.find((r) => r.includes(f.says));
          assert.ok(row, `no row says ${f.says}`);
          const flat = row.replace(/\s+/g, ' ');
          assert.ok(flat.includes(`TrustLens ${f.code}`) || (flat.includes('TrustLens') && flat.includes(f.code)), `${f.code} in: ${flat}`);
          assert.ok(flat.includes(f.at), `${f.at} in: ${flat}`);
        }
        assert.equal(rows.filter((r) => r.includes('app:3.19 ') || r.includes('AS released')).length, 0, 'the released tag has no problem');
        // The Problems panel as wide as the window, so that the messages can be read.
        await page.keyboard.press('Control+B');
        await page.locator('.part.sidebar').waitFor({ state: 'hidden' });
        // Each message is read whole, none cut off with an ellipsis.
        await assertNotClipped(panel.locator('.marker-message'), 'a message in the Problems panel');
        await readmeScreenshot(session, 'diagnostics-problems');
      });
    },
  },
];
