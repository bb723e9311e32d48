import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isNetError } from '../../../src/core/net/netError';
import { artifactTypeOf, parseManifest, platformMatches } from '../../../src/core/oci/manifest';
import { digestTag } from '../../../src/core/oci/mediaTypes';

const D = `sha256:${'a'.repeat(64)}`;
const limits = { maxLayers: 3, maxIndexEntries: 2 };
const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const desc = (mediaType: string, extra: object = {}) => ({ mediaType, digest: D, size: 10, ...extra });
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

function refused(value: unknown, contentType: string | undefined, pattern: RegExp): void {
  assert.throws(() => parseManifest(enc(value), contentType, 'team/app@x', limits), (e: unknown) => isNetError(e, 'bad-response') && pattern.test((e as Error).message));
}

void describe('OCI manifests from registry bytes', () => {
  void it('reads an image manifest with subject, artifact type and annotations', () => {
    const m = parseManifest(enc({ schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: 'application/x', config: desc('application/vnd.oci.empty.v1+json'), layers: [desc('l', { annotations: { k: 'v' } })], subject: desc(OCI_MANIFEST) }), OCI_MANIFEST, 'w', limits);
    assert.equal(m.kind, 'manifest');
    assert.equal(artifactTypeOf(m), 'application/x');
    assert.equal(m.kind === 'manifest' && m.layers[0]?.annotations?.k, 'v');
    assert.equal(m.subject?.digest, D);
  });
  void it('takes the artifact type from config.mediaType when the manifest names none', () => {
    const m = parseManifest(enc({ schemaVersion: 2, config: desc('application/vnd.dev.cosign.artifact.sig.v1+json'), layers: [] }), OCI_MANIFEST, 'w', limits);
    assert.equal(artifactTypeOf(m), 'application/vnd.dev.cosign.artifact.sig.v1+json');
  });
  void it('reads an index with platforms', () => {
    const m = parseManifest(enc({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [desc(OCI_MANIFEST, { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } })] }), undefined, 'w', limits);
    assert.equal(m.kind, 'index');
    assert.equal(m.kind === 'index' && platformMatches(m.manifests[0]?.platform, 'linux/arm64'), true);
    assert.equal(m.kind === 'index' && platformMatches(m.manifests[0]?.platform, 'linux/arm64/v7'), false);
    assert.equal(platformMatches(undefined, 'linux/amd64'), false);
  });
  void it('refuses more layers than the limit', () => refused({ schemaVersion: 2, config: desc('c'), layers: [desc('l'), desc('l'), desc('l'), desc('l')] }, OCI_MANIFEST, /4 layers, more than the limit of 3/));
  void it('refuses more index entries than the limit', () => refused({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [desc('m'), desc('m'), desc('m')] }, OCI_INDEX, /3 entries, more than the limit of 2/));
  void it('refuses a body whose media type contradicts the registry', () => refused({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }, OCI_MANIFEST, /body says .*index.* but the registry says/));
  void it('refuses a bad digest', () => refused({ schemaVersion: 2, config: desc('c'), layers: [{ mediaType: 'l', digest: 'sha256:xyz', size: 1 }] }, OCI_MANIFEST, /layers\[0\]\.digest is not a digest/));
  void it('refuses a negative or fractional size', () => refused({ schemaVersion: 2, config: desc('c', { size: -1 }), layers: [] }, OCI_MANIFEST, /config\.size is not a byte count/));
  void it('refuses non-string annotations', () => refused({ schemaVersion: 2, config: desc('c'), layers: [desc('l', { annotations: { a: 1 } })] }, OCI_MANIFEST, /annotations\["a"\] is not a string/));
  void it('refuses another schema version and non-JSON', () => {
    refused({ schemaVersion: 1 }, OCI_MANIFEST, /schemaVersion is not 2/);
    assert.throws(() => parseManifest(new TextEncoder().encode('{'), OCI_MANIFEST, 'w', limits), /not UTF-8 JSON/);
  });
  void it('names the referrers tag of a digest', () => assert.equal(digestTag(D), `sha256-${'a'.repeat(64)}`));
});
