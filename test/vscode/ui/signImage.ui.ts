/**
 * "TrustLens: Sign Image…" as a user runs it, on the real stack: from the command palette with the
 * cursor on an unsigned image, accepting the prefilled reference and typing every passphrase into
 * VS Code's real password boxes. Then the status bar turns to signed, docker agrees, and nothing
 * code-server keeps (logs, settings, storage) holds a passphrase or private key material.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { dockerTrustInspect } from '../../helpers/stack/dockerCli';
import { pushImage } from '../../helpers/stack/push';
import { startStack } from '../../helpers/stack/stack';
import { makeTempDir } from '../../helpers/stack/tempDir';
import { makeDockerConfig } from '../../helpers/trust/dockerConfig';
import { findSecrets, keyMaterialSecrets, passphraseSecrets } from '../../helpers/trust/secrets';
import { withCodeServer, type SessionOptions } from '../runInCodeServer';
import type { UiCheck } from './uiCheck';
import { openFromExplorer, waitForNotification } from './workbenchActions';

const PASS = { root: 'ui-root-Hq83nd', repository: 'ui-repo-Wc27pz' };

/** Types into the quick input once it shows `prompt`, checking that it hides what is typed. */
async function typePassphrase(page: Page, prompt: RegExp, passphrase: string): Promise<void> {
  const widget = page.locator('.quick-input-widget').filter({ hasText: prompt });
  await widget.waitFor({ state: 'visible' });
  const input = widget.locator('.quick-input-box input');
  assert.equal(await input.getAttribute('type'), 'password', `the box for ${prompt} hides what is typed`);
  await input.fill(passphrase);
  await input.press('Enter');
}

export const checks: UiCheck[] = [
  {
    name: 'signs an image from the palette, with the passphrases typed into real password boxes',
    async run({ options }) {
      const stack = await startStack();
      const workspace = await makeTempDir('sign-ui');
      const docker = await makeDockerConfig([{ host: stack.notary.host, caPem: stack.notary.caPem }]);
      try {
        const gun = `${stack.registry.host}/ui/app`;
        const image = await pushImage(stack.registry, 'ui/app', 'v1');
        await writeFile(join(workspace.path, 'Dockerfile'), `FROM ${gun}:v1\n`);
        const own: SessionOptions = {
          ...options,
          workspace: workspace.path,
          extensionDevelopmentPath: options.extensionDevelopmentPath ?? process.cwd(),
          settings: { ...options.settings, 'trustlens.trustServers': { [stack.registry.host]: stack.notary.url }, 'trustlens.dockerConfigDir': docker.path, 'trustlens.debounceMs': 0 },
        };
        delete own.extensionTestsPath;
        await withCodeServer(own, async ({ page, screenshot, codeServer }) => {
          await openFromExplorer(page, 'Dockerfile');
          const status = page.locator('.statusbar-item').filter({ hasText: /^TrustLens: / });
          await status.filter({ hasText: /^TrustLens: Fail — 1 no trust data$/ }).waitFor();

          // The cursor on the image, then the command from the palette.
          await page.locator('.view-line').filter({ hasText: 'FROM' }).first().click();
          await page.keyboard.press('Home');
          for (let i = 0; i < 8; i += 1) await page.keyboard.press('ArrowRight');
          await page.keyboard.press('F1');
          const input = page.locator('.quick-input-widget .quick-input-box input');
          await input.fill('>TrustLens: Sign Image');
          await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'TrustLens: Sign Image…' }).first().waitFor();
          await input.press('Enter');
          const reference = page.locator('.quick-input-widget').filter({ hasText: /The image to sign, as IMAGE:TAG/ });
          await reference.waitFor({ state: 'visible' });
          assert.equal(await reference.locator('.quick-input-box input').inputValue(), `${gun}:v1`, 'the reference under the cursor is prefilled');
          await input.press('Enter');
          // The scheme: Docker Content Trust, the first choice (cosign the second).
          await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'Sigstore cosign' }).first().waitFor({ state: 'visible' });
          await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'Docker Content Trust' }).first().waitFor({ state: 'visible' });
          await input.press('Enter');

          await typePassphrase(page, /Choose a passphrase for the new root key/, PASS.root);
          await typePassphrase(page, /Repeat the passphrase for the new root key/, PASS.root);
          await page.locator('.quick-input-widget').filter({ hasText: /Choose a passphrase for the new repository key/ }).waitFor();
          await screenshot('sign-image-passphrase');
          await typePassphrase(page, /Choose a passphrase for the new repository key/, PASS.repository);
          await typePassphrase(page, /Repeat the passphrase for the new repository key/, PASS.repository);

          await waitForNotification(page, `signed ${gun}:v1: manifest ${image.digest}`);
          await status.filter({ hasText: /^TrustLens: Pass — 1 signed$/ }).waitFor();
          await screenshot('sign-image-signed');
          const inspected = await dockerTrustInspect([gun], { trustServerUrl: stack.notary.url, caPem: stack.notary.caPem });
          assert.deepEqual(inspected.entries[0]?.SignedTags.map((t) => [t.SignedTag, `sha256:${t.Digest}`, t.Signers]), [['v1', image.digest, ['Repo Admin']]]);

          // Everything code-server keeps for this session: user data (logs, settings, storage), XDG data.
          const kept = dirname(codeServer.userDataDir);
          // The log service writes on its own schedule and announces nothing.
          const deadline = Date.now() + 20_000;
          while (spawnSync('grep', ['-rlq', `signed ${gun}:v1`, join(codeServer.userDataDir, 'logs')]).status !== 0) {
            assert.ok(Date.now() < deadline, 'the TrustLens log reached the disk');
            await page.waitForTimeout(100);
          }
          const secrets = [...passphraseSecrets(PASS), ...await keyMaterialSecrets(join(docker.path, 'trust', 'private'), [PASS.root, PASS.repository])];
          assert.deepEqual([
            ...await findSecrets(kept, secrets),
            ...await findSecrets(docker.path, secrets, (path) => path === join(docker.path, 'trust', 'private')),
          ], []);
        });
      } finally {
        await Promise.all([workspace.remove(), docker.remove()]);
        await stack.stop();
      }
    },
  },
];
