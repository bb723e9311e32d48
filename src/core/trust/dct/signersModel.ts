/**
 * What the Signers view shows of one repository's verified Docker Content Trust data: its signer
 * roles with their keys and thresholds, its released tags, its administrative keys and how soon each
 * role expires. Plain data, no editor.
 */
import { expiryBadge, type ExpiryBadge } from '../expiryBadge';
import { listSignedTags } from './tuf/resolveTag';
import { RELEASES_ROLE, signerName } from './tuf/roleNames';
import type { DelegationInfo, KeyInfo, TrustData, VerifiedRole, VerifiedTargetsRole } from './tuf/verifiedData';

export { expiryBadge, utcDay, type ExpiryBadge, type ExpiryState } from '../expiryBadge';

/** A key allowed to sign for a role. */
export interface KeyModel {
  /** The ID docker shows: the canonical ID for signer keys, the ID in root.json for administrative keys. */
  readonly id: string;
  /** The TUF key ID as filed in the metadata (differs from `id` for signer certificates). */
  readonly tufId: string;
  /** e.g. `ecdsa-x509` */
  readonly keytype: string;
}

/** A role as the view shows it. */
export interface RoleModel {
  /** e.g. `root`, `targets`, `targets/releases`, `targets/alice` */
  readonly role: string;
  /** e.g. `Root`, `Repository`, `releases`, `alice` */
  readonly label: string;
  readonly keys: readonly KeyModel[];
  readonly threshold: number;
  /**
   * `verified`: its metadata was fetched and verified; `unpublished`: declared but never signed into
   * the snapshot (a signer who never signed); `ignored`: fetched but ignored, as docker ignores it.
   */
  readonly state: 'verified' | 'unpublished' | 'ignored';
  /** The verified version, for `verified` roles. */
  readonly version?: number;
  /** For `verified` roles. */
  readonly badge?: ExpiryBadge;
  /** Why an `ignored` role was ignored. */
  readonly problem?: string;
}

/** A released tag, as one row of `docker trust inspect`. */
export interface TagModel {
  readonly tag: string;
  /** `sha256:<hex>`, or null when the released target has no sha256 (docker cannot pull it). */
  readonly digest: string | null;
  /** Signer names holding the same tag and digest; empty means the repository key ("Repo Admin"). */
  readonly signers: readonly string[];
  /** e.g. `alice, bob` or `Repo Admin`, as docker prints it. */
  readonly signedBy: string;
}

/** Everything the view shows for one repository with verified trust data. */
export interface SignersModel {
  readonly gun: string;
  /** `releases` first, then every other delegation by name. */
  readonly signers: readonly RoleModel[];
  /** Released tags in natural order. */
  readonly tags: readonly TagModel[];
  /** `Root` then `Repository` (targets), as docker's administrative keys. */
  readonly admin: readonly RoleModel[];
  /** Snapshot and timestamp, which the trust server usually signs. */
  readonly server: readonly RoleModel[];
  /** The soonest expiry among the roles the repository owner signs (root, targets, delegations). */
  readonly nearest: { readonly role: string; readonly badge: ExpiryBadge } | undefined;
}

/** Options of {@link signersModel}. */
export interface SignersModelOptions {
  /** Epoch milliseconds. */
  now: number;
  /** The expiry warning window in days, e.g. `30`. */
  warningDays: number;
}

function keyModels(keys: readonly KeyInfo[], shownId: 'canonical' | 'tuf'): KeyModel[] {
  return keys.map((k) => ({ id: shownId === 'canonical' ? (k.canonicalId ?? k.id) : k.id, tufId: k.id, keytype: k.keytype }));
}

function verifiedModel(role: VerifiedRole, label: string, shownId: 'canonical' | 'tuf', o: SignersModelOptions): RoleModel {
  return {
    role: role.name,
    label,
    keys: keyModels(role.keys, shownId),
    threshold: role.threshold,
    state: 'verified',
    version: role.version,
    badge: expiryBadge(role.expiresAt, o.now, o.warningDays),
  };
}

/** Every delegation declared by a verified targets file, once, in walk order (first declaration wins). */
function declaredDelegations(data: TrustData): DelegationInfo[] {
  const seen = new Map<string, DelegationInfo>();
  for (const file of [data.targets, ...data.delegations]) {
    for (const d of file.delegations) if (!seen.has(d.name)) seen.set(d.name, d);
  }
  return [...seen.values()];
}

/** The view model of one repository's verified trust data. Pure. */
export function signersModel(data: TrustData, o: SignersModelOptions): SignersModel {
  const verified = new Map<string, VerifiedTargetsRole>(data.delegations.map((d) => [d.name, d]));
  const problems = new Map(data.problems.map((p) => [p.role, p]));
  const signers = declaredDelegations(data).map((d): RoleModel => {
    const label = signerName(d.name);
    const role = verified.get(d.name);
    if (role) return verifiedModel(role, label, 'canonical', o);
    const problem = problems.get(d.name);
    const base = { role: d.name, label, keys: keyModels(d.keys, 'canonical'), threshold: d.threshold };
    return problem ? { ...base, state: 'ignored', problem: problem.message } : { ...base, state: 'unpublished' };
  });
  signers.sort((a, b) => Number(b.role === RELEASES_ROLE) - Number(a.role === RELEASES_ROLE) || a.label.localeCompare(b.label, 'en', { numeric: true }));

  const tags = listSignedTags(data).map((row): TagModel => ({
    tag: row.tag,
    digest: row.digest === '' ? null : `sha256:${row.digest}`,
    signers: row.signers,
    signedBy: row.signers.length > 0 ? row.signers.join(', ') : 'Repo Admin',
  }));

  const admin = [verifiedModel(data.root, 'Root', 'tuf', o), verifiedModel(data.targets, 'Repository', 'tuf', o)];
  const server = [verifiedModel(data.snapshot, 'Snapshot', 'tuf', o), verifiedModel(data.timestamp, 'Timestamp', 'tuf', o)];

  let nearest: SignersModel['nearest'];
  for (const r of [...admin, ...signers]) {
    if (r.badge && (!nearest || r.badge.expiresAt < nearest.badge.expiresAt)) nearest = { role: r.role, badge: r.badge };
  }
  return { gun: data.gun, signers, tags, admin, server, nearest };
}

