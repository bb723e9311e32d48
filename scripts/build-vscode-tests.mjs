// Bundles the VS Code suite into out/vscode-suite with esbuild:
// - in the extension host: suite/index.ts and every *.test.ts (CommonJS; `vscode` is provided by the
//   host and mocha is loaded from node_modules, so both stay external);
// - in node: the launchers (runInCodeServer, runInElectron, main) and the UI checks (ui/*.ui.ts), with
//   every package left to node_modules.
import { build } from 'esbuild';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'test', 'vscode');
// Not under out/test: `npm run build:tests` empties that folder, also while this suite runs from it.
const outdir = join(root, 'out', 'vscode-suite');

function find(dir, keep, skipDirs = []) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return skipDirs.includes(entry.name) ? [] : find(path, keep, skipDirs);
    return keep(entry.name) ? [path] : [];
  });
}

export async function buildVscodeTests() {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const common = {
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    outdir,
    outbase: src,
    logLevel: 'warning',
    define: { TRUSTLENS_VERSION: JSON.stringify(version) },
  };
  rmSync(outdir, { recursive: true, force: true });
  await Promise.all([
    build({
      ...common,
      entryPoints: [join(src, 'suite', 'index.ts'), ...find(src, (n) => n.endsWith('.test.ts'), ['ui'])],
      external: ['vscode', 'mocha'],
    }),
    build({
      ...common,
      entryPoints: [
        join(src, 'runInCodeServer.ts'),
        join(src, 'runInElectron.ts'),
        join(src, 'main.ts'),
        ...find(join(src, 'ui'), (n) => n.endsWith('.ui.ts')),
      ],
      packages: 'external',
    }),
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildVscodeTests();
}
