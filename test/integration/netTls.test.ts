import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UndiciHttpClient } from '../../src/core/net/undiciHttpClient';
import { netFailure } from '../helpers/net/netFailure';
import { startTestServer, type TestServer } from '../helpers/net/testServer';
import { makeCa, issueLeaf, type TestCa, type TestLeaf } from '../helpers/net/certs';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';


/** A docker config dir whose tls/<host>/ folder holds the given files. */
function configDirWith(root: string, name: string, host: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'tls', host), { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, 'tls', host, file), text);
  return dir;
}

void describe('UndiciHttpClient TLS with per-host CA directories', () => {
  let tmp: TempDir;
  let ca: TestCa;
  let otherCa: TestCa;
  let serverLeaf: TestLeaf;
  let httpsServer: TestServer;
  let mtlsServer: TestServer;
  let plainServer: TestServer;

  before(async () => {
    tmp = await makeTempDir('tls');
    ca = makeCa(tmp.path, 'test-ca');
    otherCa = makeCa(tmp.path, 'other-ca');
    serverLeaf = issueLeaf(ca, tmp.path, 'server');
    plainServer = await startTestServer((_req, res) => res.end('plain'));
    httpsServer = await startTestServer(
      (req, res) => {
        if (req.url === '/downgrade') {
          res.writeHead(302, { location: plainServer.url('/') });
          res.end();
          return;
        }
        res.end('secure');
      },
      { key: serverLeaf.keyPem, cert: serverLeaf.certPem },
    );
    mtlsServer = await startTestServer((req, res) => res.end(`client ${(req.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN}`), {
      key: serverLeaf.keyPem,
      cert: serverLeaf.certPem,
      ca: ca.certPem,
      requestCert: true,
    });
  });
  after(async () => {
    await Promise.all([httpsServer.close(), mtlsServer.close(), plainServer.close()]);
    await tmp.remove();
  });

  void it('trusts a server whose CA is in <config>/tls/<host:port>/*.crt', async () => {
    const dockerConfigDir = configDirWith(tmp.path, 'good', `127.0.0.1:${httpsServer.port}`, { 'ca.crt': ca.certPem });
    const http = new UndiciHttpClient({ dockerConfigDir });
    try {
      const res = await http.get(httpsServer.url('/'));
      assert.equal(new TextDecoder().decode(res.body), 'secure');
    } finally {
      await http.close();
    }
  });

  void it('fails with a tls error without the CA, and with the wrong CA', async () => {
    const none = new UndiciHttpClient({ dockerConfigDir: join(tmp.path, 'missing') });
    const wrongDir = configDirWith(tmp.path, 'wrong', `127.0.0.1:${httpsServer.port}`, { 'ca.crt': otherCa.certPem });
    const wrong = new UndiciHttpClient({ dockerConfigDir: wrongDir });
    // The CA of another host does not count for this one.
    const otherHostDir = configDirWith(tmp.path, 'other-host', '127.0.0.1:1', { 'ca.crt': ca.certPem });
    const otherHost = new UndiciHttpClient({ dockerConfigDir: otherHostDir });
    try {
      for (const http of [none, wrong, otherHost]) {
        const e = await netFailure(http.get(httpsServer.url('/')));
        assert.equal(e.code, 'tls');
        assert.match(e.message, /TLS failure for GET https:\/\/127\.0\.0\.1/);
        // A TLS failure is not transient: exactly one attempt.
        assert.equal(http.requestCount, 1);
      }
    } finally {
      await Promise.all([none.close(), wrong.close(), otherHost.close()]);
    }
  });

  void it('presents the client certificate from <config>/tls/<host>/*.cert + *.key', async () => {
    const client = issueLeaf(ca, tmp.path, 'trustlens-client', { client: true });
    const host = `127.0.0.1:${mtlsServer.port}`;
    const withCert = new UndiciHttpClient({
      dockerConfigDir: configDirWith(tmp.path, 'mtls', host, { 'ca.crt': ca.certPem, 'client.cert': client.certPem, 'client.key': client.keyPem }),
    });
    const withoutCert = new UndiciHttpClient({ dockerConfigDir: configDirWith(tmp.path, 'mtls-none', host, { 'ca.crt': ca.certPem }) });
    try {
      const res = await withCert.get(mtlsServer.url('/'));
      assert.equal(new TextDecoder().decode(res.body), 'client trustlens-client');
      const e = await netFailure(withoutCert.get(mtlsServer.url('/')));
      // TLS 1.3 reports the missing certificate after the handshake, as a reset or an alert.
      assert.ok(e.code === 'tls' || e.code === 'connection', `${e.code}: ${e.message}`);
    } finally {
      await Promise.all([withCert.close(), withoutCert.close()]);
    }
  });

  void it('reports a client certificate without its key as a tls error', async () => {
    const host = `127.0.0.1:${httpsServer.port}`;
    const http = new UndiciHttpClient({ dockerConfigDir: configDirWith(tmp.path, 'half', host, { 'ca.crt': ca.certPem, 'client.cert': 'x' }) });
    const seen = httpsServer.requests.length;
    try {
      const e = await netFailure(http.get(httpsServer.url('/')));
      assert.equal(e.code, 'tls');
      assert.match(e.message, /missing key for client certificate/);
      assert.equal(httpsServer.requests.length, seen);
    } finally {
      await http.close();
    }
  });

  void it('refuses a redirect from https to plain http', async () => {
    const dockerConfigDir = configDirWith(tmp.path, 'redirect', `127.0.0.1:${httpsServer.port}`, { 'ca.crt': ca.certPem });
    const http = new UndiciHttpClient({ dockerConfigDir });
    try {
      const e = await netFailure(http.get(httpsServer.url('/downgrade'), { headers: { authorization: 'Bearer t' } }));
      assert.equal(e.code, 'redirect');
      assert.equal(plainServer.requests.length, 0);
    } finally {
      await http.close();
    }
  });
});
