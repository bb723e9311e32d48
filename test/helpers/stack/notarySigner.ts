/**
 * notary-signer with in-memory key storage. notary-server needs it for ECDSA server keys: its
 * `local` trust service always makes Ed25519 keys and ignores `key_algorithm`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startProcess } from './childProcess';
import { environmentWithout } from './environment';
import { freePort, LOOPBACK } from './ports';
import type { TestTls } from './tls';

/** A running notary-signer (gRPC over TLS on loopback). */
export interface NotarySigner {
  /** gRPC port on 127.0.0.1. */
  readonly port: number;
  readonly logFile: string;
  stop(): Promise<void>;
}

/**
 * Starts notary-signer in `dir` with memory storage, serving gRPC with the given certificate
 * (the signer refuses to run without TLS).
 */
export async function startNotarySigner(dir: string, tls: TestTls): Promise<NotarySigner> {
  const port = await freePort();
  const configPath = join(dir, 'notary-signer.json');
  const logFile = join(dir, 'notary-signer.log');
  await writeFile(configPath, JSON.stringify({
    server: { grpc_addr: `${LOOPBACK}:${port}`, tls_cert_file: tls.certPath, tls_key_file: tls.keyPath },
    storage: { backend: 'memory' },
    logging: { level: 'info' },
  }, null, 2));
  const process = await startProcess({
    name: 'notary-signer',
    command: 'notary-signer',
    args: ['-config', configPath],
    // notary-signer reads NOTARY_SIGNER_* as configuration overrides.
    env: environmentWithout(['NOTARY_SIGNER_']),
    logFile,
    // It logs nothing once listening, so the first accepted connection is the readiness signal.
    ready: { port },
  });
  return { port, logFile, stop: () => process.stop() };
}
