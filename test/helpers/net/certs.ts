import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A throw-away certificate authority made with the openssl CLI. */
export interface TestCa {
  readonly certPath: string;
  readonly keyPath: string;
  readonly certPem: string;
}

/** A leaf certificate and its key (PEM) signed by a {@link TestCa}. */
export interface TestLeaf {
  readonly certPem: string;
  readonly keyPem: string;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Creates a self-signed P-256 CA named `name` in `dir`. */
export function makeCa(dir: string, name: string): TestCa {
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.crt`);
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyPath]);
  openssl(['req', '-x509', '-new', '-key', keyPath, '-sha256', '-days', '2', '-subj', `/CN=${name}`, '-out', certPath,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return { certPath, keyPath, certPem: readFileSync(certPath, 'utf8') };
}

/**
 * Issues a leaf certificate from `ca`: a server certificate for IP 127.0.0.1 and DNS localhost,
 * or (with `client: true`) a client certificate.
 */
export function issueLeaf(ca: TestCa, dir: string, name: string, options: { client?: boolean } = {}): TestLeaf {
  const keyPath = join(dir, `${name}.key`);
  const csrPath = join(dir, `${name}.csr`);
  const certPath = join(dir, `${name}.pem`);
  const extPath = join(dir, `${name}.ext`);
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyPath]);
  openssl(['req', '-new', '-key', keyPath, '-subj', `/CN=${name}`, '-out', csrPath]);
  writeFileSync(extPath, options.client ? 'extendedKeyUsage=clientAuth\n' : 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl(['x509', '-req', '-in', csrPath, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-CAcreateserial', '-days', '2', '-sha256', '-extfile', extPath, '-out', certPath]);
  return { certPem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(keyPath, 'utf8') };
}
