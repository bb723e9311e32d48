/**
 * OCI and Docker media types, and the names the OCI distribution spec 1.1 gives to referrers. Nothing
 * here belongs to one signature scheme: cosign, Notation and any other artifact type use it alike.
 */
import { MEDIA_TYPES as MANIFEST_MEDIA_TYPES, isIndexMediaType } from '../net/manifestTypes';

export { isIndexMediaType };

/** Media types of manifests, indexes, configs and the empty descriptor. */
export const OCI_MEDIA_TYPES = {
  ...MANIFEST_MEDIA_TYPES,
  /** The empty JSON object `{}` (2 bytes), the config of artifacts that need none (image-spec 1.1). */
  empty: 'application/vnd.oci.empty.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
} as const;

/** The empty descriptor's digest: sha256 of `{}`. */
export const EMPTY_JSON_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';

/** Media types a manifest request accepts: indexes first, then single manifests (as resolution does). */
export const MANIFEST_MEDIA_TYPES_ACCEPTED: readonly string[] = [
  OCI_MEDIA_TYPES.ociIndex,
  OCI_MEDIA_TYPES.dockerManifestList,
  OCI_MEDIA_TYPES.ociManifest,
  OCI_MEDIA_TYPES.dockerManifest,
];

/** True for an OCI image manifest or a Docker schema 2 manifest. */
export function isImageManifestMediaType(mediaType: string): boolean {
  return mediaType === OCI_MEDIA_TYPES.ociManifest || mediaType === OCI_MEDIA_TYPES.dockerManifest;
}

/**
 * The tag under which the referrers tag schema keeps the referrers index of a subject, and under
 * which tools derive tags from a digest: `sha256:<hex>` → `sha256-<hex>` (distribution spec 1.1,
 * "Referrers Tag Schema").
 * @example digestTag('sha256:48f4…8bbf') // 'sha256-48f4…8bbf'
 */
export function digestTag(digest: string): string {
  const colon = digest.indexOf(':');
  if (colon <= 0) throw new Error(`not a digest: ${digest}`);
  return `${digest.slice(0, colon)}-${digest.slice(colon + 1)}`;
}
