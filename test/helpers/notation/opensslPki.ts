/**
 * The real revocation and timestamp services of the Notation tests, run with Debian's openssl on
 * loopback: an OCSP responder (`openssl ocsp -index … -port …`), CRLs issued by `openssl ca -gencrl`
 * and served over local HTTP, and a TSA (`openssl ts -reply`) that stamps envelope signatures.
 */
import { once } from 'node:events';
import { mkdirSync, writeFileSync, appendFileSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { startProcess, type ManagedProcess } from '../stack/childProcess';
import { runCommand } from '../stack/runCommand';
import { keyPem, type TestCert } from './testPki';

/** openssl's index.txt time format: YYMMDDHHMMSSZ. */
function indexTime(date: Date): string {
  return date.toISOString().replace(/^\d\d(\d\d)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d).*$/, '$1$2$3$4$5$6Z');
}

function indexSubject(cert: TestCert): string {
  return cert.subject.map(([k, v]) => `/${k}=${v}`).join('');
}

/** A CA whose database (index.txt) drives both the OCSP responder and the CRLs. */
export class OpensslCa {
  readonly dir: string;

  constructor(
    parent: string,
    readonly ca: TestCert,
  ) {
    this.dir = join(parent, `ca-${ca.serialHex}`);
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(join(this.dir, 'ca.crt'), ca.pem);
    writeFileSync(join(this.dir, 'ca.key'), keyPem(ca.key), { mode: 0o600 });
    writeFileSync(join(this.dir, 'index.txt'), '');
    writeFileSync(join(this.dir, 'index.txt.attr'), 'unique_subject = no\n');
    writeFileSync(join(this.dir, 'crlnumber'), '1000\n');
    writeFileSync(
      join(this.dir, 'ca.cnf'),
      [
        '[ ca ]',
        'default_ca = test_ca',
        '[ test_ca ]',
        `database = ${join(this.dir, 'index.txt')}`,
        `crlnumber = ${join(this.dir, 'crlnumber')}`,
        `certificate = ${join(this.dir, 'ca.crt')}`,
        `private_key = ${join(this.dir, 'ca.key')}`,
        'default_md = sha256',
        'default_crl_days = 1',
        '',
      ].join('\n'),
    );
  }

  /** Records a certificate as valid. */
  issued(cert: TestCert, notAfter = new Date(Date.now() + 365 * 86_400_000)): void {
    appendFileSync(join(this.dir, 'index.txt'), `V\t${indexTime(notAfter)}\t\t${cert.serialHex.toUpperCase()}\tunknown\t${indexSubject(cert)}\n`);
  }

  /** Records a certificate as revoked (optionally with a reason such as `keyCompromise`). */
  revoked(cert: TestCert, reason?: string, at = new Date(Date.now() - 60_000), notAfter = new Date(Date.now() + 365 * 86_400_000)): void {
    appendFileSync(join(this.dir, 'index.txt'), `R\t${indexTime(notAfter)}\t${indexTime(at)}${reason ? `,${reason}` : ''}\t${cert.serialHex.toUpperCase()}\tunknown\t${indexSubject(cert)}\n`);
  }

  /** A fresh DER CRL from the database. */
  async crl(): Promise<Uint8Array> {
    const pem = join(this.dir, 'crl.pem');
    const der = join(this.dir, 'crl.der');
    await runCommand('openssl', ['ca', '-batch', '-gencrl', '-config', join(this.dir, 'ca.cnf'), '-out', pem]);
    await runCommand('openssl', ['crl', '-in', pem, '-outform', 'DER', '-out', der]);
    return new Uint8Array(readFileSync(der));
  }

  /**
   * Starts `openssl ocsp` as this CA's responder on `port` (the certificates name its URL before it
   * runs), signing with the CA key; stop() when done. openssl 3.0 cannot bind to one address, so it
   * listens on the port of every interface; the tests only ever connect to 127.0.0.1.
   */
  async startOcspResponder(logDir: string, port: number): Promise<{ url: string; process: ManagedProcess }> {
    const process = await startProcess({
      name: 'openssl ocsp',
      command: 'openssl',
      args: ['ocsp', '-index', join(this.dir, 'index.txt'), '-port', String(port), '-CA', join(this.dir, 'ca.crt'),
        '-rsigner', join(this.dir, 'ca.crt'), '-rkey', join(this.dir, 'ca.key'), '-ndays', '1'],
      logFile: join(logDir, `ocsp-${port}.log`),
      ready: { logLine: /waiting for OCSP client connections/ },
    });
    return { url: `http://127.0.0.1:${port}`, process };
  }
}

