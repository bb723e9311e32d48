/** Manifest media types a registry may answer with for a tag. */
export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

/** The Accept list for tag resolution: multi-platform indexes first, then single manifests. */
export const MANIFEST_ACCEPT: readonly string[] = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest];

/** True for an OCI image index or a docker manifest list. */
export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerManifestList;
}

/** The media type without parameters, lower-case: `application/json; charset=utf-8` → `application/json`. */
export function bareMediaType(contentType: string | undefined): string | undefined {
  const bare = contentType?.split(';')[0]?.trim().toLowerCase();
  return bare ? bare : undefined;
}

// distribution/reference grammar, anchored.
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const REGISTRY_HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** A repository path as registries accept it, e.g. `library/alpine`. */
export function isValidRepository(name: string): boolean {
  return name.length <= 255 && REPOSITORY.test(name);
}
/** A tag, e.g. `3.19`. */
export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}
/** A content digest, e.g. `sha256:…`. */
export function isValidDigest(digest: string): boolean {
  return DIGEST.test(digest);
}
/** A registry `host[:port]`, e.g. `127.0.0.1:5000`, `docker.io`. */
export function isValidRegistryHost(host: string): boolean {
  return REGISTRY_HOST.test(host);
}
