/**
 * `dist/cli.js` starts the CLI with V8's compile cache, kept in the user's cache folder: the output
 * is the same with and without it, on Node 20 (the code V8 cached after the first run) and on Node 24
 * (Node's own compile cache, as scripts/setup-editor.sh installs that Node for the newer editor); a
 * broken cache file is replaced, a folder another user owns is neither read nor written, and
 * `TRUSTLENS_CODE_CACHE=off` writes nothing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, repositoryRoot } from '../helpers/trust/cli';
import { environmentWithout } from '../helpers/stack/environment';
import { runCommand } from '../helpers/stack/runCommand';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { EDITORS, nodeDir } from '../vscode/editors';

describe('the CLI starts with a compile cache in the user\'s cache folder', () => {
  let tmp: TempDir;
  let project: string;

  before(async () => {
    tmp = await makeTempDir('cli-launcher');
    project = join(tmp.path, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'Dockerfile'), 'FROM registry.example.com/team/app:1.0 AS build\nFROM alpine:3.20\nCOPY --from=build /app /app\n');
  });
  after(async () => {
    await tmp?.remove();
  });

  /** `node dist/cli.js refs PROJECT --format json` with this cache home (and more environment). */
  async function refs(node: string, cacheHome: string, env: Record<string, string> = {}) {
    const r = await runCommand(node, [cliPath(), 'refs', project, '--format', 'json'], {
      env: { ...environmentWithout(['TRUSTLENS_', 'XDG_CACHE_HOME']), XDG_CACHE_HOME: cacheHome, ...env }, allowFailure: true,
    });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  }
  const codeDir = (cacheHome: string) => join(cacheHome, 'trustlens', 'code');
  const cachedFiles = (cacheHome: string) => (existsSync(codeDir(cacheHome)) ? readdirSync(codeDir(cacheHome)) : []);

  it('Node 20: the first run caches the code, later runs read it, the output is the same; a broken cache file is replaced', async () => {
    const home = join(tmp.path, 'node20');
    const expected = await refs(process.execPath, join(tmp.path, 'off'), { TRUSTLENS_CODE_CACHE: 'off' });
    assert.equal(existsSync(join(tmp.path, 'off')), false, 'TRUSTLENS_CODE_CACHE=off writes nothing');
    assert.match(expected, /registry\.example\.com\/team\/app:1\.0/);

    assert.equal(await refs(process.execPath, home), expected);
    const [cached, ...more] = cachedFiles(home);
    assert.ok(cached?.startsWith(`cli-${process.versions.v8}-`) && more.length === 0, `cached: ${cachedFiles(home).join(', ')}`);
    const bytes = readFileSync(join(codeDir(home), cached));
    assert.ok(bytes.length > 10_000);
    assert.equal(await refs(process.execPath, home), expected);
    assert.deepEqual(readFileSync(join(codeDir(home), cached)), bytes, 'a cache V8 accepts is not written again');

    writeFileSync(join(codeDir(home), cached), 'not code');
    assert.equal(await refs(process.execPath, home), expected);
    assert.notEqual(readFileSync(join(codeDir(home), cached), 'utf8'), 'not code', 'the broken file was replaced');
  });

  it('Node 24: Node\'s own compile cache, in the same folder, with the same output', async () => {
    const editor = EDITORS.find((e) => e.nodeMajor >= 22 && e.node !== 'system');
    assert.ok(editor, 'test/vscode/editors.json lists an editor on Node 22 or later');
    const node = join(repositoryRoot(), nodeDir(editor.node), 'node_modules', '.bin', 'node');
    assert.ok(existsSync(node), `${node} is missing: scripts/setup-editor.sh installs it`);
    const home = join(tmp.path, 'node24');
    const expected = await refs(process.execPath, join(tmp.path, 'off'), { TRUSTLENS_CODE_CACHE: 'off' });
    assert.equal(await refs(node, home), expected);
    assert.ok(cachedFiles(home).some((name) => name.startsWith(`v${editor.node}-`)), `cached: ${cachedFiles(home).join(', ')}`);
    assert.equal(await refs(node, home), expected);
  });

  it('a cache folder another user owns is not used', async (t) => {
    if (process.getuid?.() !== 0) {
      t.skip('needs root to give the folder to another user');
      return;
    }
    const home = join(tmp.path, 'foreign');
    mkdirSync(codeDir(home), { recursive: true });
    chownSync(codeDir(home), 65534, 65534);
    const expected = await refs(process.execPath, join(tmp.path, 'off'), { TRUSTLENS_CODE_CACHE: 'off' });
    assert.equal(await refs(process.execPath, home), expected);
    assert.deepEqual(cachedFiles(home), [], 'nothing written into it');
  });
});
