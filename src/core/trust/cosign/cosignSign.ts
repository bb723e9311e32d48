/**
 * Signing an image the way cosign does with a key and `--tlog-upload=false` (nothing goes to Rekor),
 * optionally with an RFC 3161 timestamp of the signature (`--timestamp-server-url`):
 * - the legacy signature, which every cosign version reads: a simple-signing payload appended as a
 *   layer to the `sha256-<hex>.sig` manifest, beside the signatures already there (several signers of
 *   one image all survive, concurrent ones included);
 * - the Sigstore bundle referrer (cosign 3's format): a DSSE envelope over an in-toto statement with the
 *   predicate `https://sigstore.dev/cosign/sign/v1`, pushed as an OCI 1.1 referrer of the image.
 */
import { toDSSEBundle, bundleToJSON } from '@sigstore/bundle';
import { createHash } from 'node:crypto';
import type { OciDescriptor } from '../../oci/manifest';
import { EMPTY_JSON_DIGEST, OCI_MEDIA_TYPES } from '../../oci/mediaTypes';
import type { FetchedManifest, OciRegistry, OciRepository } from '../../oci/ociRegistry';
import { pushReferrer } from '../../oci/referrers';
import { updateTag } from '../../oci/tagUpdate';
import { decodeStdBase64 } from '../../crypto/encoding';
import { ANNOTATIONS, BUNDLE_ARTIFACT_TYPE, BUNDLE_MANIFEST_ANNOTATIONS, IN_TOTO_PAYLOAD_TYPE, SIGN_PREDICATE_TYPE, SIMPLE_SIGNING_MEDIA_TYPE, SIMPLE_SIGNING_TYPE, signatureTag } from './cosignFormats';
import type { CosignSigningKey } from './cosignKeys';
import { verifyMessageSignature } from './publicKeys';

/** What to sign. */
export interface SignTarget {
  readonly oci: OciRegistry;
  readonly repo: OciRepository;
  /** The image manifest (or index) digest, e.g. `sha256:…`. */
  readonly digest: string;
  readonly key: CosignSigningKey;
  /** `critical.identity.docker-reference`; default `<registry>/<repository>`. */
  readonly dockerReference?: string;
  /** Extra claims for the payload's `optional` section (cosign `-a key=value`). */
  readonly annotations?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** What concurrent-writer protection waits for before its final read (see `updateTag`); default a short delay. */
  readonly settle?: () => Promise<void>;
  /**
   * An RFC 3161 timestamp of the signature bytes (the authority's TimeStampResp, DER), as cosign's
   * `--timestamp-server-url` adds: in the bundle's verification material, or as the legacy
   * signature's `dev.sigstore.cosign/rfc3161timestamp` annotation.
   */
  readonly timestamp?: (signature: Uint8Array) => Promise<Uint8Array>;
}

/** Where a signature was written. */
export interface WrittenSignature {
  /** The digest of the manifest holding it. */
  readonly manifestDigest: string;
  /** The digest of its payload or bundle layer. */
  readonly layerDigest: string;
  /** False when an equal signature by the same key was already there (nothing was written). */
  readonly written: boolean;
}

/** The simple-signing payload cosign writes, byte for byte. */
export function simpleSigningPayload(dockerReference: string, digest: string, annotations?: Readonly<Record<string, string>>): Uint8Array {
  const payload = {
    critical: { identity: { 'docker-reference': dockerReference }, image: { 'docker-manifest-digest': digest }, type: SIMPLE_SIGNING_TYPE },
    optional: annotations && Object.keys(annotations).length > 0 ? annotations : null,
  };
  return new TextEncoder().encode(JSON.stringify(payload));
}

/** Appends a legacy signature layer to the image's `.sig` manifest. */
export async function signLegacy(target: SignTarget): Promise<WrittenSignature> {
  const { oci, repo, key, signal } = target;
  const payload = simpleSigningPayload(target.dockerReference ?? `${repo.registry}/${repo.repository}`, target.digest, target.annotations);
  const signatureBytes = key.sign(payload);
  const signature = Buffer.from(signatureBytes).toString('base64');
  const stamped = target.timestamp ? { [ANNOTATIONS.rfc3161Timestamp]: JSON.stringify({ SignedRFC3161Timestamp: Buffer.from(await target.timestamp(signatureBytes)).toString('base64') }) } : {};
  const layer = await oci.pushBlob(repo, payload, { signal });
  const ours = (l: OciDescriptor): boolean => l.digest === layer.digest && l.annotations?.[ANNOTATIONS.signature] === signature;
  // A layer with this payload that already verifies with this key is the same signature (cosign's dupe check).
  const sameSigner = (current: FetchedManifest): boolean => current.document.kind === 'manifest' && current.document.layers.some((l) => {
    const sig = l.annotations?.[ANNOTATIONS.signature];
    const bytes = sig === undefined ? undefined : decodeStdBase64(sig);
    return l.digest === layer.digest && bytes !== undefined && verifyMessageSignature(key.publicKey, payload, bytes);
  });
  const result = await updateTag(oci, repo, signatureTag(target.digest), {
    async next(current) {
      if (current && current.document.kind !== 'manifest') throw new Error(`the signature tag ${signatureTag(target.digest)} names an index; refusing to replace it`);
      if (current && sameSigner(current)) return undefined;
      const existing = current?.document.kind === 'manifest' ? current.document.layers : [];
      const layers = [...existing, { mediaType: SIMPLE_SIGNING_MEDIA_TYPE, size: layer.size, digest: layer.digest, annotations: { [ANNOTATIONS.signature]: signature, ...stamped } }];
      const configBytes = signatureConfig(layers.map((l) => l.digest));
      await oci.pushBlob(repo, configBytes, { signal });
      const manifest = {
        schemaVersion: 2,
        mediaType: OCI_MEDIA_TYPES.ociManifest,
        config: { mediaType: OCI_MEDIA_TYPES.ociConfig, size: configBytes.byteLength, digest: sha256(configBytes) },
        layers: layers.map((l) => ({ mediaType: l.mediaType, size: l.size, digest: l.digest, ...(l.annotations ? { annotations: { ...l.annotations } } : {}) })),
      };
      return { bytes: new TextEncoder().encode(JSON.stringify(manifest)), mediaType: OCI_MEDIA_TYPES.ociManifest };
    },
    contains: (current) => current.document.kind === 'manifest' && current.document.layers.some(ours),
  }, { signal, ...(target.settle ? { settle: target.settle } : {}) });
  return { manifestDigest: result.digest, layerDigest: layer.digest, written: result.written };
}

