/**
 * Proves the stack's life cycle and failure paths: servers stop and leave nothing behind, bad
 * configurations fail fast with the server's own message, and the notary `key import` quirk the
 * toolkit works around is real.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { httpRequest } from '../helpers/stack/http';
import { NotaryCli } from '../helpers/stack/notaryCli';
import { startNotaryServer } from '../helpers/stack/notaryServer';
import { startRegistry } from '../helpers/stack/registry';
import { runCommand } from '../helpers/stack/runCommand';

void describe('stack: life cycle', () => {
  void it('stops notary-server (with its signer) and the registry and removes their directories', async () => {
    const [notary, registry] = await Promise.all([startNotaryServer(), startRegistry()]);
    assert.equal((await httpRequest(`${notary.url}/_notary_server/health`, { ca: notary.caPem })).status, 200);
    await Promise.all([notary.stop(), registry.stop()]);
    await notary.stop();
    assert.equal(existsSync(notary.dir), false);
    await assert.rejects(httpRequest(`${notary.url}/_notary_server/health`, { ca: notary.caPem }), /ECONNREFUSED/);
    await assert.rejects(httpRequest(`${registry.url}/v2/`), /ECONNREFUSED/);
  });

  void it('runs notary-server over plain HTTP when asked', async () => {
    const notary = await startNotaryServer({ tls: false, keyAlgorithm: 'ed25519' });
    try {
      assert.match(notary.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(notary.caPem, undefined);
      const key = await httpRequest(`${notary.url}/v2/127.0.0.1:5000/x/_trust/tuf/timestamp.key`);
      assert.equal(JSON.parse(key.body.toString()).keytype, 'ed25519');
    } finally {
      await notary.stop();
    }
  });

  void it('fails fast with the server log when notary-server cannot start', async () => {
    const bad = startNotaryServer({
      keyAlgorithm: 'ed25519',
      tokenAuth: { realm: 'http://127.0.0.1:1/token', service: 's', issuer: 'i', rootCertBundlePath: '/nonexistent/bundle.pem' },
    });
    await assert.rejects(bad, /notary-server ended before it was ready[\s\S]*bundle\.pem/);
  });
});

void describe('stack: real time for the stack while node runs under faketime', () => {
  void it('strips libfaketime from the environment of every child', async () => {
    const saved = { FAKETIME: process.env.FAKETIME, LD_PRELOAD: process.env.LD_PRELOAD };
    // What `faketime -f +3660d node …` puts in node's environment.
    process.env.FAKETIME = '+3660d';
    process.env.LD_PRELOAD = '/usr/$LIB/faketime/libfaketime.so.1';
    try {
      const epoch = async (env?: NodeJS.ProcessEnv): Promise<number> => Number((await runCommand('date', ['+%s'], { env })).stdout);
      const realNow = Date.now() / 1000;
      // Control: handed on unchanged, the variables do shift a child's clock by 3660 days.
      assert.ok(Math.abs((await epoch(process.env)) - realNow - 3660 * 86400) < 120);
      assert.ok(Math.abs((await epoch()) - realNow) < 120);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

void describe('stack: notary key import needs a path: header for encrypted keys', () => {
  void it('the raw key from `key generate -o` is refused; the toolkit copy with the header is imported', async () => {
    // Key generation and import are offline operations: no server is needed.
    const cli = await NotaryCli.create({ serverUrl: 'https://127.0.0.1:9' });
    try {
      const key = await cli.keyGenerate('carol', join(cli.workDir, 'carol'));
      await assert.rejects(cli.run(['key', 'import', key.privateKeyPath]), /does not contain path header/);
      // Without a keyId, keyImport decrypts the key to learn it: it must match the public key's ID.
      const id = await cli.keyImport(key.privateKeyPath);
      assert.equal(id, key.keyId);
      const { stdout } = await cli.run(['key', 'list']);
      assert.match(stdout, new RegExp(`carol\\s+${key.keyId}`));
      assert.equal(existsSync(join(cli.trustDir, 'private', `${key.keyId}.key`)), true);
    } finally {
      await cli.dispose();
    }
  });
});
