import * as assert from 'node:assert/strict';
import type { UiCheck } from './uiCheck';
import { editorTab, languageStatus, openFromExplorer, runCommand } from './workbenchActions';

export const checks: UiCheck[] = [
  {
    name: 'opens the Dockerfile from the Explorer of the Extension Development Host',
    async run({ page, screenshot }) {
      await runCommand(page, 'View: Close All Editors');
      await editorTab(page, 'Dockerfile').waitFor({ state: 'detached' });

      await openFromExplorer(page, 'Dockerfile');
      await page.locator('.editor-instance .view-lines').filter({ hasText: 'FROM' }).waitFor();
      // The built-in docker extension names the language "Docker".
      await languageStatus(page).filter({ hasText: /^Docker$/ }).waitFor();
      assert.match(await page.title(), /\[Extension Development Host\]/);
      await screenshot('explorer-dockerfile');
    },
  },
];
