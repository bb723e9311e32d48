/**
 * A repository's Docker Content Trust data as backend-neutral details: its signers (the release role
 * among them) with their keys, its signed tags, its administrative keys, the soonest expiry, and what
 * a hover adds. A failed update becomes the problem the Signers view shows.
 */
import { shortKeyId } from '../../model/keyId';
import type { CheckResult } from '../checkResult';
import { badgeText } from '../expiryBadge';
import type { DetailsGroup, DetailsKey, DetailsProblem, DetailsRole, DetailsTag, RepositoryKey, TrustDetails } from '../trustDetails';
import { dctHoverDetails } from './hoverDetails';
import type { RepositoryOutcome } from './outcome';
import { signedTagChoices } from './signedTags';
import { signersModel, type KeyModel, type RoleModel, type SignersModel } from './signersModel';
import { RELEASES_ROLE } from './tuf/roleNames';

/** What a failed outcome means, for a repository's description and its one child. */
export function outcomeProblem(outcome: RepositoryOutcome): DetailsProblem | undefined {
  switch (outcome.kind) {
    case 'verified':
      return undefined;
    case 'unverifiable':
      return { kind: 'unverifiable', short: 'trust server unreachable', detail: `trust server unreachable: ${outcome.message}`, icon: 'debug-disconnect', message: outcome.message };
    case 'no-trust-data':
      return { kind: 'no-data', short: 'no trust data', detail: `no trust data: ${outcome.message}`, icon: 'circle-slash', message: outcome.message };
    case 'expired':
      return { kind: 'expired', short: 'trust data expired', detail: `trust data expired${outcome.role ? ` (${outcome.role})` : ''}: ${outcome.message}`, icon: 'error', message: outcome.message };
    case 'invalid':
      return { kind: 'invalid', short: 'trust data failed verification', detail: `trust data failed verification${outcome.role ? ` (${outcome.role})` : ''}: ${outcome.message}`, icon: 'error', message: outcome.message };
  }
}

function keyDetails(key: KeyModel, holders: readonly string[]): DetailsKey {
  const tooltip = [`Key ID ${key.id} (${key.keytype})`];
  if (key.tufId !== key.id) tooltip.push(`TUF key ID ${key.tufId}`);
  if (holders.length > 0) tooltip.push(`The key of ${holders.join(', ')}`);
  return { id: key.id, shortId: shortKeyId(key.id), keytype: key.keytype, holders, description: [...holders, key.keytype].join(' · '), tooltip };
}

/** Whose keys are which: key ID → the signers whose own role lists it. */
function keyHolders(signers: readonly RoleModel[]): Map<string, string[]> {
  const holders = new Map<string, string[]>();
  for (const r of signers) {
    if (r.role === RELEASES_ROLE) continue;
    for (const k of r.keys) holders.set(k.id, [...(holders.get(k.id) ?? []), r.label]);
  }
  return holders;
}

function roleDetails(r: RoleModel, group: 'signers' | 'admin', holders: ReadonlyMap<string, readonly string[]> = new Map()): DetailsRole {
  const release = r.role === RELEASES_ROLE;
  const parts = [...(release ? [RELEASES_ROLE] : []), `threshold ${r.threshold}`];
  if (r.state === 'verified' && r.badge) parts.push(badgeText(r.badge));
  if (r.state === 'unpublished') parts.push('never signed');
  if (r.state === 'ignored') parts.push('ignored');
  const tooltip = [`${r.role}: ${r.keys.length} key${r.keys.length === 1 ? '' : 's'}, threshold ${r.threshold}`];
  if (release) tooltip.push('The release role: docker trusts the tags it holds. Every signer added with Add Signer can sign it.');
  if (r.version !== undefined) tooltip.push(`version ${r.version}`);
  if (r.badge) tooltip.push(r.badge.text);
  if (r.state === 'unpublished') tooltip.push('Declared, but never signed into the trust data.');
  if (r.problem) tooltip.push(`Ignored, as docker ignores it: ${r.problem}`);
  const removable = group === 'signers' && /^targets\/[^/]+$/.test(r.role) && !release;
  return {
    kind: 'role',
    id: r.role,
    label: release ? 'Release role' : r.label,
    description: parts.join(' · '),
    tooltip,
    icon: group === 'admin' ? 'shield' : release ? 'rocket' : 'person',
    warning: r.state === 'ignored',
    ...(r.badge ? { badge: r.badge } : {}),
    keys: r.keys.map((k) => keyDetails(k, holders.get(k.id) ?? [])),
    counted: !release,
    context: removable ? 'signerRole' : release ? 'releaseRole' : group !== 'admin' ? 'role' : r.role === 'root' ? 'rootRole' : r.role === 'targets' ? 'repositoryRole' : 'role',
  };
}

/** The Signers view's groups of one repository: signers, signed tags, administrative keys. */
export function signersGroups(model: SignersModel): DetailsGroup[] {
  const holders = keyHolders(model.signers);
  const tags = model.tags.map((t): DetailsTag => ({ kind: 'tag', tag: t.tag, digest: t.digest, signers: t.signers, signedBy: t.signedBy }));
  return [
    { id: 'signers', label: 'Signers', icon: 'organization', empty: 'No signers: only the repository key signs', items: model.signers.map((r) => roleDetails(r, 'signers', holders)) },
    { id: 'tags', label: 'Signed tags', icon: 'tag', empty: 'No signed tags', items: tags },
    { id: 'admin', label: 'Administrative keys', icon: 'shield', empty: 'No administrative keys', items: model.admin.map((r) => roleDetails(r, 'admin')) },
  ];
}

/** A repository's details from its update's outcome; signed tags closest to `result`'s tag first, when given. */
export function dctDetails(key: RepositoryKey, outcome: RepositoryOutcome, o: { now: number; warningDays: number; result?: CheckResult }): TrustDetails {
  if (outcome.kind !== 'verified') {
    return { scheme: 'dct', key, problem: outcomeProblem(outcome), groups: [], signedTags: [], notes: [] };
  }
  const model = signersModel(outcome.data, { now: o.now, warningDays: o.warningDays });
  const current = o.result?.target.kind === 'reference' ? o.result.target.occurrence.ref.effectiveTag : null;
  const notes = model.server.filter((r) => r.badge).map((r) => `${r.role}: ${r.badge!.text} (usually re-signed by the trust server)`);
  const verified = { data: outcome.data, firstUse: outcome.firstUse, pinnedAt: outcome.pinnedAt, verifiedAt: outcome.verifiedAt, ...(outcome.rootPin ? { rootPin: outcome.rootPin } : {}) };
  return {
    scheme: 'dct',
    key,
    groups: signersGroups(model),
    signedTags: signedTagChoices(outcome.data, current),
    ...(model.nearest ? { nearest: { what: model.nearest.role, badge: model.nearest.badge } } : {}),
    notes,
    hoverFor: (result, now, warningDays) => dctHoverDetails(result, verified, now, warningDays),
  };
}
