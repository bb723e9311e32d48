import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UndiciHttpClient } from '../../src/core/net/undiciHttpClient';
import { isNetError } from '../../src/core/net/netError';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { makeCa, issueLeaf, type TestCa } from '../helpers/net/certs';
import { startRealNotaryServer, type RealNotaryServer } from '../helpers/net/realNotaryServer';

const GUN = '127.0.0.1:5000/team/app';

void describe('UndiciHttpClient against a real notary-server over TLS', () => {
  let tmp: TempDir;
  let ca: TestCa;
  let notary: RealNotaryServer;
  let dockerConfigDir: string;

  before(async () => {
    tmp = await makeTempDir('notary');
    ca = makeCa(tmp.path, 'notary-ca');
    notary = await startRealNotaryServer(tmp.path, issueLeaf(ca, tmp.path, 'notary-server'));
    dockerConfigDir = join(tmp.path, 'docker');
    mkdirSync(join(dockerConfigDir, 'tls', `127.0.0.1:${notary.port}`), { recursive: true });
    writeFileSync(join(dockerConfigDir, 'tls', `127.0.0.1:${notary.port}`, 'ca.crt'), ca.certPem);
  });
  after(async () => {
    await notary?.stop();
    await tmp?.remove();
  });

  void it('reaches the server through the per-host CA and maps its METADATA_NOT_FOUND to not-found', async () => {
    const http = new UndiciHttpClient({ dockerConfigDir });
    try {
      assert.equal((await http.get(`${notary.origin}/_notary_server/health`)).status, 200);
      await assert.rejects(
        http.get(`${notary.origin}/v2/${GUN}/_trust/tuf/root.json`, { maxBytes: 1024 * 1024 }),
        (e: unknown) => isNetError(e, 'not-found') && e.status === 404 && /METADATA_NOT_FOUND: You have requested metadata that does not exist/.test(e.message),
      );
    } finally {
      await http.close();
    }
  });

  void it('fails with tls when the server certificate is not trusted', async () => {
    const http = new UndiciHttpClient({ dockerConfigDir: join(tmp.path, 'empty') });
    try {
      await assert.rejects(http.get(`${notary.origin}/_notary_server/health`), (e: unknown) => isNetError(e, 'tls'));
    } finally {
      await http.close();
    }
  });
});
