/**
 * The registry side of a Notation check, over the backend-neutral OCI client: the referrers of an
 * image digest (the referrers API, else the referrers tag schema's `sha256-<hex>` index, as notation
 * and oras read them), and manifest and blob bytes within the verifier's limits. The verifier checks
 * every fetched byte against its descriptor again, so this adds no trust of its own.
 */
import { referrerDescriptors } from '../../oci/referrers';
import type { OciRegistry, OciRepository } from '../../oci/ociRegistry';
import { registryBaseUrl } from '../../net/registryClient';
import type { NotationArtifactSource, OciDescriptor } from './source';

export class RegistryArtifactSource implements NotationArtifactSource {
  readonly location: string;
  /** How the referrers were listed (`api`, `tag-schema` or `none`), once they were. */
  via: 'api' | 'tag-schema' | 'none' | undefined;

  constructor(private readonly oci: OciRegistry, private readonly repo: OciRepository) {
    this.location = `${registryBaseUrl(repo.registry, true)}/${repo.repository}`;
  }

  async referrers(subject: OciDescriptor, signal?: AbortSignal): Promise<readonly OciDescriptor[]> {
    const listed = await referrerDescriptors(this.oci, this.repo, subject.digest, signal ? { signal } : {});
    this.via = listed.source;
    return listed.descriptors;
  }

  async fetchManifest(descriptor: OciDescriptor, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array> {
    const fetched = await this.oci.fetchManifest(this.repo, descriptor.digest, { maxBytes, ...(signal ? { signal } : {}) });
    return fetched.bytes;
  }

  async fetchBlob(descriptor: OciDescriptor, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array> {
    return this.oci.fetchBlob(this.repo, descriptor.digest, { maxBytes, expectedSize: descriptor.size, ...(signal ? { signal } : {}) });
  }
}
