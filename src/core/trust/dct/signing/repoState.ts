/**
 * The verified trust data a change is planned on: the verified result of the read side plus, for
 * every verified file, its `signed` object in notary's Go shape (what a new version is built from).
 * Only files that passed `TrustedSet` verification end up here.
 */
import { canonicalKeyId, makeTufKey, type TufPublicKey } from '../tuf/keys';
import { parseEnvelope } from '../tuf/parseMetadata';
import { isDelegationRole, parentRole } from '../tuf/roleNames';
import type { TrustData } from '../tuf/verifiedData';
import { metaDoc, rootDoc, targetsDoc, type KeyDoc, type MetaDoc, type RootDoc, type TargetsDoc } from './goShapes';
import { emptyTargets } from './targetsEdit';

/** Verified trust data and the Go-shaped documents of its files. */
export interface RepoState {
  /** e.g. `127.0.0.1:5000/team/app` */
  readonly gun: string;
  /** The read side's verified result (versions, signers, ignored roles…). */
  readonly data: TrustData;
  readonly root: RootDoc;
  readonly targets: TargetsDoc;
  /** The snapshot as verified (used only when this client holds the snapshot key). */
  readonly snapshot: MetaDoc;
  /** Verified delegation files by role, e.g. `targets/releases`. */
  readonly delegations: ReadonlyMap<string, TargetsDoc>;
  /**
   * Delegation files the read side fetched but ignored, as notary does: `expired` ones passed their
   * signature check (authentic, only old); `threshold-not-met` ones are not trusted at all.
   */
  readonly ignored: ReadonlyMap<string, { readonly code: 'expired' | 'threshold-not-met'; readonly doc: TargetsDoc }>;
}

/** Builds the state from verified files by role (`root`, `snapshot`, `targets`, `targets/…`). */
export function repoStateFrom(data: TrustData, files: ReadonlyMap<string, Uint8Array>): RepoState {
  const signedOf = (role: string) => {
    const bytes = files.get(role);
    if (!bytes) throw new Error(`verified file ${role} is missing`);
    return parseEnvelope(bytes, role).signed;
  };
  const delegations = new Map<string, TargetsDoc>();
  for (const role of data.delegations) delegations.set(role.name, targetsDoc(signedOf(role.name)));
  const ignored = new Map<string, { code: 'expired' | 'threshold-not-met'; doc: TargetsDoc }>();
  for (const problem of data.problems) {
    if (files.has(problem.role)) ignored.set(problem.role, { code: problem.code, doc: targetsDoc(signedOf(problem.role)) });
  }
  return {
    gun: data.gun,
    data,
    root: rootDoc(signedOf('root')),
    targets: targetsDoc(signedOf('targets')),
    snapshot: metaDoc(signedOf('snapshot')),
    delegations,
    ignored,
  };
}

/** The public key of a key object, with its TUF ID recomputed from the content. */
export function publicKeyOf(doc: KeyDoc): TufPublicKey {
  return makeTufKey(doc.keytype, new Uint8Array(Buffer.from(doc.keyval.public ?? '', 'base64')));
}

/** Keys and threshold of a role, as a signer must satisfy them. */
export interface RoleKeys {
  /** Key ID as the metadata lists it → key. */
  readonly keys: ReadonlyMap<string, TufPublicKey>;
  readonly threshold: number;
}

/**
 * Who signs `role`: base roles from root; a delegation from its parent's `delegations` (the parent
 * document given, e.g. a targets file changed in the same publish). Undefined when not declared.
 */
export function roleKeys(role: string, root: RootDoc, parentDoc: TargetsDoc | undefined): RoleKeys | undefined {
  if (!isDelegationRole(role)) {
    const spec = root.roles?.[role];
    if (!spec) return undefined;
    return { keys: pick(spec.keyids, root.keys), threshold: spec.threshold };
  }
  const spec = parentDoc?.delegations.roles?.find((r) => r.name === role);
  if (!spec || !parentDoc) return undefined;
  return { keys: pick(spec.keyids, parentDoc.delegations.keys), threshold: spec.threshold };
}

function pick(ids: readonly string[] | null, keys: Readonly<Record<string, KeyDoc>> | null): Map<string, TufPublicKey> {
  const out = new Map<string, TufPublicKey>();
  for (const id of ids ?? []) {
    const doc = keys && Object.hasOwn(keys, id) ? keys[id] : undefined;
    if (doc) out.set(id, publicKeyOf(doc));
  }
  return out;
}

/** Whether this client holds a private key for any of the role's keys (notary `VerifyCanSign`). */
export function canSign(keys: RoleKeys | undefined, held: ReadonlySet<string>): boolean {
  return !!keys && [...keys.keys].some(([id, key]) => held.has(id) || held.has(canonicalKeyId(key) ?? ''));
}

/**
 * The document a new version of a delegation starts from: the verified file; an expired file (its
 * signatures verified, so its content is authentic) to be re-signed; an empty document for a role
 * never published. A file that failed its threshold is not trusted: only its version number is kept,
 * so the new version still supersedes it on the server (notary would start at version 1 and be refused).
 */
export function delegationBase(state: RepoState, role: string, now: Date): TargetsDoc {
  const verified = state.delegations.get(role);
  if (verified) return verified;
  const ignored = state.ignored.get(role);
  if (ignored?.code === 'expired') return ignored.doc;
  const empty = emptyTargets(now);
  return ignored ? { ...empty, version: ignored.doc.version } : empty;
}

/** The direct children of `targets` declared in a targets document. */
export function directChildren(doc: TargetsDoc): string[] {
  return (doc.delegations.roles ?? []).map((r) => r.name).filter((name) => parentRole(name) === 'targets');
}
