/**
 * The names cosign writes into registries: media types, annotation keys, tags, and the in-toto
 * predicate of a signature bundle. Values are cosign's (`pkg/oci/static`, `pkg/types`).
 */
import { digestTag } from '../../oci/mediaTypes';

/** The media type of a legacy signature layer: a simple-signing JSON payload. */
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';

/** Artifact type of a Sigstore bundle referrer (what cosign 3 writes by default). */
export const BUNDLE_ARTIFACT_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/** Artifact type (config media type) of a legacy signature written as an OCI 1.1 referrer. */
export const COSIGN_SIG_ARTIFACT_TYPE = 'application/vnd.dev.cosign.artifact.sig.v1+json';

/** The artifact types of signature referrers this backend reads. */
export const SIGNATURE_ARTIFACT_TYPES: readonly string[] = [BUNDLE_ARTIFACT_TYPE, COSIGN_SIG_ARTIFACT_TYPE];

/** Layer annotations of a legacy signature. */
export const ANNOTATIONS = {
  /** Base64 signature over the layer's payload bytes. */
  signature: 'dev.cosignproject.cosign/signature',
  /** PEM leaf certificate (keyless or certificate signing). */
  certificate: 'dev.sigstore.cosign/certificate',
  /** PEM intermediates and root. */
  chain: 'dev.sigstore.cosign/chain',
  /** JSON `{SignedEntryTimestamp, Payload: {body, integratedTime, logIndex, logID}}`: the Rekor SET. */
  bundle: 'dev.sigstore.cosign/bundle',
  /** JSON `{SignedRFC3161Timestamp: <base64 DER>}`. */
  rfc3161Timestamp: 'dev.sigstore.cosign/rfc3161timestamp',
} as const;

/** The in-toto predicate type of a cosign signature in a bundle (cosign 3 `sign`). */
export const SIGN_PREDICATE_TYPE = 'https://sigstore.dev/cosign/sign/v1';

/** The `critical.type` of a cosign simple-signing payload. */
export const SIMPLE_SIGNING_TYPE = 'cosign container image signature';

/** DSSE payload type of in-toto statements. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** Annotations cosign puts on a bundle referrer manifest. */
export const BUNDLE_MANIFEST_ANNOTATIONS = {
  content: 'dev.sigstore.bundle.content',
  predicateType: 'dev.sigstore.bundle.predicateType',
} as const;

/**
 * The tag of the legacy signature manifest of a digest: `sha256:<hex>` → `sha256-<hex>.sig`.
 * @example signatureTag('sha256:48f4…8bbf') // 'sha256-48f4…8bbf.sig'
 */
export function signatureTag(digest: string): string {
  return `${digestTag(digest)}.sig`;
}
