/**
 * Running key rotations through the publish loop. A base-key rotation opens the root key first (a
 * wrong passphrase fails before anything is made), then makes the new key (locally, or on the server
 * with `-r`), then signs and uploads root and the re-signed roles in one request: the server stores all
 * of them or none. When the rotation fails and the server's root does not list the new key, a key
 * made locally for it is deleted again; after a rotation, notary's client deletes the old targets or
 * snapshot private key (`RemoveBaseKeys`), and so does this.
 */
import type { HttpClient } from '../../../net/http';
import type { Logger } from '../../../ports';
import { canonicalKeyId, type TufPublicKey } from '../tuf/keys';
import type { RepositoryKey } from '../outcome';
import type { SigningKey } from '../keys/signingKey';
import type { PublishLoop, Published } from './publishLoop';
import type { PublishingKeys } from './publishingKeys';
import { checkRotationInput, listsOnly, planRotateKey, type RotatableRole, type RotationPlan } from './planRotation';
import { planRotateSigner, type SignerRotationPlan, type StopsVerifying } from './planSignerRotation';
import { roleKeys, type RepoState } from './repoState';
import { SigningError } from './signingErrors';
import { rotateServerKey } from './trustServerWrites';

/** What rotations need besides the loop. */
export interface KeyRotationOptions {
  readonly loop: PublishLoop;
  readonly keys: PublishingKeys;
  readonly logger: Logger;
  /** HTTP client for administrative requests (`*` scope): asking the server for a new key. */
  adminHttpFor(key: RepositoryKey): HttpClient;
  readonly timeoutMs: number;
}

/** What a base-key rotation did. */
export interface KeyRotated {
  readonly role: RotatableRole;
  readonly published: Published<RotationPlan>;
  /** The new key as root lists it (for root: its certificate key). */
  readonly newKey: TufPublicKey;
  /** Its canonical ID (the private key file's name, for a key held here). */
  readonly newKeyId: string;
  /** Whether the server holds the new key. */
  readonly serverManaged: boolean;
  /** The key IDs root listed for the role before. */
  readonly replacedKeyIds: readonly string[];
  /** Old private keys deleted from the key store (canonical IDs). */
  readonly removedKeyIds: readonly string[];
}

/** Rotates `role`'s key of the repository `key` (see the module comment). */
export async function rotateBaseKey(
  o: KeyRotationOptions,
  key: RepositoryKey,
  role: string,
  options: { serverManaged?: boolean; signal?: AbortSignal } = {},
): Promise<KeyRotated> {
  const serverManaged = options.serverManaged === true;
  checkRotationInput(role, serverManaged);
  const first = await o.loop.load(key, options.signal);
  if (first.kind !== 'verified') throw new SigningError('no-trust-data', `${key.gun} has no trust data on ${key.server}: there is no key to rotate`);
  const rootKeys = await openRootKeys(o.keys, first.state, key.gun);
  let created: SigningKey | undefined;
  let newKey: TufPublicKey;
  if (serverManaged) {
    newKey = await rotateServerKey(o.adminHttpFor(key), key.server, key.gun, role as 'snapshot' | 'timestamp', { timeoutMs: o.timeoutMs, signal: options.signal });
  } else {
    created = role === 'root' ? await o.keys.createRootKey(key.gun) : role === 'snapshot' ? await o.keys.createSnapshotKey(key.gun) : await o.keys.createTargetsKey(key.gun);
    newKey = created.publicKey;
  }
  const newKeyId = canonicalKeyId(newKey) ?? newKey.id;
  let published: Published<RotationPlan>;
  try {
    published = await o.loop.publish<RotationPlan>(key, {
      name: `rotate the ${role} key`,
      plan: (state, held, now) => planRotateKey(state, role, [newKey], held, now),
      visible: (state) => listsOnly(state.root, role, [newKey.id]),
      open: [...rootKeys, ...(created ? [created] : [])],
    }, options.signal);
  } catch (e) {
    if (created) await forgetUnpublished(o, key, role, newKey, newKeyId);
    throw e;
  }
  const replacedKeyIds = published.plan?.replacedKeyIds ?? [];
  const removedKeyIds: string[] = [];
  if (role !== 'root') {
    const held = new Set(await o.keys.listKeyIds());
    const before = roleKeys(role, first.state.root, undefined);
    for (const [id, old] of before?.keys ?? []) {
      const canonical = canonicalKeyId(old) ?? id;
      if (canonical === newKeyId || !held.has(canonical)) continue;
      await o.keys.removeKey(canonical);
      removedKeyIds.push(canonical);
    }
  }
  o.logger.info(`rotated the ${role} key of ${key.gun} to ${newKeyId}`);
  return { role, published, newKey, newKeyId, serverManaged, replacedKeyIds, removedKeyIds };
}

