/**
 * `npm start`: starts the local trust stack (notary-server + registry on loopback), seeds the demo
 * repositories, and opens code-server on examples/ with TrustLens loaded and pointed at the stack.
 * `--no-editor` prints `trustlens check examples/` against the stack instead. Ctrl+C stops everything.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startStack, type Stack } from '../../test/helpers/stack/stack';
import { openEditor } from './editor';
import { seedDemo } from './seed';

const REGISTRY_PORT = 15000;
const NOTARY_PORT = 14443;
const ROOT = resolve(__dirname, '..', '..');

async function main(): Promise<number> {
  const noEditor = process.argv.includes('--no-editor');
  const work = mkdtempSync(join(tmpdir(), 'trustlens-demo-'));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(work, { recursive: true, force: true })];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stopAll().then(() => process.exit(143)));
  try {
    console.log('Starting notary-server and registry on 127.0.0.1 …');
    let stack: Stack;
    try {
      stack = await startStack({ registry: { port: REGISTRY_PORT }, notaryPort: NOTARY_PORT });
    } catch (e) {
      throw new Error(`could not start the demo stack on ports ${REGISTRY_PORT} and ${NOTARY_PORT} (is another demo running?): ${(e as Error).message}`);
    }
    cleanups.push(() => stack.stop());
    console.log('Seeding the demo repositories with the notary CLI …');
    const demo = await seedDemo(stack);

    // The editor and the CLI find the trust server's CA the way docker does: <docker config>/tls/<host:port>/ca.crt.
    const dockerConfig = join(work, 'docker');
    mkdirSync(join(dockerConfig, 'tls', stack.notary.host), { recursive: true });
    writeFileSync(join(dockerConfig, 'tls', stack.notary.host, 'ca.crt'), stack.notary.caPem ?? '');
    writeFileSync(join(dockerConfig, 'config.json'), '{}\n');

    if (noEditor) {
      const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'check', 'examples', '--docker-config', dockerConfig, '--cache-dir', join(work, 'cache')], {
        cwd: ROOT, stdio: 'inherit',
      });
      await stopAll();
      return r.status === null ? 1 : 0;
    }

    const editor = await openEditor({ root: ROOT, workspace: join(ROOT, 'examples'), dockerConfig });
    cleanups.push(() => editor.stop());
    console.log(`
TrustLens demo is running: ${editor.url}

The stack: registry ${demo.registry}, notary-server ${stack.notary.url}
${demo.lines.map((l) => `  - ${l}`).join('\n')}

A short tour:
  1. Open Dockerfile: each image is underlined with its verdict (Problems: Ctrl+Shift+M).
  2. Hover 127.0.0.1:15000/demo/web:1.0: signed digest, signers, role expiries, trust server.
  3. Ctrl+. on it: "Pin to signed digest". On demo/web:2.0: "Switch to signed tag…".
  4. On the FROM \${BASE} line the pin goes into the ARG default.
  5. Open the TrustLens view in the activity bar: signers, keys and signed tags per repository.
  6. compose.yaml: payments misses the qa signature that .trustlens.yaml requires.

Press Ctrl+C to stop everything.`);
    return await new Promise<never>(() => undefined);
  } catch (e) {
    console.error(`demo failed: ${(e as Error).message}`);
    await stopAll();
    return 1;
  }
}

void main().then((code) => process.exit(code));
