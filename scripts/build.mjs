// Bundles the extension and the CLI (and, with --tests, every unit test file) with esbuild.
//   node scripts/build.mjs [--production] [--outdir DIR] [--metafile FILE] [--tests] [--demo] [--bench] [--fuzz]
// --outdir DIR puts dist/'s files elsewhere (scripts/package.mjs builds into its staging copy).
// --metafile FILE writes esbuild's metafile of dist/extension.js (what activation loads) to FILE.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const argv = process.argv.slice(2);
const args = new Set(argv);
const production = args.has('--production');
const outdirAt = argv.indexOf('--outdir');
const dist = outdirAt >= 0 ? argv[outdirAt + 1] : 'dist';
if (!dist) throw new Error('--outdir needs a directory');
const metafileAt = argv.indexOf('--metafile');
const metafile = metafileAt >= 0 ? argv[metafileAt + 1] : undefined;
if (metafileAt >= 0 && !metafile) throw new Error('--metafile needs a file');

// undici carries its HTTP parser twice, as WebAssembly with and without SIMD. The SIMD build is used
// wherever WebAssembly SIMD works (every platform VS Code runs on); the plain one is only a fallback,
// so it stays out of the bundles as a file of its own beside them, loaded only if ever needed.
const LLHTTP_FALLBACK = 'node_modules/undici/lib/llhttp/llhttp-wasm.js';
const llhttpFallbackOutside = {
  name: 'llhttp-fallback-outside',
  setup(b) {
    b.onResolve({ filter: /\/llhttp\/llhttp-wasm\.js$/ }, () => ({ path: './llhttp-wasm.js', external: true }));
  },
};

// jsonc-parser's main build is UMD, whose requires a bundler cannot follow: bundle its ES module build.
const jsoncParserEsm = {
  name: 'jsonc-parser-esm',
  setup(b) {
    b.onResolve({ filter: /^jsonc-parser$/ }, () => ({ path: join(process.cwd(), 'node_modules/jsonc-parser/lib/esm/main.js') }));
  },
};

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
  plugins: [llhttpFallbackOutside, jsoncParserEsm],
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

mkdirSync(dist, { recursive: true });
copyFileSync(LLHTTP_FALLBACK, join(dist, 'llhttp-wasm.js'));
// minipass-fetch (under @sigstore/tuf) loads iconv-lite only for textConverted(), which nothing calls,
// and goes without it when it is absent: its encoding tables would more than double the bundles.
const optionalOut = ['iconv-lite'];
const [extension] = await Promise.all([
  build({ ...common, entryPoints: ['src/extension.ts'], outfile: join(dist, 'extension.js'), external: ['vscode'], metafile: metafile !== undefined }),
  // What activation does not need, loaded on first use by src/vscode/engine/load.ts.
  build({ ...common, entryPoints: ['src/vscode/engine/modules.ts'], outfile: join(dist, 'engine.js'), external: ['vscode', ...optionalOut] }),
  // The worker thread that reads documents for the editor, started by the engine on the first check.
  build({ ...common, entryPoints: ['src/vscode/scan/scanWorker.ts'], outfile: join(dist, 'scanWorker.js') }),
  // The CLI: `cli.js` starts `cliMain.js` with V8's compile cache (see src/cli/launcher.ts).
  build({ ...common, entryPoints: ['src/cli/processMain.ts'], outfile: join(dist, 'cliMain.js'), external: optionalOut }),
  build({ ...common, entryPoints: ['src/cli/launcher.ts'], outfile: join(dist, 'cli.js'), banner: { js: '#!/usr/bin/env node' } }),
]);

if (metafile) writeFileSync(metafile, JSON.stringify(extension.metafile));

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

if (args.has('--fuzz')) {
  // The fuzz target runs from this checkout (it reads test/fuzz/seeds), its packages from node_modules.
  await build({ ...common, entryPoints: ['test/fuzz/fuzz.ts'], outfile: 'out/fuzz/fuzz.js', packages: 'external' });
}

if (args.has('--bench')) {
  await build({ ...common, entryPoints: ['bench/bench.ts', 'bench/coldCheck.ts', 'bench/verify10k.ts', 'bench/editLatency.ts'], outdir: 'out/bench', outbase: 'bench', packages: 'external' });
  // The cosign and Notation measurements bundle their packages, as in dist/ (cborg is an ES module that require() cannot load).
  await build({ ...common, entryPoints: ['bench/notation.ts', 'bench/cosignVerify.ts'], outdir: 'out/bench', outbase: 'bench' });
}