/** The config cosign gives a `.sig` manifest: one empty history entry and diff ID per layer. */
export function signatureConfig(layerDigests: readonly string[]): Uint8Array {
  const config = {
    architecture: '',
    created: '0001-01-01T00:00:00Z',
    history: layerDigests.map(() => ({ created: '0001-01-01T00:00:00Z' })),
    os: '',
    rootfs: { type: 'layers', diff_ids: layerDigests },
    config: {},
  };
  return new TextEncoder().encode(JSON.stringify(config));
}

/** The in-toto statement of a cosign signature bundle for an image digest. */
export function signStatement(subjectName: string, digest: string): Uint8Array {
  const [algorithm, hex] = digest.split(':') as [string, string];
  const statement = { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: subjectName, digest: { [algorithm]: hex } }], predicateType: SIGN_PREDICATE_TYPE, predicate: {} };
  return new TextEncoder().encode(JSON.stringify(statement));
}

/** DSSE's pre-authentication encoding: `DSSEv1 <len(type)> <type> <len(body)> <body>`. */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), Buffer.from(payload)]);
}

/** Pushes a Sigstore bundle (key-signed DSSE, no tlog entry) as a referrer of the image. */
export async function signBundle(target: SignTarget): Promise<WrittenSignature> {
  const { oci, repo, key, signal } = target;
  const subject = await oci.fetchManifest(repo, target.digest, { signal });
  const statement = signStatement(target.dockerReference ?? `${repo.registry}/${repo.repository}`, target.digest);
  const signature = key.sign(preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, statement));
  const bundle = toDSSEBundle({ artifact: Buffer.from(statement), artifactType: IN_TOTO_PAYLOAD_TYPE, signature: Buffer.from(signature), keyHint: key.publicKey.hint });
  // The hint belongs in the verification material only: a DSSE signature naming a key ID makes cosign's
  // verifier (go-securesystemslib) skip it unless the ID is its own, so cosign writes none.
  for (const sig of bundle.content.dsseEnvelope.signatures) sig.keyid = '';
  if (target.timestamp) {
    bundle.verificationMaterial.timestampVerificationData = { rfc3161Timestamps: [{ signedTimestamp: Buffer.from(await target.timestamp(signature)) }] };
  }
  const bundleBytes = new TextEncoder().encode(JSON.stringify(bundleToJSON(bundle)));
  const layer = await oci.pushBlob(repo, bundleBytes, { signal });
  await oci.pushBlob(repo, new TextEncoder().encode('{}'), { signal });
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MEDIA_TYPES.ociManifest,
    artifactType: BUNDLE_ARTIFACT_TYPE,
    config: { mediaType: OCI_MEDIA_TYPES.empty, size: 2, digest: EMPTY_JSON_DIGEST },
    layers: [{ mediaType: BUNDLE_ARTIFACT_TYPE, size: layer.size, digest: layer.digest }],
    subject: { mediaType: subject.descriptor.mediaType, size: subject.descriptor.size, digest: subject.descriptor.digest },
    annotations: { [BUNDLE_MANIFEST_ANNOTATIONS.content]: 'dsse-envelope', [BUNDLE_MANIFEST_ANNOTATIONS.predicateType]: SIGN_PREDICATE_TYPE },
  };
  const bytes = new TextEncoder().encode(JSON.stringify(manifest));
  const descriptor: OciDescriptor = { mediaType: OCI_MEDIA_TYPES.ociManifest, digest: sha256(bytes), size: bytes.byteLength, artifactType: BUNDLE_ARTIFACT_TYPE };
  const pushed = await pushReferrer(oci, repo, bytes, descriptor, target.digest, { signal, ...(target.settle ? { settle: target.settle } : {}) });
  return { manifestDigest: pushed.digest, layerDigest: layer.digest, written: true };
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
