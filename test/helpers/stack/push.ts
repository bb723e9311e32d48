/**
 * Pushes deterministic images to a registry without a docker daemon, with the plain registry API:
 * blob upload (POST, then PUT ?digest=), then the manifest PUT.
 */
import { basicAuthorization, httpRequest, type HttpResponse } from './http';
import { buildImage, buildIndex, type Blob, type ImageContent, type ManifestFormat, type Platform } from './imageContent';
import type { Registry } from './registry';

/** What a tag (or a platform entry of an index) points at. */
export interface PushedManifest {
  /** `sha256:<hex>` of the manifest bytes; the registry's `Docker-Content-Digest`. */
  readonly digest: string;
  /** Manifest size in bytes: the `length` a trust target records. */
  readonly size: number;
  readonly mediaType: string;
}

/** A pushed single-platform image. */
export interface PushedImage extends PushedManifest {
  /** e.g. `127.0.0.1:5000/library/alpine:v1`. */
  readonly ref: string;
  readonly platform: Platform;
}

/** A pushed multi-platform index; `digest`/`size` are those of the index itself. */
export interface PushedIndex extends PushedManifest {
  readonly ref: string;
  readonly manifests: ReadonlyArray<PushedManifest & { readonly platform: Platform }>;
}

/** Options shared by {@link pushImage} and {@link pushIndex}. */
export interface PushOptions {
  /** Varies the content (and so the digest); default `<repository>:<tag>`. */
  seed?: string;
  /** Media-type family; default `oci`. */
  format?: ManifestFormat;
}

/** Pushes a single-platform image as `<registry>/<repository>:<tag>`. */
export async function pushImage(registry: Registry, repository: string, tag: string,
  options: PushOptions & { platform?: Platform } = {}): Promise<PushedImage> {
  const image = buildImage(options.seed ?? `${repository}:${tag}`, options.format ?? 'oci', options.platform);
  await pushImageContent(registry, repository, image);
  await putManifest(registry, repository, tag, image.manifest);
  return { ...described(image.manifest), ref: `${registry.host}/${repository}:${tag}`, platform: image.platform };
}

/** Pushes an index over one image per platform (default linux/amd64 and linux/arm64/v8). */
export async function pushIndex(registry: Registry, repository: string, tag: string,
  options: PushOptions & { platforms?: readonly Platform[] } = {}): Promise<PushedIndex> {
  const seed = options.seed ?? `${repository}:${tag}`;
  const format = options.format ?? 'oci';
  const platforms = options.platforms ?? [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
  ];
  const images = platforms.map((platform) => buildImage(seed, format, platform));
  for (const image of images) {
    await pushImageContent(registry, repository, image);
    await putManifest(registry, repository, image.manifest.digest, image.manifest);
  }
  const index = buildIndex(images, format);
  await putManifest(registry, repository, tag, index);
  return {
    ...described(index),
    ref: `${registry.host}/${repository}:${tag}`,
    manifests: images.map((image) => ({ ...described(image.manifest), platform: image.platform })),
  };
}

function described(manifest: Blob): PushedManifest {
  return { digest: manifest.digest, size: manifest.bytes.length, mediaType: manifest.mediaType };
}

async function pushImageContent(registry: Registry, repository: string, image: ImageContent): Promise<void> {
  await uploadBlob(registry, repository, image.layer);
  await uploadBlob(registry, repository, image.config);
}

function headers(registry: Registry, extra: Record<string, string> = {}): Record<string, string> {
  const auth = registry.credentials;
  return auth ? { ...extra, authorization: basicAuthorization(auth.user, auth.password) } : extra;
}

async function send(registry: Registry, method: string, url: string, extra?: Record<string, string>, body?: Buffer): Promise<HttpResponse> {
  return httpRequest(url, { method, headers: headers(registry, extra), body, ca: registry.caPem });
}

function expectStatus(response: HttpResponse, status: number, what: string): void {
  if (response.status !== status) {
    throw new Error(`${what}: registry answered ${response.status} (expected ${status}): ${response.body.toString('utf8').slice(0, 500)}`);
  }
}

async function uploadBlob(registry: Registry, repository: string, blob: Blob): Promise<void> {
  const base = `${registry.url}/v2/${repository}/blobs`;
  const existing = await send(registry, 'HEAD', `${base}/${blob.digest}`);
  if (existing.status === 200) return;
  // The registry ignores a body on the POST; the content goes in the PUT that completes the upload.
  const started = await send(registry, 'POST', `${base}/uploads/`);
  expectStatus(started, 202, `starting the upload of ${blob.digest} to ${repository}`);
  const location = started.headers.location;
  if (!location) throw new Error(`registry gave no Location for the upload of ${blob.digest}`);
  // Append rather than re-encode: the Location's own query (upload state) must stay byte-exact.
  const target = new URL(`${location}${location.includes('?') ? '&' : '?'}digest=${encodeURIComponent(blob.digest)}`, registry.url);
  const done = await send(registry, 'PUT', target.href, { 'content-type': 'application/octet-stream' }, blob.bytes);
  expectStatus(done, 201, `completing the upload of ${blob.digest} to ${repository}`);
}

async function putManifest(registry: Registry, repository: string, reference: string, manifest: Blob): Promise<void> {
  const response = await send(registry, 'PUT', `${registry.url}/v2/${repository}/manifests/${reference}`,
    { 'content-type': manifest.mediaType }, manifest.bytes);
  expectStatus(response, 201, `putting manifest ${repository}:${reference}`);
  const digest = response.headers['docker-content-digest'];
  if (digest !== manifest.digest) {
    throw new Error(`registry stored ${repository}:${reference} as ${String(digest)}, expected ${manifest.digest}`);
  }
}
