import type { UiCheck } from './uiCheck';
import { languageStatus, openFromExplorer } from './workbenchActions';

export const checks: UiCheck[] = [
  {
    name: 'shows Restricted Mode in an untrusted workspace and still opens a Dockerfile',
    pass: 'untrusted',
    async run({ page, screenshot }) {
      await page.locator('.statusbar-item').filter({ hasText: 'Restricted Mode' }).waitFor();
      await openFromExplorer(page, 'Dockerfile');
      await languageStatus(page).filter({ hasText: /^Docker$/ }).waitFor();
      await screenshot('restricted-mode-dockerfile');
    },
  },
];
