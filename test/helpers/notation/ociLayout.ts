/**
 * An OCI image layout on disk (image-spec `image-layout.md`) as a {@link NotationArtifactSource}: the
 * referrers of a digest are the manifests reachable from `index.json` whose `subject` is that digest,
 * as oras-go's OCI store finds them. Tests swap it for the registry module later; counting requests
 * and injecting faults works the same for both.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { NotationArtifactSource, OciDescriptor } from '../../../src/core/trust/notation/source';

const INDEX = 'application/vnd.oci.image.index.v1+json';

export class OciLayoutSource implements NotationArtifactSource {
  readonly location: string;
  /** Every call, e.g. `referrers sha256:…`, `manifest sha256:…`, `blob sha256:…`. */
  readonly calls: string[] = [];

  constructor(readonly dir: string) {
    if (!existsSync(join(dir, 'index.json'))) throw new Error(`${dir} is not an OCI image layout (no index.json)`);
    this.location = `oci-layout:${dir}`;
  }

  blobBytes(digest: string): Uint8Array {
    const [algorithm, hex] = digest.split(':') as [string, string];
    return new Uint8Array(readFileSync(join(this.dir, 'blobs', algorithm, hex)));
  }

  /** Every manifest descriptor reachable from index.json (through nested indexes). */
  manifests(): OciDescriptor[] {
    const out: OciDescriptor[] = [];
    const seen = new Set<string>();
    const walk = (descriptors: OciDescriptor[]): void => {
      for (const d of descriptors) {
        if (seen.has(d.digest)) continue;
        seen.add(d.digest);
        out.push(d);
        if (d.mediaType === INDEX) walk((JSON.parse(Buffer.from(this.blobBytes(d.digest)).toString()) as { manifests: OciDescriptor[] }).manifests ?? []);
      }
    };
    walk((JSON.parse(readFileSync(join(this.dir, 'index.json'), 'utf8')) as { manifests: OciDescriptor[] }).manifests);
    return out;
  }

  /** The descriptor a tag (`org.opencontainers.image.ref.name`) names. */
  resolve(tag: string): OciDescriptor {
    const found = this.manifests().find((d) => d.annotations?.['org.opencontainers.image.ref.name'] === tag);
    if (!found) throw new Error(`no manifest tagged ${tag} in ${this.dir}`);
    return { mediaType: found.mediaType, digest: found.digest, size: found.size };
  }

  async referrers(subject: OciDescriptor): Promise<readonly OciDescriptor[]> {
    this.calls.push(`referrers ${subject.digest}`);
    const out: OciDescriptor[] = [];
    for (const d of this.manifests()) {
      if (d.mediaType === INDEX) continue;
      const m = JSON.parse(Buffer.from(this.blobBytes(d.digest)).toString()) as { subject?: { digest?: string }; artifactType?: string; config?: { mediaType?: string } };
      if (m.subject?.digest !== subject.digest) continue;
      // As the referrers API reports it: artifactType, else the config media type.
      const artifactType = m.artifactType ?? m.config?.mediaType;
      out.push({ mediaType: d.mediaType, digest: d.digest, size: d.size, ...(artifactType ? { artifactType } : {}) });
    }
    return out;
  }

  async fetchManifest(descriptor: OciDescriptor, maxBytes: number): Promise<Uint8Array> {
    this.calls.push(`manifest ${descriptor.digest}`);
    return this.limited(descriptor, maxBytes);
  }

  async fetchBlob(descriptor: OciDescriptor, maxBytes: number): Promise<Uint8Array> {
    this.calls.push(`blob ${descriptor.digest}`);
    return this.limited(descriptor, maxBytes);
  }

  private limited(descriptor: OciDescriptor, maxBytes: number): Uint8Array {
    const bytes = this.blobBytes(descriptor.digest);
    if (bytes.length > maxBytes) throw new Error(`${descriptor.digest} is larger than ${maxBytes} bytes`);
    return bytes;
  }
}

/** Writes blobs and an index.json: a layout a test builds from generated content. */
export class OciLayoutWriter {
  readonly index: OciDescriptor[] = [];

  constructor(readonly dir: string) {
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  }

  /** Stores a blob and returns its descriptor. */
  blob(bytes: Uint8Array | string, mediaType: string): OciDescriptor {
    const data = typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes);
    const hex = createHash('sha256').update(data).digest('hex');
    writeFileSync(join(this.dir, 'blobs', 'sha256', hex), data);
    return { mediaType, digest: `sha256:${hex}`, size: data.length };
  }

  /** Stores a manifest blob and lists it in index.json (with a tag, if given). */
  manifest(json: unknown, mediaType: string, tag?: string): OciDescriptor {
    return this.manifestBytes(JSON.stringify(json), mediaType, tag);
  }

  /** Stores manifest bytes as they are and lists them in index.json. */
  manifestBytes(bytes: Uint8Array | string, mediaType: string, tag?: string): OciDescriptor {
    const d = this.blob(bytes, mediaType);
    this.index.push({ ...d, ...(tag ? { annotations: { 'org.opencontainers.image.ref.name': tag } } : {}) });
    this.flush();
    return d;
  }

  /** Overwrites a stored blob's bytes in place (a registry that lies about content). */
  corrupt(digest: string, change: (bytes: Buffer) => void): void {
    const path = join(this.dir, 'blobs', 'sha256', digest.slice(7));
    const bytes = readFileSync(path);
    change(bytes);
    writeFileSync(path, bytes);
  }

  private flush(): void {
    writeFileSync(join(this.dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: this.index }));
  }
}
