/**
 * The backend-neutral OCI operations against the real docker-registry 2.8.2 (no referrers API, so the
 * tag schema) and, for what it cannot do, a registry in front of it that answers the referrers API.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { isNetError } from '../../src/core/net/netError';
import { digestTag } from '../../src/core/oci/mediaTypes';
import { listReferrers, pushReferrer, referrerDescriptors } from '../../src/core/oci/referrers';
import { BUNDLE_ARTIFACT_TYPE } from '../../src/core/trust/cosign/cosignFormats';
import { signingKey } from '../../src/core/trust/cosign/cosignKeys';
import { signBundle } from '../../src/core/trust/cosign/cosignSign';
import { startCosignHarness, type CosignHarness } from '../helpers/sigstore/cosignHarness';
import { jsonForgery, startHostileRegistry, type HostileRegistry } from '../helpers/sigstore/hostileRegistry';
import { sha256 } from '../helpers/sigstore/rawSignatures';
import { cosign } from '../helpers/sigstore/tools';
import { pushImage, pushIndex } from '../helpers/stack/push';
import { join } from 'node:path';

const INDEX = 'application/vnd.oci.image.index.v1+json';
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const key = signingKey(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey);

void describe('OCI referrers and manifests', () => {
  let h: CosignHarness;
  let api: HostileRegistry;

  before(async () => {
    h = await startCosignHarness();
    api = await startHostileRegistry(h.registry);
  });
  after(async () => {
    await api?.close();
    await h?.stop();
  });

  const signed = async (name: string) => {
    const img = await pushImage(h.registry, name, 'v1');
    const written = await signBundle({ oci: h.oci, repo: h.repo(name), digest: img.digest, key, settle: () => Promise.resolve() });
    return { img, referrer: written.manifestDigest };
  };

  void it('without a referrers API, reads the tag-schema index, and nothing when there is none', async () => {
    const { img, referrer } = await signed('oci/tag-schema');
    const found = await listReferrers(h.oci, h.repo('oci/tag-schema'), img.digest);
    assert.equal(found.source, 'tag-schema');
    assert.deepEqual(found.referrers.map((r) => [r.descriptor.digest, r.artifactType]), [[referrer, BUNDLE_ARTIFACT_TYPE]]);
    const bare = await pushImage(h.registry, 'oci/bare', 'v1');
    assert.deepEqual(await listReferrers(h.oci, h.repo('oci/bare'), bare.digest), { source: 'none', referrers: [], problems: [] });
  });

  void it('lists the raw descriptors for callers that read referrers themselves, and caps a manifest fetch at the caller\'s size', async () => {
    const { img, referrer } = await signed('oci/descriptors');
    const listed = await referrerDescriptors(h.oci, h.repo('oci/descriptors'), img.digest);
    assert.deepEqual([listed.source, listed.descriptors.map((d) => d.digest)], ['tag-schema', [referrer]]);
    await assert.rejects(h.oci.fetchManifest(h.repo('oci/descriptors'), referrer, { maxBytes: 10 }), (e: unknown) => isNetError(e, 'too-large'));
  });

  void it('reads each referrer\'s type from its own manifest, not from cosign 2.5\'s index entry', async () => {
    const img = await pushImage(h.registry, 'oci/cosign-entry', 'v1');
    await cosign(['generate-key-pair', '--output-key-prefix', join(h.dir, 'oci')], { password: 'oci' });
    const predicate = await h.write('oci-predicate.json', '{}');
    await cosign(['attest', '--new-bundle-format', '--key', join(h.dir, 'oci.key'), '--tlog-upload=false', '--allow-insecure-registry', '-y',
      '--type', 'https://sigstore.dev/cosign/sign/v1', '--predicate', predicate, `${h.registry.host}/oci/cosign-entry@${img.digest}`], { password: 'oci' });
    const index = await h.oci.fetchManifest(h.repo('oci/cosign-entry'), digestTag(img.digest));
    assert.equal(index.document.kind === 'index' && index.document.manifests[0]?.artifactType, 'application/vnd.oci.empty.v1+json', 'what cosign 2.5 writes into the entry');
    const found = await listReferrers(h.oci, h.repo('oci/cosign-entry'), img.digest, { artifactTypes: [BUNDLE_ARTIFACT_TYPE] });
    assert.deepEqual(found.referrers.map((r) => r.artifactType), [BUNDLE_ARTIFACT_TYPE]);
  });

  void it('uses the referrers API where the registry answers it, across pages', async () => {
    const a = await signed('oci/api');
    const other = await signBundle({ oci: h.oci, repo: h.repo('oci/api'), digest: a.img.digest, key, settle: () => Promise.resolve() });
    const path = `/v2/oci/api/referrers/${a.img.digest}`;
    const entry = (digest: string) => ({ mediaType: MANIFEST, digest, size: 1, artifactType: BUNDLE_ARTIFACT_TYPE });
    api.forge(path, { ...jsonForgery({ schemaVersion: 2, mediaType: INDEX, manifests: [entry(a.referrer)] } as { mediaType: string }), headers: { link: `<${path}?last=1>; rel="next"` } });
    api.forge(`${path}?last=1`, jsonForgery({ schemaVersion: 2, mediaType: INDEX, manifests: [entry(other.manifestDigest)] } as { mediaType: string }));
    const found = await listReferrers(h.oci, { registry: api.host, repository: 'oci/api' }, a.img.digest);
    assert.equal(found.source, 'api');
    assert.deepEqual(found.referrers.map((r) => r.descriptor.digest).sort(), [a.referrer, other.manifestDigest].sort());
  });

  void it('a registry that indexes subjects itself (OCI-Subject) gets no tag-schema index', async () => {
    api.addHeaders(/^PUT \/v2\/oci\/subject\/manifests\/sha256:/, { 'oci-subject': 'yes' });
    const img = await pushImage(h.registry, 'oci/subject', 'v1');
    const bytes = new TextEncoder().encode(JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST, artifactType: 'application/x-test', config: { mediaType: 'application/vnd.oci.empty.v1+json', size: 2, digest: sha256('{}') }, layers: [{ mediaType: 'application/vnd.oci.empty.v1+json', size: 2, digest: sha256('{}') }], subject: { mediaType: img.mediaType, size: img.size, digest: img.digest } }));
    await h.oci.pushBlob(h.repo('oci/subject'), new TextEncoder().encode('{}'));
    const repo = { registry: api.host, repository: 'oci/subject' };
    const pushed = await pushReferrer(h.oci, repo, bytes, { mediaType: MANIFEST, digest: sha256(bytes), size: bytes.byteLength, artifactType: 'application/x-test' }, img.digest);
    assert.equal(pushed.via, 'api');
    await assert.rejects(h.oci.fetchManifest(h.repo('oci/subject'), digestTag(img.digest)), (e: unknown) => isNetError(e, 'not-found'));
  });

  void it('resolves a tag to the index digest and the requested platform\'s own digest', async () => {
    const index = await pushIndex(h.registry, 'oci/multi', 'v1');
    const resolved = await h.oci.resolve(h.repo('oci/multi'), 'v1', { platform: 'linux/arm64/v8' });
    assert.equal(resolved.digest, index.digest);
    assert.equal(resolved.isIndex, true);
    assert.equal(resolved.platform?.digest, index.manifests[1]?.digest);
    assert.equal((await h.oci.resolve(h.repo('oci/multi'), 'v1', { platform: 'windows/amd64' })).platform, undefined);
  });

  void it('refuses a blob whose bytes do not hash to its digest', async () => {
    const img = await pushImage(h.registry, 'oci/liar', 'v1');
    const digest = sha256('what was asked for');
    api.forge(`/v2/oci/liar/blobs/${digest}`, { bytes: new TextEncoder().encode('something else'), mediaType: 'application/octet-stream' });
    await assert.rejects(h.oci.fetchBlob({ registry: api.host, repository: 'oci/liar' }, digest), (e: unknown) => isNetError(e, 'digest-mismatch'));
    void img;
  });

  void it('refuses a manifest whose bytes do not hash to the digest asked for', async () => {
    const img = await pushImage(h.registry, 'oci/liar-manifest', 'v1');
    const real = await h.oci.fetchManifest(h.repo('oci/liar-manifest'), img.digest);
    const other = JSON.parse(Buffer.from(real.bytes).toString('utf8')) as { mediaType: string; annotations?: Record<string, string> };
    other.annotations = { changed: 'yes' };
    api.forge(`/v2/oci/liar-manifest/manifests/${img.digest}`, jsonForgery(other));
    await assert.rejects(h.oci.fetchManifest({ registry: api.host, repository: 'oci/liar-manifest' }, img.digest), (e: unknown) => isNetError(e, 'digest-mismatch'));
  });
});
