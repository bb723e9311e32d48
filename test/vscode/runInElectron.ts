/**
 * Runs the same suite in desktop VS Code through @vscode/test-electron, for machines that can download
 * VS Code (it fetches a build from update.code.visualstudio.com into .cache/vscode-test/). The code-server
 * launcher is the one CI uses; this one exists so a developer can reproduce a run on the desktop.
 *
 * `node out/vscode-suite/runInElectron.js [--version 1.90.0|stable] [--untrusted] [--workspace DIR]`
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { DEFAULT_SETTINGS } from './codeServer';
import { PASS_ENV } from './protocol';

export interface ElectronRunOptions {
  /** Repository root, the extension under development. */
  extensionDevelopmentPath: string;
  /** Compiled suite index, e.g. `<root>/out/vscode-suite/suite/index.js`. */
  extensionTestsPath: string;
  /** Folder to open, e.g. `<root>/test/fixtures/workspace`. */
  workspace: string;
  /** VS Code version to download: `stable`, `insiders` or e.g. `1.90.0` (the engines.vscode minimum). */
  version?: string;
  trusted: boolean;
  /** Extra environment for the extension host. */
  env?: Record<string, string>;
  /** User settings over the launcher defaults. */
  settings?: Record<string, unknown>;
}

/** Resolves with VS Code's exit code: 0 when the suite passed. */
export async function runInElectron(options: ElectronRunOptions): Promise<number> {
  // A fresh profile, so settings and trust decisions of earlier runs do not leak in.
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trustlens-electron-'));
  try {
    fs.mkdirSync(path.join(userDataDir, 'User'));
    fs.writeFileSync(
      path.join(userDataDir, 'User', 'settings.json'),
      JSON.stringify({ ...DEFAULT_SETTINGS, ...options.settings }, null, 2),
    );
    return await runTests({
      ...(options.version ? { version: options.version } : {}),
      // Downloads go to the git-ignored cache, next to code-server.
      cachePath: path.join(options.extensionDevelopmentPath, '.cache', 'vscode-test'),
      extensionDevelopmentPath: options.extensionDevelopmentPath,
      extensionTestsPath: options.extensionTestsPath,
      extensionTestsEnv: { [PASS_ENV]: options.trusted ? 'trusted' : 'untrusted', ...options.env },
      launchArgs: [
        options.workspace,
        // Only built-in extensions and the one under development.
        '--disable-extensions',
        '--user-data-dir', userDataDir,
        ...(options.trusted ? ['--disable-workspace-trust'] : []),
      ],
    });
  } finally {
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  const root = process.cwd();
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const version = value('--version');
  const trusted = !argv.includes('--untrusted');
  try {
    await runInElectron({
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, 'out/vscode-suite/suite/index.js'),
      workspace: path.resolve(value('--workspace') ?? 'test/fixtures/workspace'),
      trusted,
      ...(version ? { version } : {}),
    });
    console.log(`vscode suite (electron, ${trusted ? 'trusted' : 'untrusted'}): passed`);
    return 0;
  } catch (e) {
    // runTests rejects when VS Code exits non-zero, that is when a test failed.
    console.error(`vscode suite (electron): failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
