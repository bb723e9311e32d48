/**
 * The Sigstore trusted root for keyless signatures: fetched with @sigstore/tuf from a TUF repository
 * (here one served on loopback and signed in the test, standing in for tuf-repo-cdn.sigstore.dev),
 * kept on disk, used from disk offline, and absent (so keyless checks are unverifiable) when the
 * repository cannot be reached and nothing was ever fetched.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { json as canonicalJson } from '@sigstore/core';
import { PublicGoodTrustedRoot } from '../../src/core/trust/cosign/sigstoreRoot';
import { startTestServer, type TestServer } from '../helpers/net/testServer';
import { freePort } from '../helpers/stack/ports';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { PUBLIC_GOOD_ROOT, readSharedFixture } from '../helpers/sigstore/sharedFixtures';
import { systemClock, type Clock } from '../../src/core/ports';

/** A one-key TUF repository whose only target is `trusted_root.json`. */
function tufRepository(target: Buffer): { files: Map<string, Buffer>; root: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'jwk' }).x as string;
  const key = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: Buffer.from(raw, 'base64url').toString('hex') } };
  const keyid = createHash('sha256').update(canonicalJson.canonicalize(key)).digest('hex');
  const expires = new Date(Date.now() + 30 * 24 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const role = { keyids: [keyid], threshold: 1 };
  const signed = (body: object): Buffer => {
    const sig = sign(null, Buffer.from(canonicalJson.canonicalize(body)), privateKey).toString('hex');
    return Buffer.from(JSON.stringify({ signed: body, signatures: [{ keyid, sig }] }));
  };
  const common = { spec_version: '1.0.31', version: 1, expires };
  const root = signed({ _type: 'root', ...common, consistent_snapshot: false, keys: { [keyid]: key }, roles: { root: role, timestamp: role, snapshot: role, targets: role } });
  const targets = signed({ _type: 'targets', ...common, targets: { 'trusted_root.json': { length: target.length, hashes: { sha256: createHash('sha256').update(target).digest('hex') } } } });
  const snapshot = signed({ _type: 'snapshot', ...common, meta: { 'targets.json': { version: 1 } } });
  const timestamp = signed({ _type: 'timestamp', ...common, meta: { 'snapshot.json': { version: 1 } } });
  return { root, files: new Map([['/timestamp.json', timestamp], ['/snapshot.json', snapshot], ['/targets.json', targets], ['/targets/trusted_root.json', target]]) };
}

void describe('the Sigstore trusted root from TUF, cached', () => {
  const target = Buffer.from(readSharedFixture(...PUBLIC_GOOD_ROOT));
  let dir: TempDir;
  let server: TestServer;
  let rootPath: string;
  let closedPort: number;
  let repo: ReturnType<typeof tufRepository>;

  before(async () => {
    dir = await makeTempDir('tuf');
    repo = tufRepository(target);
    rootPath = join(dir.path, 'tuf-root.json');
    await writeFile(rootPath, repo.root);
    server = await startTestServer((req, res) => {
      const body = repo.files.get(new URL(req.url ?? '/', 'http://x').pathname);
      res.writeHead(body ? 200 : 404, { 'content-length': String(body?.length ?? 0) });
      res.end(body);
    });
    closedPort = await freePort();
  });
  after(async () => {
    await server?.close();
    await dir?.remove();
  });

  const source = (cacheDir: string, mirror: string, clock: Clock = systemClock) => new PublicGoodTrustedRoot({ cacheDir, clock, mirrorUrl: mirror, tufRootPath: rootPath, timeoutMs: 2000, refreshAfterMs: 60_000 });

  void it('fetches the root through TUF when the repository answers, verifying its metadata', async () => {
    const available = await source(join(dir.path, 'online'), server.origin).get();
    assert.equal(available.kind, 'ok');
    assert.equal(available.kind === 'ok' && available.source, 'tuf');
    assert.equal(available.kind === 'ok' && available.root.tlogs.length, 2, 'the served trusted root, parsed');
    assert.ok(server.requests.some((r) => r.url === '/targets/trusted_root.json'));
  });

  void it('a second ask within the refresh period makes no request, in this process or the next', async () => {
    const cacheDir = join(dir.path, 'warm');
    await source(cacheDir, server.origin).get();
    const before = server.requests.length;
    const same = source(cacheDir, server.origin);
    assert.equal((await same.get()).kind, 'ok');
    assert.equal((await same.get()).kind, 'ok');
    assert.equal(server.requests.length, before);
  });

  void it('offline, the root fetched before is used (source: cache)', async () => {
    const cacheDir = join(dir.path, 'then-offline');
    await source(cacheDir, server.origin).get();
    const later = { now: () => new Date(Date.now() + 2 * 24 * 3_600_000) };
    const available = await source(cacheDir, `http://127.0.0.1:${closedPort}`, later).get();
    assert.equal(available.kind, 'ok');
    assert.equal(available.kind === 'ok' && available.source, 'cache');
  });

  void it('offline with nothing ever fetched there is no root: keyless checks become unverifiable', async () => {
    const available = await source(join(dir.path, 'never'), `http://127.0.0.1:${closedPort}`).get();
    assert.equal(available.kind, 'unavailable');
    assert.match(available.kind === 'unavailable' ? available.message : '', /could not be fetched from http:\/\/127\.0\.0\.1:\d+ .* and none is cached; name a trusted root file with "trustedRoot"/);
  });

  void it('a repository serving a target that does not match its signed hash gives no root', async () => {
    const swapped = Buffer.from(target.toString('utf8').replace('rekor.sigstore.dev', 'rekor.evil.example'));
    const forged = await startTestServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const body = path === '/targets/trusted_root.json' ? swapped : repo.files.get(path);
      res.writeHead(body ? 200 : 404, { 'content-length': String(body?.length ?? 0) });
      res.end(body);
    });
    try {
      assert.equal((await source(join(dir.path, 'forged'), forged.origin).get()).kind, 'unavailable');
    } finally {
      await forged.close();
    }
  });
});
