/**
 * OCI image manifests and indexes (and their Docker schema 2 twins) parsed from registry bytes, with
 * every field the core relies on checked and every list bounded: a hostile registry's manifest with
 * 10,000 layers is refused before anything is fetched for it.
 */
import { NetError } from '../net/netError';
import { isValidDigest } from '../net/manifestTypes';
import { isIndexMediaType, isImageManifestMediaType } from './mediaTypes';

/** A platform of an index entry, e.g. `{ os: 'linux', architecture: 'arm64', variant: 'v8' }`. */
export interface OciPlatform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** A content descriptor: what a manifest says about a blob or another manifest. */
export interface OciDescriptor {
  /** e.g. `application/vnd.oci.image.manifest.v1+json` */
  readonly mediaType: string;
  /** e.g. `sha256:48f4…8bbf` */
  readonly digest: string;
  /** Size in bytes as the referring manifest states it. */
  readonly size: number;
  /** OCI 1.1 artifact type, when the descriptor carries one. Only a hint: see `artifactTypeOf`. */
  readonly artifactType?: string;
  readonly annotations?: Readonly<Record<string, string>>;
  /** For index entries. */
  readonly platform?: OciPlatform;
}

/** An image manifest (OCI or Docker schema 2). */
export interface OciImageManifest {
  readonly kind: 'manifest';
  readonly mediaType: string;
  readonly artifactType?: string;
  readonly config: OciDescriptor;
  readonly layers: readonly OciDescriptor[];
  /** OCI 1.1: the manifest this one refers to (a signature's image). */
  readonly subject?: OciDescriptor;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** An image index (OCI) or manifest list (Docker). */
export interface OciImageIndex {
  readonly kind: 'index';
  readonly mediaType: string;
  readonly artifactType?: string;
  readonly manifests: readonly OciDescriptor[];
  readonly subject?: OciDescriptor;
  readonly annotations?: Readonly<Record<string, string>>;
}

export type OciManifestDocument = OciImageManifest | OciImageIndex;

/** Bounds applied while parsing. */
export interface ManifestParseLimits {
  /** Most layers of an image manifest, e.g. `1000` (cosign's own limit). */
  maxLayers: number;
  /** Most entries of an index, e.g. `1000`. */
  maxIndexEntries: number;
}

/**
 * The artifact type of a manifest as OCI 1.1 defines it: its own `artifactType`, else its config's
 * media type. Index entries may carry a different (even wrong) `artifactType`; this reads the manifest.
 */
export function artifactTypeOf(manifest: OciManifestDocument): string | undefined {
  if (manifest.artifactType !== undefined) return manifest.artifactType;
  return manifest.kind === 'manifest' ? manifest.config.mediaType : undefined;
}

/**
 * Parses manifest bytes. `contentType` is the registry's `Content-Type` (without parameters), used
 * when the body names no `mediaType`; when both are present they must agree.
 * @param where a redacted URL or `repository@digest`, for error messages
 * @throws NetError `bad-response` for anything malformed or over a limit
 */
export function parseManifest(bytes: Uint8Array, contentType: string | undefined, where: string, limits: ManifestParseLimits): OciManifestDocument {
  const bad = (why: string): NetError => new NetError('bad-response', `manifest ${where}: ${why}`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw bad('not UTF-8 JSON');
  }
  if (!isRecord(json)) throw bad('not a JSON object');
  if (json.schemaVersion !== 2) throw bad('schemaVersion is not 2');
  const bodyType = optionalString(json.mediaType, 'mediaType', bad);
  if (bodyType !== undefined && contentType !== undefined && bodyType !== contentType) {
    throw bad(`body says ${bodyType} but the registry says ${contentType}`);
  }
  const mediaType = bodyType ?? contentType;
  const artifactType = optionalString(json.artifactType, 'artifactType', bad);
  const subject = json.subject === undefined ? undefined : descriptor(json.subject, 'subject', bad);
  const annotations = stringMap(json.annotations, 'annotations', bad);
  const common = {
    ...(artifactType !== undefined ? { artifactType } : {}),
    ...(subject ? { subject } : {}),
    ...(annotations ? { annotations } : {}),
  };
  const isIndex = mediaType !== undefined ? isIndexMediaType(mediaType) : Array.isArray(json.manifests) && json.layers === undefined;
  if (isIndex) {
    if (!Array.isArray(json.manifests)) throw bad('an index needs a "manifests" list');
    if (json.manifests.length > limits.maxIndexEntries) throw bad(`${json.manifests.length} entries, more than the limit of ${limits.maxIndexEntries}`);
    const manifests = json.manifests.map((entry, i) => descriptor(entry, `manifests[${i}]`, bad));
    return { kind: 'index', mediaType: mediaType ?? 'application/vnd.oci.image.index.v1+json', manifests, ...common };
  }
  if (mediaType !== undefined && !isImageManifestMediaType(mediaType)) throw bad(`unsupported media type ${mediaType}`);
  if (!Array.isArray(json.layers)) throw bad('an image manifest needs a "layers" list');
  if (json.layers.length > limits.maxLayers) throw bad(`${json.layers.length} layers, more than the limit of ${limits.maxLayers}`);
  const config = descriptor(json.config, 'config', bad);
  const layers = json.layers.map((layer, i) => descriptor(layer, `layers[${i}]`, bad));
  return { kind: 'manifest', mediaType: mediaType ?? 'application/vnd.oci.image.manifest.v1+json', config, layers, ...common };
}

type Bad = (why: string) => NetError;

function descriptor(value: unknown, what: string, bad: Bad): OciDescriptor {
  if (!isRecord(value)) throw bad(`${what} is not an object`);
  const mediaType = value.mediaType;
  const digest = value.digest;
  const size = value.size;
  if (typeof mediaType !== 'string' || mediaType === '') throw bad(`${what}.mediaType is missing`);
  if (typeof digest !== 'string' || !isValidDigest(digest)) throw bad(`${what}.digest is not a digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw bad(`${what}.size is not a byte count`);
  const artifactType = optionalString(value.artifactType, `${what}.artifactType`, bad);
  const annotations = stringMap(value.annotations, `${what}.annotations`, bad);
  const platform = value.platform === undefined ? undefined : parsePlatform(value.platform, `${what}.platform`, bad);
  return {
    mediaType,
    digest: digest.toLowerCase(),
    size,
    ...(artifactType !== undefined ? { artifactType } : {}),
    ...(annotations ? { annotations } : {}),
    ...(platform ? { platform } : {}),
  };
}

function parsePlatform(value: unknown, what: string, bad: Bad): OciPlatform {
  if (!isRecord(value) || typeof value.os !== 'string' || typeof value.architecture !== 'string') throw bad(`${what} needs os and architecture`);
  const variant = optionalString(value.variant, `${what}.variant`, bad);
  return { os: value.os, architecture: value.architecture, ...(variant !== undefined ? { variant } : {}) };
}

function optionalString(value: unknown, what: string, bad: Bad): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw bad(`${what} is not a string`);
  return value;
}

function stringMap(value: unknown, what: string, bad: Bad): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw bad(`${what} is not an object`);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw bad(`${what}["${key}"] is not a string`);
    out[key] = v;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether an index entry's platform matches `wanted` (`os/architecture[/variant]`, e.g. `linux/arm64`).
 * A missing variant in `wanted` matches any variant.
 */
export function platformMatches(platform: OciPlatform | undefined, wanted: string): boolean {
  if (!platform) return false;
  const [os, architecture, variant] = wanted.split('/');
  return platform.os === os && platform.architecture === architecture && (variant === undefined || platform.variant === variant);
}
