/**
 * What activation loads: `dist/extension.js` registers the editor features and nothing heavy. The
 * trust engine (undici, TUF), the parsers (dockerfile-ast, yaml), the policy file and the write side
 * live in `dist/engine.js`, loaded on first use. Built here with esbuild's metafile, so a new import
 * that drags them back into the activation bundle fails this test rather than slowing activation.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { runCommand } from '../helpers/stack/runCommand';
import { repositoryRoot } from '../helpers/trust/cli';

interface Metafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}

/** The activation bundle's budget (production, minified). */
const BUDGET_BYTES = 100 * 1024;

/** Sources that must only ever load on first use. */
const HEAVY = [
  /node_modules\/undici\//,
  /node_modules\/yaml\//,
  /node_modules\/dockerfile-ast\//,
  /node_modules\/@noble\/ed25519\//,
  /node_modules\/picomatch\//,
  /^src\/core\/trust\/(trustService|dct\/(?!tuf\/|signing\/|keys\/))/,
  /^src\/core\/trust\/dct\/tuf\/trustedSet/,
  /^src\/core\/net\/(undici|registryClient|credentials|tokenAuth)/,
  /^src\/core\/parse\/(dockerfile|compose|scanText|shellLex|yamlBounded)/,
  /^src\/core\/policy\/(policyFile|ignoreEdit)/,
  /^src\/core\/trust\/dct\/signing\/(trustPublisher|createPublisher|signSteps|publishLoop)/,
  /^src\/core\/trust\/dct\/keys\/(fileKeyStore|pkcs8|pbes2|privateKey)/,
  /^src\/core\/crypto\/(der|pem|encoding)/,
  /^src\/core\/trust\/dct\/tuf\/(verifiers|keys)/,
];

describe('the activation bundle', { timeout: 120_000 }, () => {
  const root = repositoryRoot();
  let temp: TempDir;
  let inputs: string[];
  let size: number;

  before(async () => {
    temp = await makeTempDir('extension-bundle');
    const metafile = join(temp.path, 'meta.json');
    await runCommand(process.execPath, ['scripts/build.mjs', '--production', '--outdir', join(temp.path, 'dist'), '--metafile', metafile], { cwd: root, timeoutMs: 100_000 });
    const meta = JSON.parse(readFileSync(metafile, 'utf8')) as Metafile;
    const output = Object.entries(meta.outputs).find(([name]) => name.endsWith('extension.js'));
    assert.ok(output, `no extension.js among ${Object.keys(meta.outputs).join(', ')}`);
    inputs = Object.entries(output[1].inputs).filter(([, v]) => v.bytesInOutput > 0).map(([name]) => name);
    size = statSync(join(temp.path, 'dist', 'extension.js')).size;
  });

  after(async () => {
    await temp?.remove();
  });

  it('holds none of the trust engine, parsers, policy file or signing code', () => {
    assert.ok(inputs.some((name) => name === 'src/extension.ts'), 'the metafile names the sources');
    const heavy = inputs.filter((name) => HEAVY.some((pattern) => pattern.test(name)));
    assert.deepEqual(heavy, [], 'these belong in dist/engine.js (reach them through src/vscode/engine/load.ts)');
  });

  it(`stays under ${BUDGET_BYTES / 1024} KB minified`, () => {
    assert.ok(size < BUDGET_BYTES, `dist/extension.js is ${size} bytes`);
  });

  it('loads the engine from the file beside it, which the build writes', () => {
    const bundle = readFileSync(join(temp.path, 'dist', 'extension.js'), 'utf8');
    assert.match(bundle, /"\.\/engine\.js"/);
    assert.ok(statSync(join(temp.path, 'dist', 'engine.js')).size > BUDGET_BYTES);
  });
});
