/**
 * Starts and stops a private code-server (VS Code's server with its web workbench and a real Node
 * extension host) on a free loopback port, with throw-away user data, extensions and config; any of the
 * builds test/vscode/editors.json lists, on the Node.js it needs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { editorCommand, OLDEST_EDITOR, type Editor, type EditorCommand } from './editors';

/** User settings every run starts from: quiet, offline and without a welcome page. Callers' settings win. */
export const DEFAULT_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  // The fixture workspace lies inside this repository; scanning its git history only costs time.
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  // VS Code 1.139 opens a Chat view beside the editor and adds its own Fix and Explain to every Quick
  // Fix menu; offline there is no model behind them. (Older VS Code ignores both settings.)
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export interface CodeServerOptions {
  /** Folder code-server opens by default, e.g. `/repo/test/fixtures/workspace`. */
  workspace: string;
  /** true: start with `--disable-workspace-trust`; false: workspace trust is on and the folder starts untrusted. */
  trusted: boolean;
  /** Extra environment for code-server and so for its extension host, e.g. `{ DOCKER_CONFIG: '/tmp/d' }`. */
  env?: Record<string, string>;
  /** Settings over DEFAULT_SETTINGS, written as user settings and as the window's Remote settings. */
  settings?: Record<string, unknown>;
  /**
   * Packaged extensions (`.vsix` files, absolute paths) to install into the fresh extensions dir with
   * `code-server --install-extension` before the server starts, as a user installs a download.
   */
  installExtensions?: readonly string[];
  /** The code-server build to run, as scripts/setup-editor.sh installed it; default the oldest listed. */
  editor?: Editor;
  /** Repository root, under which scripts/setup-editor.sh installed the editors; default the current directory. */
  repoRoot?: string;
  /** How long to wait for "HTTP server listening"; default 30 s. */
  readyTimeoutMs?: number;
  /** Receives each line code-server prints; default: dropped. */
  onOutput?: (line: string) => void;
}

export interface CodeServer {
  /** The build that runs. */
  readonly editor: Editor;
  /** e.g. `http://127.0.0.1:41234` */
  readonly origin: string;
  readonly port: number;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** Settles when the process exits, with its exit code (or the signal name). */
  readonly exited: Promise<number | string>;
  /** The last lines code-server printed, for error messages. */
  outputTail(): string;
  /** Stops the whole process group and removes the temporary directories. Safe to call twice. */
  stop(): Promise<void>;
}

const LISTENING = /HTTP server listening on (http:\/\/127\.0\.0\.1:(\d+))\/?/;

