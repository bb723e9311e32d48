/**
 * What the "Signers" view shows, derived from verified trust data only: the repositories the open
 * documents reference, and per repository its signer roles with their keys and thresholds, its
 * released tags, its administrative keys and how soon each role expires. Plain data, no editor.
 */
import { familiarRepository, parseImageRef } from '../model/imageRef';
import { listSignedTags } from './dct/tuf/resolveTag';
import { RELEASES_ROLE, signerName } from './dct/tuf/roleNames';
import type { DelegationInfo, KeyInfo, TrustData, VerifiedRole, VerifiedTargetsRole } from './dct/tuf/verifiedData';
import type { CheckResult } from './checkResult';
import type { RepositoryKey } from './dct/outcome';
import { glanceStatus, worstVerdict, type GlanceStatus, type Verdict } from './verdict';

const DAY_MS = 86_400_000;

/** How close an expiry is: beyond the warning window, within it, or past. */
export type ExpiryState = 'ok' | 'soon' | 'expired';

/** An expiry as a badge, e.g. `expires 2029-01-02`. */
export interface ExpiryBadge {
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  /** UTC day, e.g. `2029-01-02`. */
  readonly day: string;
  /** Whole days left, rounded up; 0 or less once expired. */
  readonly daysLeft: number;
  readonly state: ExpiryState;
  /** e.g. `expires 2029-01-02` or `expired 2024-05-01`. */
  readonly text: string;
}

/** The UTC day of an instant, e.g. `2029-01-02`. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/**
 * The badge of an expiry: `soon` when it falls within `warningDays` of `now` (the window the
 * `expiring-soon` finding uses), `expired` when it has passed.
 */
export function expiryBadge(expiresAt: number, now: number, warningDays: number): ExpiryBadge {
  const left = expiresAt - now;
  const day = utcDay(expiresAt);
  const state: ExpiryState = left <= 0 ? 'expired' : left < warningDays * DAY_MS ? 'soon' : 'ok';
  return { expiresAt, day, daysLeft: Math.ceil(left / DAY_MS), state, text: state === 'expired' ? `expired ${day}` : `expires ${day}` };
}

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

/** A repository the workspace's files or the open documents reference, with how its checked references fared. */
export interface RepositoryRef {
  /** Unique per trust server and GUN: `<server>\n<gun>`. */
  readonly id: string;
  readonly key: RepositoryKey;
  /** Docker's short name, e.g. `alpine` for `docker.io/library/alpine`. */
  readonly name: string;
  /** How many references name it. */
  readonly references: number;
  /** How many of them are in files that were only listed, not checked (files that are not open). */
  readonly unchecked: number;
  /** How many checked references count as each status at a glance (a signed tag the policy fails is not `signed`). */
  readonly statuses: Readonly<Partial<Record<GlanceStatus, number>>>;
  /** How many checked references got each verdict. */
  readonly verdicts: Readonly<Partial<Record<Verdict, number>>>;
  /** The worst verdict of its checked references; undefined when none was checked. */
  readonly verdict: Verdict | undefined;
  /** Its checked references whose verdict is not `pass`, in document order. */
  readonly failing: readonly CheckResult[];
  /** The documents (as given) that reference it, in first-seen order. */
  readonly documents: readonly string[];
}

/** The trust server and GUN a verdict was reached with, or undefined when none was consulted. */
export function repositoryKeyOf(result: CheckResult): RepositoryKey | undefined {
  if (result.target.kind !== 'reference' || !result.trustServer) return undefined;
  const { ref } = result.target.occurrence;
  return { server: result.trustServer, gun: ref.repository, registry: ref.registry };
}

/** The `id` of a repository key. */
export function repositoryId(key: RepositoryKey): string {
  return `${key.server}\n${key.gun}`;
}

/**
 * The repositories referenced by documents' verdicts and by files that were only listed (a document
 * with verdicts is counted from them, not from its listing), one per trust server and GUN however it
 * is written (`alpine`, `docker.io/library/alpine:3`), sorted by the name shown, then trust server. Pure.
 */
export function repositoriesOf(
  documents: Iterable<{ document: string; results: readonly CheckResult[] }>,
  listed: Iterable<{ document: string; keys: readonly RepositoryKey[] }> = [],
): RepositoryRef[] {
  interface Entry {
    key: RepositoryKey;
    references: number;
    unchecked: number;
    statuses: Partial<Record<GlanceStatus, number>>;
    verdicts: Partial<Record<Verdict, number>>;
    failing: CheckResult[];
    documents: string[];
  }
  const byId = new Map<string, Entry>();
  const add = (document: string, key: RepositoryKey, result: CheckResult | undefined) => {
    const id = repositoryId(key);
    let entry = byId.get(id);
    if (!entry) {
      entry = { key, references: 0, unchecked: 0, statuses: {}, verdicts: {}, failing: [], documents: [] };
      byId.set(id, entry);
    }
    entry.references += 1;
    if (result === undefined) {
      entry.unchecked += 1;
    } else {
      const glance = glanceStatus(result);
      entry.statuses[glance] = (entry.statuses[glance] ?? 0) + 1;
      entry.verdicts[result.verdict] = (entry.verdicts[result.verdict] ?? 0) + 1;
      if (result.verdict !== 'pass') entry.failing.push(result);
    }
    if (!entry.documents.includes(document)) entry.documents.push(document);
  };
  const checked = new Set<string>();
  for (const { document, results } of documents) {
    checked.add(document);
    for (const result of results) {
      const key = repositoryKeyOf(result);
      if (key) add(document, key, result);
    }
  }
  for (const { document, keys } of listed) {
    if (!checked.has(document)) for (const key of keys) add(document, key, undefined);
  }
  return [...byId.entries()]
    .map(([id, e]) => {
      const verdicts = Object.keys(e.verdicts) as Verdict[];
      return { id, name: familiarRepository(e.key.gun), verdict: verdicts.length > 0 ? worstVerdict(verdicts) : undefined, ...e };
    })
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }) || a.key.server.localeCompare(b.key.server));
}

/**
 * The repository a user names: a GUN (`docker.io/library/alpine`), docker's short name (`alpine`) or
 * any image reference (`alpine:3.19`, `127.0.0.1:5000/app@sha256:…`).
 */
export function findRepository(repositories: readonly RepositoryRef[], name: string): RepositoryRef | undefined {
  const wanted = name.trim();
  const exact = repositories.find((r) => r.key.gun === wanted || r.name === wanted);
  if (exact) return exact;
  const parsed = parseImageRef(wanted);
  return parsed.ok ? repositories.find((r) => r.key.gun === parsed.ref.repository) : undefined;
}
