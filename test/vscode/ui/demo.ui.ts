/**
 * `npm start` as a person runs it, twice in a row: it starts from an unmodified examples/, opens the
 * editor on a copy of it, prints a `trustlens check` command that checks the demo stack from a second
 * terminal, shows the tour's Deployment with its errors and pins one of its images in place, signs
 * demo/web:2.0 on the first try (the editor holds a signer key of demo/web), and on Ctrl+C says it stopped and leaves no temporary directory behind (they hold private keys).
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { canConnect } from '../../helpers/stack/ports';
import { openWorkbench } from '../workbench';
import type { UiCheck } from './uiCheck';
import { editorLines } from './problemsFixture';
import { editorTab, explorerItem, goToLine, openFromExplorer, openQuickFix, runCommand, showExplorer } from './workbenchActions';

const REGISTRY = '127.0.0.1:15000';
const NOTARY_PORT = 14443;

/** Every file under `dir` with its content, for comparing a tree before and after. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else files[rel] = fs.readFileSync(path.join(dir, rel), 'utf8');
    }
  };
  walk('');
  return files;
}

/** A running `npm start`, in a process group of its own as a terminal's foreground job is. */
class Demo {
  readonly child: ChildProcess;
  output = '';
  readonly exited: Promise<number | string>;
  /** Settles once every process holding the output has ended (npm, and the demo under it). */
  readonly closed: Promise<void>;
  readonly #waiters: { text: string; resolve: () => void }[] = [];

  constructor(root: string, tmp: string) {
    this.child = spawn('npm', ['start'], { cwd: root, env: { ...process.env, TMPDIR: tmp }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
    this.closed = new Promise((resolve) => this.child.once('close', () => resolve()));
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        this.output += chunk;
        for (const w of [...this.#waiters]) if (this.output.includes(w.text)) w.resolve();
      });
    }
  }

  /** Resolves once the output holds `text`; rejects with the output if the demo ends first or takes too long. */
  printed(text: string, timeoutMs: number): Promise<void> {
    if (this.output.includes(text)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not print "${text}" within ${timeoutMs} ms:\n${this.output}`)), timeoutMs);
      this.#waiters.push({ text, resolve: () => { clearTimeout(timer); resolve(); } });
      void this.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited (${code}) before printing "${text}":\n${this.output}`));
      });
    });
  }

  /** Ctrl+C in the terminal: SIGINT to the whole foreground process group. */
  interrupt(): void {
    process.kill(-this.child.pid!, 'SIGINT');
  }

  /**
   * Stops the demo after a failed step: Ctrl+C first, so that the demo stops its editor (a process
   * group of its own, which a kill of this group would not reach), then a kill if it has not ended
   * within a minute.
   */
  async stop(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      this.interrupt();
      await Promise.race([this.closed, new Promise((resolve) => (timer = setTimeout(resolve, 60_000)))]);
    } catch {
      // Already gone.
    } finally {
      clearTimeout(timer);
    }
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Resolves once `file` holds what `holds` accepts, watching its folder for the write; fails after 30 s. */
function fileWhen(file: string, holds: (text: string) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = fs.watch(path.dirname(file));
    const timer = setTimeout(() => done(new Error(`${file} was not written as expected:\n${fs.readFileSync(file, 'utf8')}`)), 30_000);
    const done = (error?: Error) => {
      clearTimeout(timer);
      watcher.close();
      if (error) reject(error);
      else resolve();
    };
    const check = () => {
      if (holds(fs.readFileSync(file, 'utf8'))) done();
    };
    watcher.on('change', check);
    check();
  });
}

/**
 * Rethrows a failed step's error with what the editor showed: a screenshot of the window, then one with
 * the Problems panel open, whose rows (message and position of every diagnostic) the error carries.
 */
async function failedWith(e: unknown, page: Page, root: string, name: string): Promise<never> {
  const dir = path.join(root, 'out', 'screenshots');
  await page.screenshot({ path: path.join(dir, `${name}.png`) }).catch(() => undefined);
  let problems = '(the Problems panel could not be read)';
  try {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+M');
    const panel = page.locator('.markers-panel');
    await panel.waitFor({ timeout: 10_000 });
    problems = (await panel.locator('.monaco-list-row').allInnerTexts()).map((r) => r.replace(/\s+/g, ' ')).join('\n');
    await page.screenshot({ path: path.join(dir, `${name}-problems.png`) });
  } catch {
    // The first screenshot and the error are still reported.
  }
  const message = e instanceof Error ? e.message : String(e);
  throw new Error(`${message}\nThe Problems panel then listed:\n${problems}`, { cause: e });
}

