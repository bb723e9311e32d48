/**
 * Signing a plan's documents into upload files, as notary's `signed.Sign` does (`tuf/signed/sign.go`):
 * every held key of the role signs the canonical bytes, signatures are filed under the key ID the
 * role lists (the certificate ID for root), and fewer held keys than the threshold is an error
 * (`ErrInsufficientSignatures`). When this client holds the snapshot key, a new snapshot is signed
 * too (notary `SignSnapshot`: sha256 and sha512 of each new file); otherwise the server signs it.
 * Each file is checked before upload: its signatures verify, and notary's re-serialisation of it
 * gives back the same bytes.
 */
import { bytesEqual, encodeStdBase64, sha256, sha512 } from '../../../crypto/encoding';
import { canonicalKeyId } from '../tuf/keys';
import type { FileSignature } from '../tuf/canonicalJson';
import { parseEnvelope } from '../tuf/parseMetadata';
import { parentRole } from '../tuf/roleNames';
import { verifySignatures } from '../tuf/signatures';
import { fileBytes, reserialize, signingInput, type SignedDoc } from './fileBytes';
import type { FileMetaDoc, MetaDoc, TargetsDoc } from './goShapes';
import type { PublishingKeys } from './publishingKeys';
import type { Plan } from './plan';
import { canSign, roleKeys, type RepoState, type RoleKeys } from './repoState';
import { SigningError } from './signingErrors';
import type { SigningKey } from '../keys/signingKey';
import { bumped } from './targetsEdit';
import type { UploadFile } from './trustServerWrites';

/** Where signing keys come from for one plan. */
export interface SigningContext {
  readonly keys: PublishingKeys;
  /** Canonical IDs of the keys held (from `keys.listKeyIds()`, plus keys created for this plan). */
  readonly held: ReadonlySet<string>;
  /** Keys already open (e.g. just created), used before asking `keys.open`. */
  readonly open: readonly SigningKey[];
}

/** Signs every update of `plan` (and a snapshot when held) into the files to upload, in order. */
export async function signPlan(plan: Plan, state: RepoState | undefined, ctx: SigningContext, now: Date): Promise<UploadFile[]> {
  const files: UploadFile[] = [];
  for (const update of plan.updates) {
    const keys = update.role === 'root' ? rootSigners(plan, state) : [whoSigns(plan, state, update.role)];
    files.push({ role: update.role, bytes: await signDoc(update.role, update.doc, keys, plan.gun, ctx) });
  }
  if (state && canSign(roleKeys('snapshot', plan.root, undefined), ctx.held)) {
    const doc = nextSnapshot(state.snapshot, files, plan.deletedRoles, now);
    files.push({ role: 'snapshot', bytes: await signDoc('snapshot', doc, [whoSigns(plan, state, 'snapshot')], plan.gun, ctx) });
  }
  return files;
}

/**
 * notary `SignRoot`: a root whose root role changed (new keys or threshold) is signed to the
 * threshold of the previous root role as well as its own, so that clients holding the previous root
 * accept it (§4.2 step 3).
 */
function rootSigners(plan: Plan, state: RepoState | undefined): RoleKeys[] {
  const current = whoSigns(plan, state, 'root');
  const previous = state ? roleKeys('root', state.root, undefined) : undefined;
  if (!previous || sameRole(previous, current)) return [current];
  return [previous, current];
}

function sameRole(a: RoleKeys, b: RoleKeys): boolean {
  return a.threshold === b.threshold && a.keys.size === b.keys.size && [...a.keys.keys()].every((id) => b.keys.has(id));
}

function whoSigns(plan: Plan, state: RepoState | undefined, role: string): RoleKeys {
  const parent = parentRole(role);
  const parentDoc: TargetsDoc | undefined = parent === 'targets'
    ? plan.targets
    : (plan.updates.find((u) => u.role === parent)?.doc as TargetsDoc | undefined) ?? state?.delegations.get(parent);
  const keys = roleKeys(role, plan.root, parentDoc);
  if (!keys) throw new SigningError('no-signing-key', `${role} is not a role of ${plan.gun}`);
  return keys;
}

/**
 * Signs one document with every held key of each key set (the role's; for a rotated root, the
 * previous root role's too), each set to its threshold, then checks the file against every set.
 */
async function signDoc(role: string, doc: SignedDoc, sets: readonly RoleKeys[], gun: string, ctx: SigningContext): Promise<Uint8Array> {
  const input = signingInput(doc);
  const signatures: FileSignature[] = [];
  for (const keys of sets) {
    let made = 0;
    for (const [listedId, publicKey] of keys.keys) {
      if (signatures.some((s) => s.keyid === listedId)) {
        made += 1;
        continue;
      }
      const canonical = canonicalKeyId(publicKey) ?? listedId;
      const key = ctx.open.find((k) => canonicalKeyId(k.publicKey) === canonical) ??
        (ctx.held.has(canonical) || ctx.held.has(listedId) ? await ctx.keys.open(ctx.held.has(canonical) ? canonical : listedId, { role, gun }) : undefined);
      if (!key) continue;
      const raw = await key.sign(input);
      signatures.push({ keyid: listedId, method: raw.method, sig: raw.sig });
      made += 1;
    }
    if (made < keys.threshold || made === 0) {
      const ids = [...keys.keys.values()].map((k) => canonicalKeyId(k) ?? k.id);
      throw new SigningError('insufficient-keys',
        `signing keys not available for ${role} of ${gun}: need ${keys.threshold} keys from ${ids.length} possible keys (${ids.join(', ')})`);
    }
  }
  const bytes = fileBytes(doc, signatures);
  for (const keys of sets) checkFile(role, bytes, keys);
  return bytes;
}

/** Our own signatures must verify and notary's re-serialisation must be byte-identical (§2.3). */
function checkFile(role: string, bytes: Uint8Array, keys: RoleKeys): void {
  verifySignatures(parseEnvelope(bytes, role), { name: role, keys: keys.keys, threshold: keys.threshold });
  if (!bytesEqual(reserialize(role, bytes), bytes)) {
    throw new SigningError('server-rejected', `${role} would not survive notary's re-serialisation byte for byte; not uploading it`);
  }
}

/** notary `NewFileMeta(…, NotaryDefaultHashes)`: length, sha256 and sha512 of a file. */
export function fileMetaOf(bytes: Uint8Array): FileMetaDoc {
  return { hashes: { sha256: encodeStdBase64(sha256(bytes)), sha512: encodeStdBase64(sha512(bytes)) }, length: bytes.length };
}

/** The next snapshot: meta of every new file replaced, deleted delegations dropped, version + 1. */
export function nextSnapshot(current: MetaDoc, files: readonly UploadFile[], deleted: readonly string[], now: Date): MetaDoc {
  const meta = Object.fromEntries([
    ...Object.entries(current.meta ?? {}).filter(([role]) => !deleted.includes(role) && !files.some((f) => f.role === role)),
    ...files.map((f): [string, FileMetaDoc] => [f.role, fileMetaOf(f.bytes)]),
  ]);
  return bumped({ ...current, meta }, 'snapshot', now);
}
