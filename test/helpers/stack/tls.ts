/** A throw-away certificate authority and a loopback server certificate, made with openssl. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from './runCommand';

/** Files of a test CA and of one server certificate it signed. */
export interface TestTls {
  /** PEM of the CA certificate, e.g. for undici's `connect.ca` or docker's `tls/<host:port>/ca.crt`. */
  readonly caPem: string;
  readonly caPath: string;
  /** Server certificate for `IP:127.0.0.1` and `DNS:localhost`, signed by the CA. */
  readonly certPath: string;
  /** Unencrypted private key of the server certificate. */
  readonly keyPath: string;
}

/**
 * Validity of both certificates. Long on purpose: whole-process tests shift node's clock with
 * faketime by up to 10 years and 1 day, and TLS to the stack must still verify then.
 */
const VALID_DAYS = 7300;

/** Creates `ca.crt`, `ca.key`, `server.crt` and `server.key` (ECDSA P-256) in `dir`. */
export async function createTestTls(dir: string): Promise<TestTls> {
  const caPath = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  const certPath = join(dir, 'server.crt');
  const keyPath = join(dir, 'server.key');
  const csrPath = join(dir, 'server.csr');
  const extPath = join(dir, 'server.ext');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

  await openssl(['req', '-x509', ...ec, '-keyout', caKey, '-out', caPath, '-days', String(VALID_DAYS),
    '-subj', '/CN=TrustLens test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await openssl(['req', ...ec, '-keyout', keyPath, '-out', csrPath, '-subj', '/CN=127.0.0.1']);
  // Go (notary, docker) ignores the CN and checks only subjectAltName, so both names go there.
  await writeFile(extPath, [
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth,clientAuth',
    '',
  ].join('\n'));
  await openssl(['x509', '-req', '-in', csrPath, '-CA', caPath, '-CAkey', caKey, '-CAcreateserial',
    '-out', certPath, '-days', String(VALID_DAYS), '-extfile', extPath]);

  return { caPem: await readFile(caPath, 'utf8'), caPath, certPath, keyPath };
}

async function openssl(args: string[]): Promise<void> {
  await runCommand('openssl', args);
}
