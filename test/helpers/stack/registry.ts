/** The real docker registry (distribution 2.8) on loopback, filesystem storage, optional auth/TLS. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startProcess, type ManagedProcess } from './childProcess';
import { environmentWithout } from './environment';
import { httpRequest } from './http';
import { freePort, LOOPBACK } from './ports';
import { runCommand } from './runCommand';
import { makeTempDir } from './tempDir';
import { createTestTls } from './tls';

/** Basic-auth credentials the registry demands (checked against an htpasswd file). */
export interface RegistryCredentials {
  readonly user: string;
  readonly password: string;
}

/** Options for {@link startRegistry}. */
export interface RegistryOptions {
  /** Require these credentials (bcrypt htpasswd made with `htpasswd -B`). */
  htpasswd?: RegistryCredentials;
  /** Serve HTTPS with a throw-away CA; default false (plain HTTP, as loopback registries usually are). */
  tls?: boolean;
  /** Listen on this loopback port (e.g. for a demo whose files name it); default a free one. */
  port?: number;
}

/** A running registry. */
export interface Registry {
  /** e.g. `http://127.0.0.1:40125`. */
  readonly url: string;
  /** `127.0.0.1:<port>`: the first component of image names (and GUNs) on this registry. */
  readonly host: string;
  /** The credentials it requires, if any. */
  readonly credentials: RegistryCredentials | undefined;
  /** CA of its certificate when started with TLS. */
  readonly caPem: string | undefined;
  readonly logFile: string;
  /** Stops it and removes its storage. Idempotent. */
  stop(): Promise<void>;
}

/** Starts `docker-registry serve` and resolves once `/v2/` answers. */
export async function startRegistry(options: RegistryOptions = {}): Promise<Registry> {
  const dir = await makeTempDir('registry');
  let server: ManagedProcess | undefined;
  const stop = async (): Promise<void> => {
    await server?.stop();
    await dir.remove();
  };
  try {
    const port = options.port ?? (await freePort());
    const host = `${LOOPBACK}:${port}`;
    const tls = options.tls ? await createTestTls(dir.path) : undefined;
    const http: Record<string, unknown> = { addr: host, secret: 'trustlens-test-registry' };
    if (tls) http.tls = { certificate: tls.certPath, key: tls.keyPath };
    const config: Record<string, unknown> = {
      version: 0.1,
      log: { level: 'info' },
      storage: { filesystem: { rootdirectory: join(dir.path, 'data') }, delete: { enabled: true } },
      http,
    };
    if (options.htpasswd) {
      const path = join(dir.path, 'htpasswd');
      // The password goes in through stdin, never on a command line.
      const { stdout } = await runCommand('htpasswd', ['-niB', options.htpasswd.user], { input: `${options.htpasswd.password}\n` });
      await writeFile(path, stdout, { mode: 0o600 });
      config.auth = { htpasswd: { realm: 'trustlens-registry', path } };
    }
    // JSON is YAML, so the registry reads this file as is.
    const configPath = join(dir.path, 'registry.yml');
    const logFile = join(dir.path, 'registry.log');
    await writeFile(configPath, JSON.stringify(config, null, 2));
    server = await startProcess({
      name: 'docker-registry',
      command: 'docker-registry',
      args: ['serve', configPath],
      // The registry reads REGISTRY_* as configuration overrides.
      env: environmentWithout(['REGISTRY_']),
      logFile,
      // Logged after the listener is bound, just before serving.
      ready: { logLine: new RegExp(`listening on ${host.replace(/\./g, '\\.')}`) },
    });
    const url = `${tls ? 'https' : 'http'}://${host}`;
    const ping = await httpRequest(`${url}/v2/`, { ca: tls?.caPem });
    const expected = options.htpasswd ? 401 : 200;
    if (ping.status !== expected) throw new Error(`registry GET /v2/ answered ${ping.status}, expected ${expected}`);
    return { url, host, credentials: options.htpasswd, caPem: tls?.caPem, logFile, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
