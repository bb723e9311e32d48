/**
 * Deterministic, tiny container images: one gzipped layer holding one text file, a config, and a
 * manifest (OCI or Docker schema 2) or an index (OCI index or Docker manifest list). The same seed
 * always gives the same bytes, and so the same digests; different seeds give different digests.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** Which family of media types to use. */
export type ManifestFormat = 'oci' | 'docker';

/** An OS/architecture pair, e.g. `{ os: 'linux', architecture: 'arm64', variant: 'v8' }`. */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** Content-addressed bytes. */
export interface Blob {
  readonly bytes: Buffer;
  /** `sha256:<hex>` of `bytes`. */
  readonly digest: string;
  readonly mediaType: string;
}

/** A single-platform image: its blobs and its manifest. */
export interface ImageContent {
  readonly layer: Blob;
  readonly config: Blob;
  readonly manifest: Blob;
  readonly platform: Platform;
}

export const MEDIA_TYPES = {
  oci: {
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    index: 'application/vnd.oci.image.index.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  },
  docker: {
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    index: 'application/vnd.docker.distribution.manifest.list.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  },
} as const;

/** `sha256:<hex>` of some bytes. */
export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function blob(bytes: Buffer, mediaType: string): Blob {
  return { bytes, digest: sha256Digest(bytes), mediaType };
}

/** Builds a single-platform image whose only file says which seed and platform made it. */
export function buildImage(seed: string, format: ManifestFormat, platform: Platform = { os: 'linux', architecture: 'amd64' }): ImageContent {
  const types = MEDIA_TYPES[format];
  const platformName = [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
  const tar = tarOneFile('trustlens-seed.txt', Buffer.from(`${seed}\n${platformName}\n`));
  const layer = blob(gzipSync(tar, { level: 9 }), types.layer);
  const config = blob(Buffer.from(JSON.stringify({
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    created: '1970-01-01T00:00:00Z',
    config: { Cmd: ['/bin/sh'], Labels: { 'org.trustlens.test.seed': seed } },
    rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
    history: [{ created: '1970-01-01T00:00:00Z', created_by: 'trustlens test image' }],
  })), types.config);
  const manifest = blob(Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: types.manifest,
    config: { mediaType: config.mediaType, size: config.bytes.length, digest: config.digest },
    layers: [{ mediaType: layer.mediaType, size: layer.bytes.length, digest: layer.digest }],
  })), types.manifest);
  return { layer, config, manifest, platform };
}

/** Builds the index (OCI) or manifest list (Docker) over already built platform manifests. */
export function buildIndex(images: readonly ImageContent[], format: ManifestFormat): Blob {
  const types = MEDIA_TYPES[format];
  return blob(Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: types.index,
    manifests: images.map((image) => ({
      mediaType: image.manifest.mediaType,
      size: image.manifest.bytes.length,
      digest: image.manifest.digest,
      platform: image.platform,
    })),
  })), types.index);
}

/**
 * A POSIX ustar archive with one regular file, mtime 0, owner 0:0, mode 0644: built by hand so
 * it is byte-for-byte reproducible on any machine.
 */
function tarOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const put = (text: string, offset: number, length: number): void => {
    header.write(text, offset, length, 'ascii');
  };
  const octal = (value: number, length: number): string => `${value.toString(8).padStart(length - 1, '0')}\0`;
  put(name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(content.length, 12), 124, 12);
  put(octal(0, 12), 136, 12);
  put('        ', 148, 8); // checksum field counts as spaces while summing
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const byte of header) sum += byte;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  // Two zero blocks end the archive.
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}