/** A plain HTTP server on loopback serving files by path (CRLs); counts requests per path. */
export class LocalFileServer {
  readonly files = new Map<string, Uint8Array>();
  readonly hits = new Map<string, number>();
  #server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const path = req.url ?? '/';
      this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
      const body = this.files.get(path);
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/pkix-crl', 'content-length': body.length }).end(body);
    });
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.url = `http://127.0.0.1:${(this.#server.address() as { port: number }).port}`;
  }

  async stop(): Promise<void> {
    if (!this.#server) return;
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }
}

/** A TSA run by `openssl ts -reply`, with a signing-certificate-v2 (ess_cert_id_alg sha256) as notation requires. */
export class OpensslTsa {
  readonly dir: string;
  #count = 0;

  constructor(
    parent: string,
    readonly signer: TestCert,
    readonly chain: readonly TestCert[],
  ) {
    this.dir = join(parent, `tsa-${signer.serialHex}`);
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(join(this.dir, 'tsa.crt'), signer.pem);
    writeFileSync(join(this.dir, 'tsa.key'), keyPem(signer.key), { mode: 0o600 });
    writeFileSync(join(this.dir, 'chain.pem'), chain.map((c) => c.pem).join(''));
    writeFileSync(join(this.dir, 'serial'), '01\n');
    writeFileSync(
      join(this.dir, 'tsa.cnf'),
      [
        '[ tsa ]',
        'default_tsa = test_tsa',
        '[ test_tsa ]',
        `serial = ${join(this.dir, 'serial')}`,
        'signer_digest = sha256',
        'default_policy = 1.3.6.1.4.1.4146.2.3',
        'digests = sha256, sha384, sha512',
        'accuracy = secs:1',
        'ordering = no',
        'tsa_name = no',
        'ess_cert_id_chain = no',
        'ess_cert_id_alg = sha256',
        '',
      ].join('\n'),
    );
  }

  /** A TimeStampToken (DER) over `data`, as notation requests one for the primitive signature. */
  async stamp(data: Uint8Array, hash: 'sha256' | 'sha384' | 'sha512' = 'sha256'): Promise<Uint8Array> {
    const n = ++this.#count;
    const dataFile = join(this.dir, `data-${n}.bin`);
    const query = join(this.dir, `query-${n}.tsq`);
    const token = join(this.dir, `token-${n}.der`);
    writeFileSync(dataFile, data);
    await runCommand('openssl', ['ts', '-query', '-data', dataFile, `-${hash}`, '-cert', '-no_nonce', '-out', query]);
    await runCommand('openssl', ['ts', '-reply', '-config', join(this.dir, 'tsa.cnf'), '-queryfile', query, '-signer', join(this.dir, 'tsa.crt'),
      '-inkey', join(this.dir, 'tsa.key'), '-chain', join(this.dir, 'chain.pem'), '-token_out', '-out', token]);
    return new Uint8Array(readFileSync(token));
  }

  /** The TimeStampResp (DER) to a TimeStampReq a client sent, as an RFC 3161 server over HTTP answers. */
  async reply(request: Uint8Array): Promise<Uint8Array> {
    const n = ++this.#count;
    const query = join(this.dir, `request-${n}.tsq`);
    const response = join(this.dir, `response-${n}.tsr`);
    writeFileSync(query, request);
    await runCommand('openssl', ['ts', '-reply', '-config', join(this.dir, 'tsa.cnf'), '-queryfile', query, '-signer', join(this.dir, 'tsa.crt'),
      '-inkey', join(this.dir, 'tsa.key'), '-chain', join(this.dir, 'chain.pem'), '-out', response]);
    return new Uint8Array(readFileSync(response));
  }
}
