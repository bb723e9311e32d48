import { rankTagsByCloseness } from '../../model/tagDistance';
import { listSignedTags, resolveTag } from './tuf/resolveTag';
import type { TrustData } from './tuf/verifiedData';

/** A released tag a reference can switch to. */
export interface SignedTagChoice {
  tag: string;
  /** The digest docker pulls for it, e.g. `sha256:74d4bf…`. */
  digest: string;
  /** The released role it comes from. */
  role: 'targets' | 'targets/releases';
  /** Signer names that signed the same digest; empty means the repository key. */
  signers: readonly string[];
}

/**
 * The tags a repository releases, each resolved as `docker pull` resolves it (so a tag held by both
 * `targets/releases` and `targets` offers the digest docker would pull), closest to `currentTag` first.
 * Tags released without a sha256 are left out.
 */
export function signedTagChoices(data: TrustData, currentTag: string | null): SignedTagChoice[] {
  const tags = [...new Set(listSignedTags(data).map((row) => row.tag))];
  const choices = new Map<string, SignedTagChoice>();
  for (const tag of tags) {
    const resolution = resolveTag(data, tag);
    if (resolution.status !== 'signed') continue;
    choices.set(tag, { tag, digest: resolution.digest, role: resolution.role, signers: resolution.signers });
  }
  return rankTagsByCloseness(currentTag, [...choices.keys()]).map((tag) => choices.get(tag) as SignedTagChoice);
}
