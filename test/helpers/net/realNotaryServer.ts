import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './freePort';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A running notary-server (memory storage, local signing, no auth) on 127.0.0.1. */
export interface RealNotaryServer {
  /** `https://127.0.0.1:<port>` or `http://…` without TLS. */
  readonly origin: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** True when `notary-server` is installed (scripts/setup-stack.sh installs it). */
/**
 * Starts notary-server with its config in `dir`; with `tls`, it serves HTTPS with that certificate.
 * Resolves when it logs "Starting on 127.0.0.1:<port>"; rejects if it exits first.
 */
export async function startRealNotaryServer(dir: string, tls?: { certPem: string; keyPem: string }): Promise<RealNotaryServer> {
  const port = await freePort();
  const server: Record<string, string> = { http_addr: `127.0.0.1:${port}` };
  if (tls) {
    writeFileSync(join(dir, 'notary.crt'), tls.certPem);
    writeFileSync(join(dir, 'notary.key'), tls.keyPem);
    server['tls_cert_file'] = join(dir, 'notary.crt');
    server['tls_key_file'] = join(dir, 'notary.key');
  }
  const config = join(dir, 'notary-server.json');
  writeFileSync(config, JSON.stringify({ server, trust_service: { type: 'local' }, storage: { backend: 'memory' }, logging: { level: 'info' } }));
  const child = spawn('notary-server', ['-config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      log += chunk.toString('utf8');
      if (log.includes(`Starting on 127.0.0.1:${port}`)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`notary-server exited with ${code}:\n${log}`)));
    child.once('error', reject);
  });
  return {
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
