/**
 * The VS Code versions the suite runs on, as test/vscode/editors.json lists them (scripts/setup-editor.sh
 * installs the same list): each a code-server build and the Node.js that runs it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import manifest from './editors.json';

/** One code-server build, e.g. `{ codeServer: '4.139.1', vscode: '1.139.1', node: '24.21.0', … }`. */
export interface Editor {
  /** code-server's version, e.g. `4.139.1`. */
  readonly codeServer: string;
  /** The VS Code version it is built on, e.g. `1.139.1`. */
  readonly vscode: string;
  /** `system` (the Node.js on PATH) or the exact version of the npm package `node` it runs on. */
  readonly node: string;
  readonly nodeMajor: number;
  /** Where scripts/setup-editor.sh installs it, relative to the repository root. */
  readonly dir: string;
  /** Arguments code-server needs before the others, e.g. `['--vscode-option', 'enable-smoke-test-driver']`. */
  readonly serverArgs: readonly string[];
}

/** Every editor of the manifest, oldest first. */
export const EDITORS: readonly Editor[] = manifest.editors;

/** The oldest VS Code of the list: the one package.json's `engines.vscode` names. */
export const OLDEST_EDITOR: Editor = EDITORS[0]!;

/** The newest VS Code of the list. */
export const NEWEST_EDITOR: Editor = EDITORS[EDITORS.length - 1]!;

/** The editor the README's screenshots are taken in. */
export const SCREENSHOTS_EDITOR: Editor = findEditor(manifest.screenshots);

/** e.g. `VS Code 1.139.1 (code-server 4.139.1)` */
export function describeEditor(editor: Editor): string {
  return `VS Code ${editor.vscode} (code-server ${editor.codeServer})`;
}

/**
 * The editor with this code-server or VS Code version (`4.139.1`, `1.139.1`), or `oldest` / `newest`;
 * throws naming the ones there are.
 */
export function findEditor(wanted: string): Editor {
  if (wanted === 'oldest') return EDITORS[0]!;
  if (wanted === 'newest') return EDITORS[EDITORS.length - 1]!;
  const found = EDITORS.find((e) => e.codeServer === wanted || e.vscode === wanted);
  if (!found) {
    const known = EDITORS.map((e) => `${e.codeServer} (VS Code ${e.vscode})`).join(', ');
    throw new Error(`no code-server ${wanted} in test/vscode/editors.json: it lists ${known}, oldest and newest`);
  }
  return found;
}

/** How to start an installed editor: `command` with `args` before code-server's own arguments. */
export interface EditorCommand {
  /** The Node.js executable, e.g. `/repo/.cache/node-24.21.0/node_modules/.bin/node`, or `node` from PATH. */
  command: string;
  /** code-server's entry script, e.g. `/repo/.cache/code-server-4.139.1/node_modules/code-server/out/node/entry.js`. */
  args: string[];
}

/**
 * The Node.js and the entry script that start `editor` as scripts/setup-editor.sh installed it under
 * `repoRoot`; throws naming the setup script when either is missing.
 */
export function editorCommand(repoRoot: string, editor: Editor): EditorCommand {
  const entry = path.join(repoRoot, editor.dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const command = editor.node === 'system' ? 'node' : path.join(repoRoot, nodeDir(editor.node), 'node_modules', '.bin', 'node');
  for (const file of editor.node === 'system' ? [entry] : [entry, command]) {
    if (!fs.existsSync(file)) {
      throw new Error(`${describeEditor(editor)} is not installed (no ${file}): run scripts/setup-editor.sh first`);
    }
  }
  return { command, args: [entry] };
}

/** The built-in extensions `editor` ships, e.g. `<repoRoot>/.cache/code-server/node_modules/code-server/lib/vscode/extensions`. */
export function builtInExtensionsDir(repoRoot: string, editor: Editor): string {
  return path.join(repoRoot, editor.dir, 'node_modules', 'code-server', 'lib', 'vscode', 'extensions');
}

/** Where scripts/setup-editor.sh installs the npm package `node@<version>`, relative to the repository root. */
export function nodeDir(version: string): string {
  return path.join('.cache', `node-${version}`);
}
