/** Verified trust data from a test repository, and the repository shape `docker trust signer add` creates. */
import { TrustedSet } from '../../src/core/trust/dct/tuf/trustedSet';
import type { TrustData } from '../../src/core/trust/dct/tuf/verifiedData';
import { ecdsaKey, type TestKey } from './tufRepo';
import { feedAll, TestRepo, type BuildOptions } from './tufRepoBuilder';

/** Builds the repository and verifies every file with a fresh trusted set at `now`. */
export function verifiedTrustData(repo: TestRepo, gun: string, now: Date, options?: BuildOptions): TrustData {
  const set = new TrustedSet({ gun, clock: { now: () => now } });
  feedAll(set, repo.build(options));
  return set.result();
}

/** targets ← releases (alice, bob), alice, bob: what `docker trust signer add` creates. */
export function dockerSignersRepo(gun: string, now: Date): { repo: TestRepo; alice: TestKey; bob: TestKey } {
  const repo = new TestRepo({ gun, now });
  const alice = ecdsaKey();
  const bob = ecdsaKey();
  repo.delegate('targets', 'targets/releases', [alice, bob]);
  repo.delegate('targets', 'targets/alice', [alice]);
  repo.delegate('targets', 'targets/bob', [bob]);
  return { repo, alice, bob };
}
