// Packages the extension as a .vsix with @vscode/vsce (`npm run package`):
//
//   node scripts/package.mjs [--out FILE]     default FILE: trustlens-<version>.vsix in the repository root
//
// vsce runs on a staging copy of the source tree: every file git tracks or would track (so nothing
// .gitignore names: no node_modules, .cache, out/ or dist/), plus production bundles built straight into
// the copy's dist/. So .vscodeignore's allow-list decides on exactly what a fresh clone holds, the
// working tree's dist/ (the test build, with source maps) is left alone, and vsce does not walk
// code-server's cache. vsce runs without dependency detection (everything is bundled, nothing is asked
// of a registry) and with stdin closed, so a question it would ask fails the packaging instead of waiting.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The vsce command line script of the installed @vscode/vsce devDependency; throws when it is missing. */
function vsceScript() {
  let manifest;
  try {
    manifest = createRequire(import.meta.url).resolve('@vscode/vsce/package.json');
  } catch {
    throw new Error('@vscode/vsce is not installed: run `npm ci` (it is a devDependency)');
  }
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8'));
  return join(dirname(manifest), typeof bin === 'string' ? bin : bin.vsce);
}

/** Files git tracks or would track, relative to the root: the source tree of a fresh clone. */
function sourceFiles() {
  let listing;
  try {
    listing = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch (e) {
    throw new Error(`packaging reads the source tree through git, which failed here: ${e instanceof Error ? e.message : String(e)}`);
  }
  // A tracked file deleted in the working tree is listed but gone.
  return listing.split('\0').filter((file) => file && existsSync(join(root, file)) && statSync(join(root, file)).isFile());
}

/** Builds the package at `out` (absolute) and returns its size in bytes. */
export function packageExtension(out) {
  const vsce = vsceScript();
  const stage = mkdtempSync(join(tmpdir(), 'trustlens-package-'));
  try {
    for (const file of sourceFiles()) {
      mkdirSync(dirname(join(stage, file)), { recursive: true });
      copyFileSync(join(root, file), join(stage, file));
    }
    execFileSync(process.execPath, ['scripts/build.mjs', '--production', '--outdir', join(stage, 'dist')], { cwd: root, stdio: 'inherit' });
    mkdirSync(dirname(out), { recursive: true });
    const run = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], {
      cwd: stage,
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: 5 * 60_000,
    });
    if (run.error) throw run.error;
    if (run.status !== 0) throw new Error(`vsce package failed (exit ${run.status ?? run.signal})`);
    return statSync(out).size;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--out');
  const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  try {
    if (at >= 0 && !argv[at + 1]) throw new Error('--out needs a file name');
    const out = resolve(at >= 0 ? argv[at + 1] : join(root, `${name}-${version}.vsix`));
    const bytes = packageExtension(out);
    console.log(`package: ${relative(process.cwd(), out) || out} (${(bytes / 1024).toFixed(0)} KB)`);
  } catch (e) {
    console.error(`package: FAILED: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
