import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCommand } from '../../helpers/stack/runCommand';
import { readZip } from '../../helpers/zip';
import { builtInExtensionsDir } from '../editors';
import { extensionHostLogs } from '../hostLog';
import type { UiCheck } from './uiCheck';
import { openNestedFromExplorer, withUiFixture } from './problemsFixture';

interface InstalledExtension {
  identifier: { id: string };
  version: string;
  location: { path: string };
}

/** What the status bar says for verdicts/Dockerfile.verdicts once every reference has its verdict. */
const VERDICTS_SUMMARY = 'TrustLens: Fail — 2 signed · 1 unsigned · 1 not released · 1 no trust data · 1 digest mismatch · 1 unverifiable';

/** Resolves once `condition()` holds (the log is written as it happens, not flushed on demand); fails after 30 s naming `what`. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const checks: UiCheck[] = [
  {
    name: 'the .vsix of npm run package, installed with --install-extension into a fresh extensions dir, activates and shows diagnostics',
    async run(suite) {
      const root = suite.options.repoRoot ?? process.cwd();
      const { name, publisher, version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, string>;
      const id = `${publisher}.${name}`;
      const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'trustlens-vsix-'));
      try {
        const vsix = path.join(temp, `${name}-${version}.vsix`);
        // The same script as `npm run package`; a failure throws with what it printed.
        await runCommand(process.execPath, ['scripts/package.mjs', '--out', vsix], { cwd: root, timeoutMs: 240_000 });
        const packaged = readZip(vsix).filter((e) => e.name.startsWith('extension/'));

        await withUiFixture(suite, { label: 'packaged-vsix', installVsix: vsix }, async (session) => {
          const { page, codeServer } = session;
          // The window runs no extension under development: no payload, no development host.
          assert.equal(new URL(session.url).searchParams.get('payload'), null, session.url);
          assert.doesNotMatch(await page.title(), /Extension Development Host/);
          // code-server brings no TrustLens of its own, so the only one is what the package installed:
          // recorded in the fresh extensions dir, with the package's files byte for byte.
          const builtIn = builtInExtensionsDir(root, codeServer.editor);
          assert.ok(fs.existsSync(builtIn), builtIn);
          assert.deepEqual(fs.readdirSync(builtIn).filter((dir) => dir.toLowerCase().includes(name)), []);
          const installedDir = path.join(codeServer.extensionsDir, `${id}-${version}`);
          const installed = JSON.parse(fs.readFileSync(path.join(codeServer.extensionsDir, 'extensions.json'), 'utf8')) as InstalledExtension[];
          assert.deepEqual(installed.map((e) => [e.identifier.id, e.version, e.location.path]), [[id, version, installedDir]]);
          for (const entry of packaged) {
            const file = path.join(installedDir, entry.name.slice('extension/'.length));
            if (entry.name === 'extension/package.json') {
              // VS Code records the installation in the manifest's `__metadata`.
              const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
              delete manifest.__metadata;
              assert.deepEqual(manifest, JSON.parse(entry.read().toString('utf8')), `${file} is the package's manifest`);
            } else {
              assert.ok(fs.readFileSync(file).equals(entry.read()), `${file} is ${entry.name} of the package`);
            }
          }

          // Opening a Dockerfile activates it (onLanguage:dockerfile), and it checks every reference
          // against the fixture stack: the verdicts the stack determines, in the status bar and the Problems panel.
          await openNestedFromExplorer(page, 'verdicts', 'Dockerfile.verdicts');
          await page.locator('.editor-instance .squiggly-error').first().waitFor();
          await page.locator('.statusbar-item').filter({ hasText: VERDICTS_SUMMARY }).waitFor();
          await page.mouse.move(900, 300);
          await page.keyboard.press('Control+Shift+M');
          const panel = page.locator('.markers-panel');
          const unsigned = '127.0.0.1:15080/trustlens/app:3.19.5 is not signed in 127.0.0.1:15080/trustlens/app';
          await panel.filter({ hasText: unsigned }).waitFor();
          const rows = await panel.locator('.monaco-list-row').allInnerTexts();
          const row = rows.find((r) => r.includes(unsigned))?.replace(/\s+/g, ' ');
          assert.ok(row, `no row says ${unsigned} in:\n${rows.join('\n---\n')}`);
          assert.ok(row.includes('TrustLens') && row.includes('unsigned-tag') && row.includes('[Ln 3, Col 6]'), row);
          await session.screenshot('packaged-vsix-problems');

          // And the extension host says it activated that extension, for the Dockerfile.
          const activated = `ExtensionService#_doActivateExtension ${id}, startup: false, activationEvent: 'onLanguage:dockerfile'`;
          await until(() => extensionHostLogs(codeServer.userDataDir).some((log) => log.includes(activated)), `"${activated}" in the extension host log`);
        });
      } finally {
        fs.rmSync(temp, { recursive: true, force: true });
      }
    },
  },
];
