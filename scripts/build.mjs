// Bundles the extension and the CLI (and, with --tests, every unit test file) with esbuild.
import { build } from 'esbuild';
import { existsSync, readFileSync, readdirSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const args = new Set(process.argv.slice(2));
const production = args.has('--production');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  define: { TRUSTLENS_VERSION: JSON.stringify(version) },
};

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

await Promise.all([
  build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
]);

if (args.has('--tests')) {
  rmSync('out/test', { recursive: true, force: true });
  // Unit tests (pure logic) and integration tests (against the real local stack) are bundled alike.
  const entryPoints = ['test/unit', 'test/integration'].filter(existsSync).flatMap(findTests);
  await build({ ...common, entryPoints, outdir: 'out/test', outbase: 'test', sourcemap: 'inline' });
}

if (args.has('--demo')) {
  // Tools run from this checkout, so their dependencies load from node_modules rather than the bundle.
  await build({ ...common, entryPoints: ['scripts/demo/main.ts'], outfile: 'out/demo/main.js', packages: 'external' });
}

if (args.has('--bench')) {
  await build({ ...common, entryPoints: ['bench/bench.ts', 'bench/verify10k.ts'], outdir: 'out/bench', outbase: 'bench', packages: 'external' });
}
