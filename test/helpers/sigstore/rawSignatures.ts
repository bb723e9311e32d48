/**
 * Writes cosign signature artifacts byte for byte as a test wants them, including ones no honest tool
 * would write (tampered payloads, lying descriptors, 10,000 layers, indexes that loop): the attacker's
 * side of the attack matrix. Uses the plain OCI operations, not TrustLens's signer.
 */
import { createHash } from 'node:crypto';
import type { OciRegistry, OciRepository } from '../../../src/core/oci/ociRegistry';
import { EMPTY_JSON_DIGEST, digestTag } from '../../../src/core/oci/mediaTypes';
import { pushReferrer } from '../../../src/core/oci/referrers';
import { ANNOTATIONS, BUNDLE_ARTIFACT_TYPE, SIMPLE_SIGNING_MEDIA_TYPE, signatureTag } from '../../../src/core/trust/cosign/cosignFormats';
import type { CosignSigningKey } from '../../../src/core/trust/cosign/cosignKeys';
import { signatureConfig, simpleSigningPayload } from '../../../src/core/trust/cosign/cosignSign';

export function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** One `.sig` layer: its payload (uploaded) and annotations, or a descriptor that lies. */
export interface RawLayer {
  readonly payload: Uint8Array;
  readonly annotations: Record<string, string>;
  /** Write this size into the descriptor instead of the payload's. */
  readonly claimedSize?: number;
  /** Do not upload the payload (the registry then does not have it). */
  readonly skipUpload?: boolean;
}

/** A signature layer as cosign makes it: the payload for `digest`, signed by `key`. */
export function signedLayer(key: CosignSigningKey, reference: string, digest: string, extra: Record<string, string> = {}): RawLayer {
  const payload = simpleSigningPayload(reference, digest);
  return { payload, annotations: { [ANNOTATIONS.signature]: Buffer.from(key.sign(payload)).toString('base64'), ...extra } };
}

/** Replaces the `.sig` manifest of `digest` with exactly these layers (or `manifestBytes` as is). */
export async function putSigManifest(oci: OciRegistry, repo: OciRepository, digest: string, layers: readonly RawLayer[]): Promise<string> {
  const descriptors = [];
  for (const layer of layers) {
    if (!layer.skipUpload) await oci.pushBlob(repo, layer.payload);
    descriptors.push({ mediaType: SIMPLE_SIGNING_MEDIA_TYPE, size: layer.claimedSize ?? layer.payload.byteLength, digest: sha256(layer.payload), annotations: layer.annotations });
  }
  const config = signatureConfig(descriptors.map((d) => d.digest));
  await oci.pushBlob(repo, config);
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: config.byteLength, digest: sha256(config) },
    layers: descriptors,
  };
  return (await oci.pushManifest(repo, signatureTag(digest), new TextEncoder().encode(JSON.stringify(manifest)), manifest.mediaType)).digest;
}

/** Puts raw manifest bytes under a tag or digest. */
export async function putRawManifest(oci: OciRegistry, repo: OciRepository, reference: string, manifest: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(manifest));
  return (await oci.pushManifest(repo, reference, bytes, (manifest as { mediaType: string }).mediaType)).digest;
}

/** Replaces the referrers tag-schema index of `subject` with these entries. */
export async function putReferrersIndex(oci: OciRegistry, repo: OciRepository, subject: string, entries: readonly object[]): Promise<string> {
  return putRawManifest(oci, repo, digestTag(subject), { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: entries });
}

/** Pushes a bundle (any JSON) as a Sigstore bundle referrer of `subject` and lists it in the tag-schema index. */
export async function pushBundleReferrer(oci: OciRegistry, repo: OciRepository, subject: { digest: string; size: number; mediaType: string }, bundle: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(bundle));
  await oci.pushBlob(repo, bytes);
  await oci.pushBlob(repo, new TextEncoder().encode('{}'));
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: BUNDLE_ARTIFACT_TYPE,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', size: 2, digest: EMPTY_JSON_DIGEST },
    layers: [{ mediaType: BUNDLE_ARTIFACT_TYPE, size: bytes.byteLength, digest: sha256(bytes) }],
    subject,
  };
  const manifestBytes = new TextEncoder().encode(JSON.stringify(manifest));
  const descriptor = { mediaType: manifest.mediaType, digest: sha256(manifestBytes), size: manifestBytes.byteLength, artifactType: BUNDLE_ARTIFACT_TYPE };
  return (await pushReferrer(oci, repo, manifestBytes, descriptor, subject.digest, { settle: () => Promise.resolve() })).digest;
}
