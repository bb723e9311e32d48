/**
 * Who renews each role of a repository's Docker Content Trust data before it expires, and the
 * TrustLens command that does it:
 * - `timestamp`, and a `snapshot` whose key the trust server holds: the trust server re-signs them
 *   by itself (on every change, and once they near expiry);
 * - `targets`: the holder of the repository key, by signing it again as it is (`trustlens witness`, as
 *   `notary witness`): once signers are delegated, signing a tag no longer touches `targets`;
 * - `targets/releases` and `targets/<signer>`: a signer signing the tag again re-signs both; without a
 *   tag to sign, signing the role again as it is;
 * - `root`: the root key holder, by rotating the root key, which signs a new root (10 years) with the
 *   old and the new key. (Any publish by the root key holder also re-signs root within six months of
 *   its expiry, as notary does.)
 * Plain data: no request, no editor. A command is offered only when every name in it is safe to paste
 * into a shell; otherwise the renewer is still named.
 */
import type { EvaluatedResult } from '../checkResult';
import { commandLine, plainValue } from '../commandLine';
import { listSignedTags } from './tuf/resolveTag';
import { RELEASES_ROLE, parentRole, signerName } from './tuf/roleNames';
import type { TrustData } from './tuf/verifiedData';

/** Who renews a role, in words, and the command line that does it when there is one. */
export interface Renewal {
  readonly renewedBy: string;
  readonly renewCommand?: string;
}

/** What the renewal of a reference's roles depends on. */
export interface RenewalContext {
  readonly data: TrustData;
  /** The tag to sign again: the reference's own, or a released tag of its digest; null when none. */
  readonly tag: string | null;
  /** The signers that signed the reference's digest, e.g. `['alice']`. */
  readonly signers: readonly string[];
  /** Whether the trust server holds the snapshot key; undefined when it was not asked (it does by default). */
  readonly snapshotServerManaged?: boolean;
}

/** `trustlens <words>`, when every value from the trust data or the document is plain. */
function command(words: readonly string[], values: readonly string[]): string | undefined {
  return values.every(plainValue) ? commandLine('trustlens', ...words) : undefined;
}

function withCommand(renewedBy: string, renewCommand: string | undefined): Renewal {
  return renewCommand === undefined ? { renewedBy } : { renewedBy, renewCommand };
}

/** The signers `targets` delegates to directly, in declaration order (the release role aside). */
function delegatedSigners(data: TrustData): string[] {
  return data.targets.delegations.filter((d) => parentRole(d.name) === 'targets' && d.name !== RELEASES_ROLE).map((d) => signerName(d.name));
}

/** `trustlens witness GUN ROLE`: re-signs the role as it is. */
function witness(gun: string, role: string): string | undefined {
  return command(['witness', gun, role], [gun, role]);
}

function signTag(c: RenewalContext, signer?: string): string | undefined {
  if (c.tag === null) return undefined;
  const image = `${c.data.gun}:${c.tag}`;
  return signer === undefined ? command(['sign', image], [image]) : command(['sign', image, '--signer', signer], [image, signer]);
}

/** Who renews `role` of `c.data`, and how. */
export function dctRenewal(role: string, c: RenewalContext): Renewal {
  const gun = c.data.gun;
  switch (role) {
    case 'timestamp':
      return { renewedBy: 'the trust server, automatically' };
    case 'snapshot':
      if (c.snapshotServerManaged === false) return withCommand('the repository owner: every publish re-signs it, e.g. signing a tag again', signTag(c));
      if (c.snapshotServerManaged === true) return { renewedBy: 'the trust server, automatically (it holds the snapshot key)' };
      // Not asked (it is, once the snapshot nears expiry): docker trust leaves the key with the server.
      return { renewedBy: 'the trust server, automatically, when it holds the snapshot key (as docker trust sets it up); else the repository owner\'s next publish' };
    case 'root':
      return withCommand('the root key holder, by rotating the root key', command(['key', 'rotate', gun, 'root'], [gun]));
    case 'targets':
      return withCommand('the repository key holder, by signing targets again as it is', witness(gun, 'targets'));
    case RELEASES_ROLE: {
      const signer = c.signers[0] ?? delegatedSigners(c.data)[0];
      if (signer === undefined || c.tag === null) return withCommand('a holder of a release role key, by signing the role again as it is', witness(gun, role));
      return withCommand(`a signer of the release role (${c.signers.length > 0 ? c.signers.join(', ') : signer}), by signing the tag again`, signTag(c, signer));
    }
    default: {
      if (parentRole(role) !== 'targets') return withCommand(`a holder of a ${role} key, by signing it again as it is`, witness(gun, role));
      const signer = signerName(role);
      if (c.tag === null) return withCommand(`signer ${signer}, by signing its role again as it is`, witness(gun, role));
      return withCommand(`signer ${signer}, by signing the tag again`, signTag(c, signer));
    }
  }
}

/** The renewal context of a reference's verdict: its tag (for a digest alone, a released tag of it) and signers. */
export function renewalContext(result: Pick<EvaluatedResult, 'target' | 'signedDigest' | 'signers'>, data: TrustData, snapshotServerManaged?: boolean): RenewalContext {
  let tag: string | null = null;
  if (result.target.kind === 'reference') {
    const { ref } = result.target.occurrence;
    const digest = ref.digest ?? result.signedDigest;
    tag = ref.effectiveTag ?? listSignedTags(data).find((r) => `sha256:${r.digest}` === digest)?.tag ?? null;
  }
  return { data, tag, signers: result.signers, ...(snapshotServerManaged === undefined ? {} : { snapshotServerManaged }) };
}
