/**
 * A TrustPublisher against an in-memory notary-server, as the signing unit tests use it: a registry
 * whose tags resolve to digests derived from their names, and in-memory keys and metadata.
 */
import { createHash } from 'node:crypto';
import { nullLogger, systemClock } from '../../../src/core/ports';
import { MemoryMetadataStore } from '../../../src/core/trust/dct/metadataStore';
import { TrustPublisher } from '../../../src/core/trust/dct/signing/trustPublisher';
import type { FakeNotary } from './fakeNotary';
import { MemoryKeys } from './memoryKeys';

/** The hex SHA-256 of a seed: `hex('team/app:v1')` is the digest the registry gives that tag. */
export const hex = (seed: string): string => createHash('sha256').update(seed).digest('hex');

/** A publisher that talks to `server`, with these keys and this metadata store. */
export function client(server: FakeNotary, keys = new MemoryKeys(), store = new MemoryMetadataStore()) {
  const publisher = new TrustPublisher({
    httpFor: () => server,
    store,
    keys,
    registry: {
      async resolveTag(_registry, repository, tag) {
        return { digest: `sha256:${hex(`${repository}:${tag}`)}`, size: 1000 + tag.length, mediaType: 'application/vnd.oci.image.manifest.v1+json', isIndex: false };
      },
    },
    trustServerFor: () => 'https://notary.test',
    clock: systemClock,
    logger: nullLogger,
  });
  return { publisher, keys, store };
}
