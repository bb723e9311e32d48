/**
 * `npm start`: starts the local trust stack (notary-server + registry on loopback), seeds the demo
 * repositories, and opens code-server on a fresh copy of examples/ with TrustLens loaded and pointed
 * at the stack, holding a signer key of demo/web. `--no-editor` runs `trustlens check` on that copy
 * instead. Ctrl+C stops everything and removes every temporary directory the demo made (they hold
 * private keys); nothing in this repository is changed.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { removeAtExit } from '../../test/helpers/stack/exitHooks';
import { startStack, type Stack } from '../../test/helpers/stack/stack';
import { openEditor } from './editor';
import { DEMO_KEY_PASSPHRASE, handOverSignerKey, seedDemo } from './seed';

const REGISTRY_PORT = 15000;
const NOTARY_PORT = 14443;
const ROOT = resolve(__dirname, '..', '..');

/** A word as a shell reads it back: as is when it is plain, else in single quotes. */
function shellWord(word: string): string {
  return /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

async function main(): Promise<number> {
  const noEditor = process.argv.includes('--no-editor');
  const work = mkdtempSync(join(tmpdir(), 'trustlens-demo-'));
  // Removed by stop(), or by the exit hooks if the process ends any other way.
  removeAtExit(work);
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(work, { recursive: true, force: true })];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= (async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (e) {
        console.error(`stopping: ${(e as Error).message}`);
      }
    }
  })());
  // Ctrl+C reaches this process twice (from the terminal, and from npm passing it on): the first one
  // stops everything; later ones wait for that. The stack's own exit hooks also kill its servers at once.
  const onSignal = (): void => {
    if (stopping) return;
    console.log('\nStopping the demo …');
    void stop().then(() => {
      console.log('TrustLens demo stopped: the editor, notary-server and registry are stopped, and their temporary directories (keys included) are removed.');
      process.exit(0);
    });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

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
    await handOverSignerKey(demo.signer, dockerConfig);
    // The editor and the CLI work on a copy: examples/ stays as it is, whatever is edited, pinned or ignored.
    const workspace = join(work, 'examples');
    cpSync(join(ROOT, 'examples'), workspace, { recursive: true });

    // --refresh: what is signed in the editor shows at once, however soon the command is run again.
    const check = [process.execPath, join(ROOT, 'dist', 'cli.js'), 'check', workspace,
      '--docker-config', dockerConfig, '--config', join(workspace, '.trustlens.yaml'), '--cache-dir', join(work, 'cache'), '--refresh'];
    const checkCommand = check.map(shellWord).join(' ');
    if (noEditor) {
      console.log(`$ ${checkCommand}`);
      const r = spawnSync(check[0]!, check.slice(1), { cwd: ROOT, stdio: 'inherit' });
      await stop();
      return r.status === null ? 1 : 0;
    }

    const editor = await openEditor({ root: ROOT, workspace, dockerConfig });
    cleanups.push(() => editor.stop());
    console.log(`
TrustLens demo is running: ${editor.url}

The editor works on a copy of examples/ in ${workspace}: edit, pin and sign freely.

The stack: registry ${demo.registry}, notary-server ${stack.notary.url}
${demo.lines.map((l) => `  - ${l}`).join('\n')}
The editor holds the signer key of ${demo.signer.name} (passphrase: ${DEMO_KEY_PASSPHRASE}).

A short tour:
  1. Open Dockerfile: each image is underlined with its verdict (Problems: Ctrl+Shift+M).
  2. Hover ${demo.registry}/demo/web:1.0: signed digest, signers, role expiries, trust server.
  3. Ctrl+. on it: "Pin to signed digest". On demo/web:2.0: "Switch to signed tag…".
  4. On the FROM \${BASE} line the pin goes into the ARG default.
  5. Sign demo/web:2.0: Ctrl+. on it, "Sign image…", Enter, pick ${demo.signer.name}, passphrase ${DEMO_KEY_PASSPHRASE}.
     Its underline goes: ${demo.signer.name} signed it into targets/releases.
  6. Open the TrustLens view in the activity bar: signers, keys and signed tags per repository.
  7. compose.yaml: payments misses the qa signature that .trustlens.yaml requires. Signing it fails:
     only ci and qa can sign it, and the message offers Load Key… and Add Signer….
  8. k8s/deployment.yaml: a Deployment gets the same verdicts as the Dockerfile. Ctrl+. on demo/web:1.0
     pins it in place; in k8s/overlay/kustomization.yaml the pin adds digest: under the entry, and in
     k8s/chart/values.yaml it fills the chart's digest: field.

Check the demo stack from a second terminal:
  ${checkCommand}

Press Ctrl+C to stop everything.`);
    return await new Promise<never>(() => undefined);
  } catch (e) {
    // Interrupted while starting: the signal handler is stopping everything and says so.
    if (stopping) return await new Promise<never>(() => undefined);
    console.error(`demo failed: ${(e as Error).message}`);
    await stop();
    return 1;
  }
}

void main().then((code) => process.exit(code));
