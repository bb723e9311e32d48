/**
 * The setup the suites on the quick-fix stack share: the extension activated, the stack started once
 * for the suite, a folder of the test workspace for the files it writes, and every editor saved and
 * closed after each test. Call it inside a `describe`; its hooks run before the suite's own.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TrustLensApi } from '../../src/extension';
import { startQuickFixStack, type QuickFixStack } from './quickFixStack';
import { extension, fixtureFolder } from './suite/helpers';

/** What a suite on the quick-fix stack uses, valid once its `before` hooks have run. */
export interface QuickFixSuite {
  readonly api: TrustLensApi;
  readonly stack: QuickFixStack;
  /** The suite's folder in the test workspace. */
  readonly dir: string;
  /** The signed digest of `<repository>:<tag>`, e.g. `app:3.19`. */
  digest(key: string): string;
  /** Writes a file under the suite's folder and returns its path. */
  write(name: string, text: string): Promise<string>;
  /** Writes a file, shows it and waits for its verdicts. */
  open(name: string, text: string): Promise<vscode.TextDocument>;
}

/** Registers the hooks; `folder` names the suite's folder (the process ID is added). */
export function useQuickFixStack(folder: string): QuickFixSuite {
  let api: TrustLensApi | undefined;
  let stack: QuickFixStack | undefined;
  let dir: string | undefined;
  const ready = <T>(value: T | undefined, what: string): T => value ?? assert.fail(`${what} is used before the suite's before hook ran`);

  before(async function () {
    this.timeout(300_000);
    api = (await extension().activate()) as TrustLensApi;
    stack = await startQuickFixStack();
    dir = path.join(fixtureFolder().uri.fsPath, `${folder}-${process.pid}`);
    await fs.mkdir(dir, { recursive: true });
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.files.saveAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
    await stack?.stop();
  });

  const suite: QuickFixSuite = {
    get api() { return ready(api, 'the extension'); },
    get stack() { return ready(stack, 'the stack'); },
    get dir() { return ready(dir, 'the folder'); },
    digest: (key) => suite.stack.digests[key] ?? assert.fail(`no digest for ${key}`),
    async write(name, text) {
      const file = path.join(suite.dir, name);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, text);
      return file;
    },
    async open(name, text) {
      const doc = await vscode.workspace.openTextDocument(await suite.write(name, text));
      await vscode.window.showTextDocument(doc);
      await suite.api.checkDocument(doc, true);
      return doc;
    },
  };
  return suite;
}
