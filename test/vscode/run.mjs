// Builds the extension and the VS Code suite, then runs the suite inside code-server (a real VS Code)
// against test/fixtures/workspace, in every VS Code test/vscode/editors.json lists (the oldest
// engines.vscode claims, and a current one). Needs scripts/setup-editor.sh to have run. Exits non-zero
// on failure.
//
//   node test/vscode/run.mjs [--code-server VERSION]... [--production] [--grep PATTERN] [--pass trusted|untrusted] [--no-ui] [--timeout-ms N]
// --code-server VERSION runs only in that build: a code-server or VS Code version of editors.json
// (e.g. 4.139.1 or 1.100.3), `oldest` or `newest`.
// --production runs the extension's minified bundles, as the .vsix ships them (the benchmark's activation time).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { buildVscodeTests } from '../../scripts/build-vscode-tests.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
process.chdir(root);
// Ctrl+C still runs the exit hooks that stop code-server and Chromium.
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

// The extension under test is dist/extension.js, so it must be as fresh as the tests.
const args = process.argv.slice(2);
const production = args.includes('--production');
execFileSync(process.execPath, ['scripts/build.mjs', ...(production ? ['--production'] : [])], { stdio: 'inherit' });
await buildVscodeTests();

const { main } = createRequire(import.meta.url)('../../out/vscode-suite/main.js');
process.exitCode = await main(args.filter((a) => a !== '--production'));
