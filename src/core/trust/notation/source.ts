/**
 * What the verifier needs from a registry, as a small port: the manifests that refer to an image
 * digest, and manifest and blob bytes by descriptor. The OCI registry module implements it (referrers
 * API with the tag-schema fallback); tests implement it over an OCI image layout on disk. Fetched bytes
 * are checked against their descriptors here, so a source that lies cannot slip other bytes in.
 */
import { createHash } from 'node:crypto';

/** An OCI content descriptor (image-spec `descriptor.md`). */
export interface OciDescriptor {
  mediaType: string;
  /** `sha256:<hex>` (sha384 and sha512 are accepted too). */
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Readonly<Record<string, string>>;
}

/** The registry side of a check. Every method may throw; the verdict is then `unverifiable`. */
export interface NotationArtifactSource {
  /**
   * Descriptors of the manifests whose `subject` is `subject` (the referrers API, or the referrers tag
   * schema's index). Other artifact types may be included; they are filtered here.
   */
  referrers(subject: OciDescriptor, signal?: AbortSignal): Promise<readonly OciDescriptor[]>;
  /** The bytes of a manifest, refusing more than `maxBytes`. */
  fetchManifest(descriptor: OciDescriptor, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array>;
  /** The bytes of a blob, refusing more than `maxBytes`. */
  fetchBlob(descriptor: OciDescriptor, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array>;
  /** Where the bytes come from, e.g. `https://registry.example.com`, shown as the verdict's source. */
  readonly location?: string;
}

const DIGEST = /^(sha256|sha384|sha512):([0-9a-f]+)$/;
const HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/** A descriptor read from JSON, or undefined when any required field is missing or malformed. */
export function readDescriptor(value: unknown): OciDescriptor | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const d = value as Record<string, unknown>;
  if (typeof d.mediaType !== 'string' || typeof d.digest !== 'string' || typeof d.size !== 'number') return undefined;
  if (!Number.isSafeInteger(d.size) || d.size < 0 || !isDigest(d.digest)) return undefined;
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    ...(typeof d.artifactType === 'string' ? { artifactType: d.artifactType } : {}),
    ...(isStringMap(d.annotations) ? { annotations: d.annotations } : {}),
  };
}

function isStringMap(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

export function isDigest(value: string): boolean {
  const m = DIGEST.exec(value);
  return m !== null && (m[2] as string).length === HEX_LENGTH[m[1] as string];
}

/** Do the bytes match the descriptor's size and digest? */
export function matchesDescriptor(bytes: Uint8Array, descriptor: OciDescriptor): boolean {
  const m = DIGEST.exec(descriptor.digest);
  if (!m || bytes.length !== descriptor.size) return false;
  return createHash(m[1] as string).update(bytes).digest('hex') === m[2];
}

/** Content descriptor equality as oras-go's `content.Equal`: media type, digest and size. */
export function sameContent(a: OciDescriptor, b: OciDescriptor): boolean {
  return a.mediaType === b.mediaType && a.digest === b.digest && a.size === b.size;
}
