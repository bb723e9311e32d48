import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UndiciHttpClient } from '../../src/core/net/undiciHttpClient';
import { RegistryClient } from '../../src/core/net/registryClient';
import { TokenAuthClient, repositoryScope } from '../../src/core/net/tokenAuth';
import { CredentialResolver } from '../../src/core/net/credentials';
import { AuthCache } from '../../src/core/net/authCache';
import { isNetError } from '../../src/core/net/netError';
import { MEDIA_TYPES } from '../../src/core/net/manifestTypes';
import type { HttpClient, RequestEvent } from '../../src/core/net/http';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { startRealRegistry, type RealRegistry } from '../helpers/net/realRegistry';
import { RecordingLogger } from '../helpers/net/recordingLogger';

const sha256 = (bytes: Uint8Array | string): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** Pushes one blob the way docker does without a daemon: POST an upload, then PUT it with its digest. */
async function pushBlob(http: HttpClient, origin: string, name: string, bytes: Uint8Array): Promise<string> {
  const digest = sha256(bytes);
  const start = await http.post(`${origin}/v2/${name}/blobs/uploads/`, new Uint8Array(0));
  assert.equal(start.status, 202);
  const location = new URL(start.headers['location'] ?? '', origin);
  location.searchParams.set('digest', digest);
  const done = await http.put(location.toString(), bytes, { contentType: 'application/octet-stream' });
  assert.equal(done.status, 201);
  return digest;
}

void describe('RegistryClient against a real docker-registry with htpasswd', () => {
  let tmp: TempDir;
  let registry: RealRegistry;
  let dockerConfigDir: string;
  let manifest: string;
  let index: string;

  before(async () => {
    tmp = await makeTempDir('registry');
    registry = await startRealRegistry(tmp.path, { alice: 'alice-registry-pw' });
    dockerConfigDir = join(tmp.path, 'docker');
    mkdirSync(dockerConfigDir);
    writeFileSync(join(dockerConfigDir, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth: b64('alice:alice-registry-pw') } } }));

    // Push through the same auth layer: 401 Basic challenge -> retry with Basic, for POST and PUT too.
    const http = new UndiciHttpClient();
    const credentials = new CredentialResolver({ dockerConfigDir, allowCredentialHelpers: false });
    const pusher = new TokenAuthClient({ http, registryHost: registry.host, scope: repositoryScope('team/app', ['pull', 'push']), credentials, cache: new AuthCache() });
    try {
      const config = new TextEncoder().encode('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
      const layer = new TextEncoder().encode('not really a tarball, the registry does not look inside');
      const configDigest = await pushBlob(pusher, registry.origin, 'team/app', config);
      const layerDigest = await pushBlob(pusher, registry.origin, 'team/app', layer);
      manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.dockerManifest,
        config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.byteLength, digest: configDigest },
        layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: layer.byteLength, digest: layerDigest }],
      });
      const put = await pusher.put(`${registry.origin}/v2/team/app/manifests/v1`, manifest, { contentType: MEDIA_TYPES.dockerManifest });
      assert.equal(put.headers['docker-content-digest'], sha256(manifest));
      index = JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociIndex,
        manifests: [{ mediaType: MEDIA_TYPES.dockerManifest, size: Buffer.byteLength(manifest), digest: sha256(manifest), platform: { architecture: 'amd64', os: 'linux' } }],
      });
      await pusher.put(`${registry.origin}/v2/team/app/manifests/multi`, index, { contentType: MEDIA_TYPES.ociIndex });
    } finally {
      await http.close();
    }
  });
  after(async () => {
    await registry?.stop();
    await tmp?.remove();
  });

  void it('resolves a tag after 401 -> Basic credentials from config.json -> 200, and logs no secret', async () => {
    const events: RequestEvent[] = [];
    const logger = new RecordingLogger();
    const http = new UndiciHttpClient({ onRequest: (e) => events.push(e), logger });
    const client = new RegistryClient({
      http,
      credentials: new CredentialResolver({ dockerConfigDir, allowCredentialHelpers: false, logger }),
      plainHttpForLoopback: true,
      logger,
    });
    try {
      const v1 = await client.resolveTag(registry.host, 'team/app', 'v1');
      assert.deepEqual(v1, { digest: sha256(manifest), size: Buffer.byteLength(manifest), mediaType: MEDIA_TYPES.dockerManifest, isIndex: false });
      assert.deepEqual(events.map((e) => [e.method, e.status]), [['HEAD', 401], ['HEAD', 200]]);
      const multi = await client.resolveTag(registry.host, 'team/app', 'multi');
      assert.deepEqual(multi, { digest: sha256(index), size: Buffer.byteLength(index), mediaType: MEDIA_TYPES.ociIndex, isIndex: true });
      // The challenge is remembered: the second tag needed no 401 round trip.
      assert.equal(events.length, 3);
      const byDigest = await client.resolveTag(registry.host, 'team/app', sha256(manifest));
      assert.equal(byDigest.digest, sha256(manifest));
      assert.deepEqual((await client.listTags(registry.host, 'team/app')).sort(), ['multi', 'v1']);
      assert.ok(!logger.text.includes('alice-registry-pw') && !logger.text.includes(b64('alice:alice-registry-pw')));
    } finally {
      await http.close();
    }
  });

  void it('reports wrong credentials, no credentials and unknown tags with typed errors', async () => {
    const wrongDir = join(tmp.path, 'wrong');
    mkdirSync(wrongDir);
    writeFileSync(join(wrongDir, 'config.json'), JSON.stringify({ auths: { [`http://${registry.host}`]: { username: 'alice', password: 'nope' } } }));
    const http = new UndiciHttpClient();
    try {
      const wrong = new RegistryClient({ http, credentials: new CredentialResolver({ dockerConfigDir: wrongDir, allowCredentialHelpers: false }), plainHttpForLoopback: true });
      await assert.rejects(wrong.resolveTag(registry.host, 'team/app', 'v1'), (e: unknown) => isNetError(e, 'auth') && e.status === 401 && !e.message.includes('nope'));
      const anonymous = new RegistryClient({ http, credentials: new CredentialResolver({ dockerConfigDir: join(tmp.path, 'none'), allowCredentialHelpers: false }), plainHttpForLoopback: true });
      await assert.rejects(anonymous.resolveTag(registry.host, 'team/app', 'v1'), (e: unknown) => isNetError(e, 'auth') && /no usable credentials/.test(e.message));
      const right = new RegistryClient({ http, credentials: new CredentialResolver({ dockerConfigDir, allowCredentialHelpers: false }), plainHttpForLoopback: true });
      await assert.rejects(right.resolveTag(registry.host, 'team/app', 'v2'), (e: unknown) => isNetError(e, 'not-found'));
      await assert.rejects(right.resolveTag(registry.host, 'team/other', 'v1'), (e: unknown) => isNetError(e, 'not-found'));
    } finally {
      await http.close();
    }
  });
});
