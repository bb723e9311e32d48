/**
 * Names the Notary Project specifications fix: media types, header names and the bounds this backend
 * keeps to. Spec references: notaryproject/specifications `specs/signature-specification.md`
 * ("OCI Signatures", "Signed Attributes") and `specs/signature-envelope-{jws,cose}.md`.
 */

/** `artifactType` of a signature manifest, or (older form) its `config.mediaType`. */
export const NOTATION_ARTIFACT_TYPE = 'application/vnd.cncf.notary.signature';
/** `config.mediaType` required beside `artifactType` (signature-specification.md, "OCI Signatures"). */
export const OCI_EMPTY_JSON = 'application/vnd.oci.empty.v1+json';
export const OCI_IMAGE_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_IMAGE_INDEX = 'application/vnd.oci.image.index.v1+json';

/** Signature envelope media types (the one layer of a signature manifest). */
export const MEDIA_TYPE_JWS = 'application/jose+json';
export const MEDIA_TYPE_COSE = 'application/cose';
export type EnvelopeMediaType = typeof MEDIA_TYPE_JWS | typeof MEDIA_TYPE_COSE;

/** The only payload content type (`cty` / COSE label 3) the specification defines. */
export const PAYLOAD_CONTENT_TYPE = 'application/vnd.cncf.notary.payload.v1+json';

/** Protected header names shared by both envelopes. */
export const HEADER_SIGNING_SCHEME = 'io.cncf.notary.signingScheme';
export const HEADER_SIGNING_TIME = 'io.cncf.notary.signingTime';
export const HEADER_AUTHENTIC_SIGNING_TIME = 'io.cncf.notary.authenticSigningTime';
export const HEADER_EXPIRY = 'io.cncf.notary.expiry';
export const HEADER_VERIFICATION_PLUGIN = 'io.cncf.notary.verificationPlugin';
export const HEADER_VERIFICATION_PLUGIN_MIN_VERSION = 'io.cncf.notary.verificationPluginMinVersion';
/** Unprotected header names. */
export const HEADER_TIMESTAMP_SIGNATURE = 'io.cncf.notary.timestampSignature';
export const HEADER_SIGNING_AGENT = 'io.cncf.notary.signingAgent';
/** Signature manifest annotation: SHA-256 thumbprints of the envelope's certificate chain. */
export const ANNOTATION_THUMBPRINTS = 'io.cncf.notary.x509chain.thumbprint#S256';

/** The two signing schemes (signing-scheme.md). */
export type SigningScheme = 'notary.x509' | 'notary.x509.signingAuthority';
export const SIGNING_SCHEMES: readonly SigningScheme[] = ['notary.x509', 'notary.x509.signingAuthority'];

/** Bounds on the work one check may do. Every fetched byte and every loop is limited by these. */
export interface NotationLimits {
  /** Most signature manifests looked at per image (notation's `--max-signatures` defaults to 100). */
  maxSignatures: number;
  /** Largest signature manifest accepted, in bytes. */
  maxManifestBytes: number;
  /** Largest signature envelope accepted, in bytes. */
  maxEnvelopeBytes: number;
  /** Most certificates in an envelope's chain or a timestamp token. */
  maxChainLength: number;
  /** OCSP answer limit (notation-core-go reads at most 20 KiB) and time budget (the spec's 2 s default). */
  maxOcspBytes: number;
  ocspTimeoutMs: number;
  /** CRL limit and time budget (the spec's default threshold is 5 s). */
  maxCrlBytes: number;
  crlTimeoutMs: number;
  /** Most OCSP responders, and most CRL distribution points, tried per certificate. */
  maxRevocationUrls: number;
}

export const DEFAULT_LIMITS: Readonly<NotationLimits> = {
  maxSignatures: 32,
  maxManifestBytes: 256 * 1024,
  maxEnvelopeBytes: 1024 * 1024,
  maxChainLength: 10,
  maxOcspBytes: 20 * 1024,
  ocspTimeoutMs: 2_000,
  maxCrlBytes: 8 * 1024 * 1024,
  crlTimeoutMs: 5_000,
  maxRevocationUrls: 4,
};