/** Opens every held root key of `state` (the passphrase is asked now, before anything is made). */
async function openRootKeys(keys: PublishingKeys, state: RepoState, gun: string): Promise<SigningKey[]> {
  const held = new Set(await keys.listKeyIds());
  const opened: SigningKey[] = [];
  for (const [id, publicKey] of roleKeys('root', state.root, undefined)?.keys ?? []) {
    const canonical = canonicalKeyId(publicKey) ?? id;
    if (held.has(canonical)) opened.push(await keys.open(canonical, { role: 'root', gun }));
  }
  if (opened.length === 0) throw new SigningError('no-signing-key', `rotating a key of ${gun} needs its root key, which is not held here`);
  return opened;
}

/** Deletes a key made for a rotation that the server does not show; keeps it when that is unclear. */
async function forgetUnpublished(o: KeyRotationOptions, key: RepositoryKey, role: string, newKey: TufPublicKey, newKeyId: string): Promise<void> {
  try {
    const now = await o.loop.load(key);
    if (now.kind === 'verified' && !(now.state.root.roles?.[role]?.keyids ?? []).includes(newKey.id)) {
      await o.keys.removeKey(newKeyId);
      o.logger.info(`the ${role} key ${newKeyId} made for the failed rotation was not published and has been deleted`);
    }
  } catch {
    o.logger.warn(`could not tell whether the rotation of the ${role} key of ${key.gun} was published; the new key ${newKeyId} is kept`);
  }
}

/** What a signer-key rotation did. */
export interface SignerRotated {
  readonly published: Published<SignerRotationPlan>;
  /** False when nothing was published because tags would stop verifying and `force` was not set. */
  readonly rotated: boolean;
  readonly oldKeyIds: readonly string[];
  /** Delegation files re-signed with the new key. */
  readonly resigned: readonly string[];
  /** What stops (or would stop) verifying, because the new private key is not held. */
  readonly stopsVerifying: readonly StopsVerifying[];
}

/** Replaces signer `name`'s keys with `publicKey` (see `planSignerRotation.ts`). */
export async function rotateSignerKey(
  o: KeyRotationOptions,
  key: RepositoryKey,
  name: string,
  publicKey: TufPublicKey,
  options: { force?: boolean; signal?: AbortSignal } = {},
): Promise<SignerRotated> {
  let last: SignerRotationPlan | undefined;
  const role = `targets/${name}`;
  const published = await o.loop.publish<SignerRotationPlan>(key, {
    name: `rotate the key of signer ${name}`,
    plan: (state, held, now) => {
      last = planRotateSigner(state, name, publicKey, held, now);
      if (last.stopsVerifying.length > 0) {
        const what = last.stopsVerifying.map((s) => `${s.role} (${s.tags.length === 0 ? 'no tags' : s.tags.join(', ')})`).join('; ');
        o.logger.info(`the new key of signer ${name} is not held, so these stop verifying until ${name} signs again: ${what}` + (options.force ? '' : '; not rotated (use force)'));
        if (!options.force) return undefined;
      }
      return last;
    },
    visible: (state) => listsOnlyDelegated(state, role, publicKey.id),
  }, options.signal);
  return {
    published,
    rotated: published.plan !== undefined,
    oldKeyIds: last?.oldKeyIds ?? [],
    resigned: published.plan?.resigned ?? [],
    stopsVerifying: last?.stopsVerifying ?? [],
  };
}

function listsOnlyDelegated(state: RepoState, role: string, keyId: string): boolean {
  const keyids = state.targets.delegations.roles?.find((r) => r.name === role)?.keyids ?? [];
  return keyids.length === 1 && keyids[0] === keyId;
}
