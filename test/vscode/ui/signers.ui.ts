import * as assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SCENARIOS } from '../../helpers/stack/scenarios';
import { startStack } from '../../helpers/stack/stack';
import { makeTempDir } from '../../helpers/stack/tempDir';
import { makeDockerConfig } from '../../helpers/trust/dockerConfig';
import { withCodeServer, type SessionOptions } from '../runInCodeServer';
import type { UiCheck } from './uiCheck';
import { openNestedFromExplorer } from './problemsFixture';
import { openFromExplorer } from './workbenchActions';

/** The cursor on the image of the active editor's `FROM` line, then "Show or Focus Hover" (Ctrl+K Ctrl+I). */
async function showHoverOnImage(page: Page): Promise<void> {
  await page.locator('.view-line').filter({ hasText: 'FROM' }).first().click();
  await page.keyboard.press('Home');
  for (let i = 0; i < 8; i += 1) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
}

export const checks: UiCheck[] = [
  {
    name: 'renders the trust hover and opens the Signers view from its link, on the real stack',
    async run({ options }) {
      const stack = await startStack();
      const workspace = await makeTempDir('signers-ui');
      try {
        const scenario = await SCENARIOS['two-signers'](stack);
        const docker = await makeDockerConfig([{ host: stack.notary.host, caPem: stack.notary.caPem }]);
        await writeFile(join(workspace.path, 'Dockerfile'), `FROM ${scenario.gun}:v1\n`);
        // The same tag under a policy that also wants qa, who has not signed it.
        await mkdir(join(workspace.path, 'release'));
        await writeFile(join(workspace.path, 'release', '.trustlens.yaml'), `rules:\n  - images: ["${scenario.gun}"]\n    requireSigners: [alice, qa]\n`);
        await writeFile(join(workspace.path, 'release', 'Dockerfile.release'), `FROM ${scenario.gun}:v1\n`);
        const own: SessionOptions = {
          ...options,
          workspace: workspace.path,
          extensionDevelopmentPath: options.extensionDevelopmentPath ?? process.cwd(),
          settings: { ...options.settings, 'trustlens.trustServers': { [stack.registry.host]: stack.notary.url }, 'trustlens.dockerConfigDir': docker.path },
        };
        delete own.extensionTestsPath;
        await withCodeServer(own, async ({ page, screenshot }) => {
          await openFromExplorer(page, 'Dockerfile');
          await page.locator('.statusbar-item').filter({ hasText: /^TrustLens: Pass — 1 signed$/ }).waitFor();

          await showHoverOnImage(page);
          const hover = page.locator('.monaco-hover').filter({ hasText: 'TrustLens' });
          await hover.filter({ hasText: /platform manifest/ }).waitFor();
          const text = await hover.innerText();
          assert.ok(text.includes(`${scenario.gun}:v1`), text);
          assert.ok(text.includes(`Signed digest: ${scenario.images.v1!.digest} — platform manifest`), text);
          assert.match(text, /Signed by: alice, bob/);
          assert.match(text, /— soonest/);
          assert.doesNotMatch(text, /\\/, 'escapes never show');
          await screenshot('trust-hover');

          await hover.getByRole('link', { name: 'Show signers' }).click();
          const view = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: 'Signers' }) });
          const row = (label: string) => view.getByRole('treeitem').filter({ hasText: label });
          await row(scenario.gun).and(page.locator('[aria-expanded="true"]')).waitFor();
          for (const label of ['Signers', 'releases', 'alice', 'bob', 'Signed tags', 'v1', 'Administrative keys', 'Root', 'Repository']) {
            await row(label).first().waitFor();
          }
          assert.match(await row('v1').first().innerText(), /alice, bob/);
          await screenshot('signers-view');

          // Where a person glances, a signed tag the policy fails is never "signed".
          await openNestedFromExplorer(page, 'release', 'Dockerfile.release');
          await page.locator('.statusbar-item').filter({ hasText: /^TrustLens: Fail — 1 policy not met$/ }).waitFor();
          await showHoverOnImage(page);
          const failing = page.locator('.monaco-hover').filter({ hasText: 'TrustLens' });
          await failing.filter({ hasText: 'Fail — Signed, but the policy requires alice and qa; qa has not signed' }).waitFor();
          await failing.getByRole('link', { name: 'Show signers' }).click();
          await row(scenario.gun).filter({ hasText: /Fail — / }).first().waitFor();
          await row('v1').filter({ hasText: /Fail — Signed, but the policy requires alice and qa/ }).first().waitFor();
          await screenshot('policy-not-met');
        });
      } finally {
        await workspace.remove();
        await stack.stop();
      }
    },
  },
];
