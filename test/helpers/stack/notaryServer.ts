/** The real notary-server on loopback: memory storage, TLS by default, optional token auth. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { logTail, startProcess, type ManagedProcess } from './childProcess';
import { environmentWithout } from './environment';
import { httpRequest } from './http';
import { startNotarySigner, type NotarySigner } from './notarySigner';
import { freePort, LOOPBACK } from './ports';
import { makeTempDir } from './tempDir';
import { createTestTls } from './tls';

/** Type of the keys the server holds for `timestamp` and (when server-managed) `snapshot`. */
export type ServerKeyAlgorithm = 'ecdsa' | 'ed25519';

/** notary-server's `auth: {type: "token", options}` settings; a {@link TokenIssuer} provides them. */
export interface NotaryTokenAuth {
  /** Token endpoint announced in the challenge, e.g. `http://127.0.0.1:5001/token`. */
  readonly realm: string;
  /** `service` of the challenge and the tokens' `aud`, e.g. `trustlens-notary`. */
  readonly service: string;
  /** Tokens' `iss`, e.g. `trustlens-test-issuer`. */
  readonly issuer: string;
  /** PEM file with the certificate(s) whose keys may sign tokens. */
  readonly rootCertBundlePath: string;
}

/** Options for {@link startNotaryServer}. */
export interface NotaryServerOptions {
  /** Server key type; default `ecdsa` (runs a notary-signer), `ed25519` uses the local service. */
  keyAlgorithm?: ServerKeyAlgorithm;
  /** Serve HTTPS with a throw-away CA; default true. The docker CLI accepts only https. */
  tls?: boolean;
  /** Require registry-style bearer tokens. */
  tokenAuth?: NotaryTokenAuth;
  /** Listen on this loopback port (e.g. for a demo whose files name it); default a free one. */
  port?: number;
}

/** A running notary-server. */
export interface NotaryServer {
  /** e.g. `https://127.0.0.1:40123`. */
  readonly url: string;
  /** e.g. `127.0.0.1:40123`. */
  readonly host: string;
  readonly keyAlgorithm: ServerKeyAlgorithm;
  /** CA of the server certificate (undefined without TLS). */
  readonly caPath: string | undefined;
  readonly caPem: string | undefined;
  readonly logFile: string;
  /** Directory holding config, certificates and logs; removed by `stop()`. */
  readonly dir: string;
  /** Stops the server (and its signer) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

/** Starts notary-server (and, for ECDSA keys, a notary-signer) and resolves once it is healthy. */
export async function startNotaryServer(options: NotaryServerOptions = {}): Promise<NotaryServer> {
  const keyAlgorithm = options.keyAlgorithm ?? 'ecdsa';
  const useTls = options.tls ?? true;
  const dir = await makeTempDir('notary');
  let signer: NotarySigner | undefined;
  let server: ManagedProcess | undefined;
  const stop = async (): Promise<void> => {
    await server?.stop();
    await signer?.stop();
    await dir.remove();
  };
  try {
    // The signer's gRPC always needs TLS, so the certificates are made even for a plain-HTTP server.
    const needCerts = useTls || keyAlgorithm === 'ecdsa';
    const tls = needCerts ? await createTestTls(dir.path) : undefined;
    let trustService: Record<string, unknown> = { type: 'local' };
    if (keyAlgorithm === 'ecdsa' && tls) {
      signer = await startNotarySigner(dir.path, tls);
      trustService = {
        type: 'remote', hostname: LOOPBACK, port: String(signer.port),
        tls_ca_file: tls.caPath, key_algorithm: 'ecdsa',
      };
    }
    const port = options.port ?? (await freePort());
    const host = `${LOOPBACK}:${port}`;
    const config: Record<string, unknown> = {
      server: useTls && tls ? { http_addr: host, tls_cert_file: tls.certPath, tls_key_file: tls.keyPath } : { http_addr: host },
      trust_service: trustService,
      storage: { backend: 'memory' },
      logging: { level: 'info' },
    };
    if (options.tokenAuth) {
      const a = options.tokenAuth;
      config.auth = {
        type: 'token',
        options: { realm: a.realm, service: a.service, issuer: a.issuer, rootcertbundle: a.rootCertBundlePath },
      };
    }
    const configPath = join(dir.path, 'notary-server.json');
    const logFile = join(dir.path, 'notary-server.log');
    await writeFile(configPath, JSON.stringify(config, null, 2));
    server = await startProcess({
      name: 'notary-server',
      command: 'notary-server',
      args: ['-config', configPath],
      // notary-server reads NOTARY_SERVER_* as configuration overrides.
      env: environmentWithout(['NOTARY_SERVER_']),
      logFile,
      // Logged after the socket is bound, just before serving.
      ready: { logLine: new RegExp(`Starting on ${host.replace(/\./g, '\\.')}`) },
    });
    const url = `${useTls ? 'https' : 'http'}://${host}`;
    const health = await httpRequest(`${url}/_notary_server/health`, { ca: useTls ? tls?.caPem : undefined });
    if (health.status !== 200) {
      throw new Error(`notary-server health check answered ${health.status}: ${health.body.toString()}\n${await logTail(logFile)}`);
    }
    return {
      url, host, keyAlgorithm, logFile, dir: dir.path, stop,
      caPath: useTls ? tls?.caPath : undefined,
      caPem: useTls ? tls?.caPem : undefined,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
