/**
 * `npm run package` end to end: scripts/package.mjs builds the production bundles and runs the real
 * @vscode/vsce, and the .vsix it writes holds exactly the bundles, the media the extension shows, the
 * README, the CHANGELOG and the license, so .vscodeignore's allow-list cannot silently let more in
 * (or leave something out).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { runCommand } from '../helpers/stack/runCommand';
import { repositoryRoot } from '../helpers/trust/cli';
import { readZip, type ZipEntry } from '../helpers/zip';

interface Manifest {
  name: string;
  publisher: string;
  version: string;
  main: string;
  bin: Record<string, string>;
  repository: { url: string };
  contributes: unknown;
}

const root = repositoryRoot();
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;

/** Every string under `value` that names a file under media/, e.g. a view container's icon. */
function mediaPaths(value: unknown): string[] {
  if (typeof value === 'string') return /^\.?\/?media\//.test(value) ? [value.replace(/^\.?\//, '')] : [];
  if (Array.isArray(value)) return value.flatMap(mediaPaths);
  if (value && typeof value === 'object') return Object.values(value).flatMap(mediaPaths);
  return [];
}

describe('npm run package', { timeout: 300_000 }, () => {
  let temp: TempDir;
  let vsix: string;
  let entries: ZipEntry[];
  const entry = (name: string): ZipEntry => {
    const found = entries.find((e) => e.name === name);
    assert.ok(found, `${name} is not in the package: ${entries.map((e) => e.name).join(', ')}`);
    return found;
  };

  before(async () => {
    const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'package.json');
    assert.ok(existsSync(vsce), `${vsce} is missing: @vscode/vsce is a devDependency, run npm ci`);
    assert.match((JSON.parse(readFileSync(vsce, 'utf8')) as { version: string }).version, /^3\./, '@vscode/vsce 3');
    temp = await makeTempDir('package-test');
    vsix = join(temp.path, `${manifest.name}-${manifest.version}.vsix`);
    // Throws with vsce's own error output when packaging fails.
    await runCommand(process.execPath, ['scripts/package.mjs', '--out', vsix], { cwd: root, timeoutMs: 240_000 });
    entries = readZip(vsix);
  });

  after(async () => {
    await temp?.remove();
  });

  it('.vscodeignore is an allow-list: everything is excluded, then single files are let back in', () => {
    const rules = readFileSync(join(root, '.vscodeignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    assert.equal(rules[0], '**');
    assert.deepEqual(rules.slice(1).filter((rule) => !rule.startsWith('!')), [], 'only negations after **');
  });

  it('holds exactly the bundles, the media, README, CHANGELOG and LICENSE, plus vsce\'s own manifest files', () => {
    const svgs = readdirSync(join(root, 'media')).filter((name) => name.endsWith('.svg'));
    assert.ok(svgs.length > 0);
    const expected = [
      '[Content_Types].xml',
      'extension.vsixmanifest',
      'extension/package.json',
      'extension/readme.md',
      'extension/changelog.md',
      'extension/LICENSE.txt',
      'extension/dist/extension.js',
      'extension/dist/engine.js',
      'extension/dist/scanWorker.js',
      'extension/dist/cli.js',
      'extension/dist/cliMain.js',
      'extension/dist/llhttp-wasm.js',
      ...svgs.map((name) => `extension/media/${name}`),
    ];
    assert.deepEqual(entries.map((e) => e.name).sort(), expected.sort());
  });

  // Three verifiers ship in it: sigstore-js (with its TUF client, for the public-good trusted root), PKI.js and cborg for Notation.
  it('stays small: under 1.5 MB', () => {
    const { size } = statSync(vsix);
    assert.ok(size < 1.5 * 1024 * 1024, `the package is ${size} bytes`);
  });

  it('carries the manifest unchanged, and every file it names: main, the CLI and the icons', () => {
    assert.deepEqual(JSON.parse(entry('extension/package.json').read().toString('utf8')), manifest);
    const named = [manifest.main, ...Object.values(manifest.bin), ...mediaPaths(manifest.contributes)];
    assert.ok(named.includes('media/trustlens.svg'), `icons found: ${named.join(', ')}`);
    for (const file of named) entry(`extension/${file.replace(/^\.\//, '')}`);
  });

  it('holds the production bundles: minified, with no source map', () => {
    for (const name of ['extension.js', 'engine.js', 'scanWorker.js', 'cli.js', 'cliMain.js']) {
      const packaged = entry(`extension/dist/${name}`).read().toString('utf8');
      assert.doesNotMatch(packaged, /sourceMappingURL/, `${name} points at no source map`);
      // Minified: hundreds of characters per line on average (the test build has about forty).
      const perLine = packaged.length / packaged.split('\n').length;
      assert.ok(perLine > 500, `${name} has ${perLine.toFixed(0)} characters per line`);
    }
    assert.ok(entry('extension/dist/cli.js').read().toString('utf8').startsWith('#!/usr/bin/env node\n'));
  });

  it('README links its screenshots at the repository; otherwise README, CHANGELOG and LICENSE are the files themselves', () => {
    const base = `${manifest.repository.url.replace(/\.git$/, '')}/raw/HEAD/`;
    const readme = entry('extension/readme.md').read().toString('utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    assert.ok(images.length >= 4, `screenshots in the packaged README: ${images.join(', ')}`);
    for (const image of images) {
      assert.ok(image.startsWith(base), `${image} is an absolute link into ${base}`);
      assert.ok(existsSync(join(root, image.slice(base.length))), `${image} names a file of this repository`);
    }
    assert.equal(readme.split(base).join(''), readFileSync(join(root, 'README.md'), 'utf8'));
    assert.equal(entry('extension/changelog.md').read().toString('utf8'), readFileSync(join(root, 'CHANGELOG.md'), 'utf8'));
    assert.equal(entry('extension/LICENSE.txt').read().toString('utf8'), readFileSync(join(root, 'LICENSE'), 'utf8'));
  });

  it('leaves the working tree\'s dist/ alone (it builds into a staging copy)', () => {
    const dist = join(root, 'dist', 'extension.js');
    if (!existsSync(dist)) return;
    const built = readFileSync(dist, 'utf8');
    assert.notEqual(built, entry('extension/dist/extension.js').read().toString('utf8'));
  });
});