/** The line after `heading` in the demo's output, trimmed. */
function lineAfter(output: string, heading: string): string {
  const lines = output.split('\n');
  const at = lines.findIndex((l) => l.includes(heading));
  assert.ok(at >= 0 && lines[at + 1], `no "${heading}" in:\n${output}`);
  return lines[at + 1]!.trim();
}

/** Signs demo/web:2.0 from its quick fix, choosing the signer key the demo handed over and typing its passphrase. */
async function signInEditor(page: Page, passphrase: string): Promise<void> {
  await openFromExplorer(page, 'Dockerfile');
  await page.locator('.editor-instance .squiggly-error').first().waitFor();
  const lines = await editorLines(page);
  const line = lines.findIndex((l) => l === `FROM ${REGISTRY}/demo/web:2.0`) + 1;
  assert.ok(line > 0, lines.join('\n'));
  await goToLine(page, line, 12);
  const menu = await openQuickFix(page);
  const sign = menu.locator('.monaco-list-row').filter({ hasText: /^Sign image…$/ });
  await sign.waitFor({ state: 'visible' });
  // Chosen with the keyboard: while the menu is open VS Code lays a pointer block over the page.
  const rows = await menu.locator('.monaco-list-row').count();
  for (let i = 0; i < rows && !(await sign.getAttribute('class'))?.split(' ').includes('focused'); i += 1) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  // The quick pick of keys: the repository key, and the signer key the demo handed over.
  const pick = page.locator('.quick-input-widget').filter({ hasText: 'TrustLens: Sign Image' });
  await pick.locator('.monaco-list-row').filter({ hasText: 'Repository key' }).waitFor({ state: 'visible' });
  await pick.locator('.quick-input-box input').fill('alice');
  await pick.locator('.monaco-list-row').filter({ hasText: 'alice' }).first().waitFor();
  await pick.locator('.quick-input-box input').press('Enter');
  const box = page.locator('.quick-input-widget').filter({ hasText: /Enter the passphrase of the key of signer "alice"/ });
  await box.waitFor({ state: 'visible' });
  await box.locator('.quick-input-box input').fill(passphrase);
  await box.locator('.quick-input-box input').press('Enter');
  await page.locator('.notifications-toasts').filter({ hasText: `signed ${REGISTRY}/demo/web:2.0: manifest sha256:` }).waitFor({ timeout: 120_000 });
}

/**
 * The tour's Deployment: k8s/deployment.yaml shows the Dockerfile's errors (demo/web:2.0 unsigned, a
 * wrong pin), and Ctrl+. on demo/web:1.0 pins it in place, quotes kept. The pin is reverted after.
 */
async function pinInDeployment(page: Page, root: string, workspace: string): Promise<void> {
  await showExplorer(page);
  await explorerItem(page, 'k8s').click();
  await explorerItem(page, 'deployment.yaml').click();
  await editorTab(page, 'deployment.yaml').and(page.locator('.tab.active')).waitFor();
  await page.locator('.editor-instance .squiggly-error').nth(1).waitFor();
  const image = `"${REGISTRY}/demo/web:1.0"`;
  const lines = fs.readFileSync(path.join(workspace, 'k8s', 'deployment.yaml'), 'utf8').split('\n');
  const line = lines.findIndex((l) => l.trim() === `image: ${image}`) + 1;
  assert.ok(line > 0, lines.join('\n'));
  await goToLine(page, line, lines[line - 1]!.indexOf(image) + 4);
  const menu = await openQuickFix(page);
  const pin = menu.locator('.monaco-list-row').filter({ hasText: /^Pin to signed digest sha256:/ });
  await pin.waitFor({ state: 'visible' });
  const rows = await menu.locator('.monaco-list-row').count();
  for (let i = 0; i < rows && !(await pin.getAttribute('class'))?.split(' ').includes('focused'); i += 1) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const escaped = REGISTRY.replace(/\./g, '\\.');
  await page.locator('.editor-instance .view-line').filter({ hasText: new RegExp(`image:\\s"${escaped}/demo/web:1\\.0@sha256:[0-9a-f]{64}"`) }).waitFor();
  // The editor shows only some lines, so the pinned one is found by its text: in place, quotes kept.
  const after = await editorLines(page);
  assert.ok(after.some((l) => new RegExp(`^ +image: "${escaped}/demo/web:1\\.0@sha256:[0-9a-f]{64}"$`).test(l)), after.join('\n'));
  await page.screenshot({ path: path.join(root, 'out', 'screenshots', 'demo-deployment.png') });
  await runCommand(page, 'File: Revert File');
}

