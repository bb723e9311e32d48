import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './freePort';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A running `docker-registry` (distribution 2.8) with htpasswd Basic auth on 127.0.0.1. */
export interface RealRegistry {
  /** `127.0.0.1:<port>`. */
  readonly host: string;
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  stop(): Promise<void>;
}

/** True when both `docker-registry` and `htpasswd` are installed (scripts/setup-stack.sh installs them). */
/**
 * Starts a registry in `dir` with the given users (bcrypt htpasswd). Resolves once the registry logs
 * that it listens; rejects if it exits first.
 */
export async function startRealRegistry(dir: string, users: Record<string, string>): Promise<RealRegistry> {
  const htpasswd = join(dir, 'htpasswd');
  const lines = Object.entries(users).map(([user, password]) => {
    const out = spawnSync('htpasswd', ['-Bbn', user, password], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`htpasswd failed: ${out.stderr}`);
    return out.stdout.trim();
  });
  writeFileSync(htpasswd, `${lines.join('\n')}\n`);
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const port = await freePort();
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log: {level: info}',
      `storage: {filesystem: {rootdirectory: ${join(dir, 'storage')}}, delete: {enabled: true}}`,
      `http: {addr: 127.0.0.1:${port}, secret: throw-away-test-secret}`,
      `auth: {htpasswd: {realm: trustlens-test, path: ${htpasswd}}}`,
      '',
    ].join('\n'),
  );
  // The registry reads REGISTRY_* variables as config overrides: start it without any.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('REGISTRY_')));
  const child: ChildProcess = spawn('docker-registry', ['serve', config], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      log += chunk.toString('utf8');
      if (log.includes(`listening on 127.0.0.1:${port}`)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`docker-registry exited with ${code}:\n${log}`)));
    child.once('error', reject);
  });
  return {
    host: `127.0.0.1:${port}`,
    origin: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