// Process groups still running, killed synchronously if this process exits without stopping them,
// and their temporary directories (user data, settings, logs), removed then too.
const liveGroups = new Set<number>();
const liveTemps = new Set<string>();
process.on('exit', () => {
  for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
  for (const dir of liveTemps) fs.rmSync(dir, { recursive: true, force: true });
});

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const repoRoot = options.repoRoot ?? process.cwd();
  const editor = options.editor ?? OLDEST_EDITOR;
  // Throws, naming scripts/setup-editor.sh, when that build or its Node.js is not installed.
  const bin = editorCommand(repoRoot, editor);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trustlens-vscode-'));
  liveTemps.add(tmp);
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  const home = path.join(tmp, 'xdg');
  fs.mkdirSync(extensionsDir);
  fs.mkdirSync(home);
  // code-server keeps settings on the server: user settings in <user-data-dir>/User/settings.json, and
  // the Remote settings of its windows in <user-data-dir>/Machine/settings.json. Its windows are remote
  // windows, so a setting of machine or machine-overridable scope (trustlens.dockerConfigDir,
  // trustlens.trustServers) counts only from the Remote settings: VS Code 1.139 applies such a user
  // setting while the window loads, then drops it. The same settings go into both, as a user sets them.
  const settings = JSON.stringify({ ...DEFAULT_SETTINGS, ...options.settings }, null, 2);
  for (const scope of ['User', 'Machine']) {
    fs.mkdirSync(path.join(userDataDir, scope), { recursive: true });
    fs.writeFileSync(path.join(userDataDir, scope, 'settings.json'), settings);
  }
  // Its own config (auth, bind address) would otherwise be created under ~/.config/code-server.
  const configFile = path.join(tmp, 'config.yaml');
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');

  // Its own temporary files (IPC sockets, the extension host's scratch files) go into its directory too.
  const scratch = path.join(tmp, 'tmp');
  fs.mkdirSync(scratch);
  const env = { ...inheritedEnv(), XDG_DATA_HOME: path.join(home, 'data'), TMPDIR: scratch, ...options.env };
  const dirs = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  try {
    for (const vsix of options.installExtensions ?? []) await installExtension(bin, vsix, dirs, { cwd: repoRoot, env });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    liveTemps.delete(tmp);
    throw e;
  }

  const args = [
    // e.g. the smoke-test driver, without which VS Code 1.139's workbench ignores a development payload.
    ...editor.serverArgs,
    '--config', configFile,
    // Port 0: the kernel picks a free port and code-server logs it, so there is no race for it.
    '--bind-addr', '127.0.0.1:0',
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    ...(options.trusted ? ['--disable-workspace-trust'] : []),
    options.workspace,
  ];
  // code-server hands its own environment to the extension host, so `env` reaches the extension.
  const child = spawn(bin.command, [...bin.args, ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own, so stop() ends code-server, its extension hosts and watchers together.
    detached: true,
  });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`could not start ${[bin.command, ...bin.args].join(' ')}`);
  liveGroups.add(pgid);

  const tail: string[] = [];
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (e) => resolve(e.message));
  });
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopped ??= stopGroup(child, pgid, exited).finally(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
    liveTemps.delete(tmp);
  }));

  try {
    const origin = await new Promise<string>((resolve, reject) => {
      const timeoutMs = options.readyTimeoutMs ?? 30_000;
      const timer = setTimeout(() => reject(new Error(`code-server not listening after ${timeoutMs} ms`)), timeoutMs);
      const onLine = (line: string): void => {
        tail.push(line);
        if (tail.length > 50) tail.shift();
        options.onOutput?.(line);
        const m = LISTENING.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      forEachLine(child, onLine);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`code-server exited (${code}) before listening:\n${tail.join('\n')}`));
      });
    });
    const port = Number(new URL(origin).port);
    return { editor, origin, port, userDataDir, extensionsDir, exited, outputTail: () => tail.join('\n'), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * `code-server --install-extension <vsix>` into the given dirs; rejects with what it printed unless it
 * exits 0 and says the extension was installed.
 */
async function installExtension(bin: EditorCommand, vsix: string, dirs: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<void> {
  if (!fs.existsSync(vsix)) throw new Error(`no package to install at ${vsix}`);
  const child = spawn(bin.command, [...bin.args, ...dirs, '--install-extension', vsix], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  forEachLine(child, (line) => (output += `${line}\n`));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await new Promise<number | string>((resolve) => {
    // 'close', not 'exit': by then everything it printed has been read.
    child.once('close', (exitCode, signal) => resolve(exitCode ?? signal ?? 'unknown'));
    child.once('error', (e) => resolve(e.message));
  }).finally(() => clearTimeout(timer));
  if (code !== 0 || !/was successfully installed/.test(output)) {
    throw new Error(`code-server --install-extension ${vsix} failed (${code}):\n${output}`);
  }
}

/** The caller's environment minus what would make code-server act as a client of another VS Code. */
function inheritedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    // VSCODE_IPC_HOOK_CLI (set in VS Code terminals) makes code-server open the folder in that window instead.
    if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE') delete env[key];
  }
  return env;
}

function forEachLine(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        onLine(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
    });
  }
}

async function stopGroup(child: ChildProcess, pgid: number, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    killGroup(pgid, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
    clearTimeout(timer);
  }
  // Whatever the group still holds (extension host, file watcher) goes too.
  killGroup(pgid, 'SIGKILL');
  liveGroups.delete(pgid);
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}