export const checks: UiCheck[] = [
  {
    name: 'npm start, twice: signs in the editor on the first try, prints the check command, and Ctrl+C stops it and removes every temporary directory; examples/ is never changed',
    // npm start opens its own editor, whichever VS Code the suite runs in.
    oncePerRun: true,
    async run(suite) {
      const root = suite.options.repoRoot ?? process.cwd();
      const examples = path.join(root, 'examples');
      const original = snapshot(examples);
      const status = () => spawnSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).stdout;
      const statusBefore = status();
      // The demo's temporary directories all go here, so that what is left can be seen.
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trustlens-demo-check-'));
      try {
        for (const run of [1, 2]) {
          assert.deepEqual(snapshot(examples), original, `run ${run} starts from an unmodified examples/`);
          const demo = new Demo(root, tmp);
          try {
            await demo.printed('Press Ctrl+C to stop everything.', 300_000);
            const url = new URL(/TrustLens demo is running: (\S+)/.exec(demo.output)![1]!);
            const workspace = url.searchParams.get('folder')!;
            assert.ok(workspace.startsWith(`${tmp}${path.sep}`), `the editor opens a copy, not ${workspace}`);
            assert.deepEqual(snapshot(workspace), original, 'a fresh copy of examples/');
            const passphrase = /\(passphrase: (\S+)\)/.exec(demo.output)?.[1];
            assert.ok(passphrase, demo.output);

            // The command printed for a second terminal checks the demo stack: the copy, with the docker config and the policy.
            const command = lineAfter(demo.output, 'Check the demo stack from a second terminal:');
            assert.match(command, /\/dist\/cli\.js check \S+ --docker-config \S+ --config \S+\.trustlens\.yaml /);
            const checked = () => {
              const r = spawnSync('bash', ['-c', `${command} --format json`], { encoding: 'utf8' });
              assert.equal(r.status, 1, `the demo has findings that are errors:\n${r.stderr}`);
              return (JSON.parse(r.stdout) as { results: { text?: string; reference?: string; status: string }[] }).results;
            };
            const statusOf = (results: ReturnType<typeof checked>, reference: string) => results.find((r) => r.reference === reference)?.status;
            assert.equal(statusOf(checked(), `${REGISTRY}/demo/web:2.0`), 'unsigned');

            if (run === 1) {
              const workbench = await openWorkbench({ port: Number(url.port) });
              try {
                await workbench.page.goto(url.toString());
                await workbench.page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
                await pinInDeployment(workbench.page, root, workspace).catch((e: unknown) => failedWith(e, workbench.page, root, 'failed-demo-deployment'));
                await signInEditor(workbench.page, passphrase).catch((e: unknown) => failedWith(e, workbench.page, root, 'failed-demo-signing'));
                await workbench.page.screenshot({ path: path.join(root, 'out', 'screenshots', 'demo-signed.png') });
                // A file the editor saves is the copy's.
                await workbench.page.locator('.editor-instance .view-line').first().click();
                await workbench.page.keyboard.press('Control+Home');
                const saved = fileWhen(path.join(workspace, 'Dockerfile'), (text) => text.startsWith('# edited in the demo\n'));
                await workbench.page.keyboard.type('# edited in the demo\n');
                await workbench.page.keyboard.press('Control+S');
                await saved;
              } finally {
                await workbench.close();
              }
              assert.equal(statusOf(checked(), `${REGISTRY}/demo/web:2.0`), 'signed', 'signed on the first try');
            }

            demo.interrupt();
            await demo.closed;
            // npm ends with 130 or by the signal itself, depending on whether the demo had exited when it looked.
            assert.ok([130, 'SIGINT'].includes(await demo.exited), `${String(await demo.exited)}\n${demo.output}`);
            assert.match(demo.output, /\nTrustLens demo stopped: .*temporary directories \(keys included\) are removed\.\n/);
          } finally {
            await demo.stop();
          }
          assert.deepEqual(fs.readdirSync(tmp), [], `run ${run} left temporary directories behind`);
          assert.equal(await canConnect(NOTARY_PORT), false, 'notary-server stopped');
          assert.equal(await canConnect(Number(REGISTRY.split(':')[1])), false, 'the registry stopped');
          assert.deepEqual(snapshot(examples), original, 'examples/ is as it was');
          assert.equal(status(), statusBefore, 'no file of the repository changed');
        }
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    },
  },
];
