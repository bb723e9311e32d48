/**
 * A hostile trust server with keys of its own. In docker's setup the server holds the timestamp and
 * snapshot keys; this test cannot read the real notary-signer's keys, so the repository owner (whose
 * real root key the test holds) re-signs the real root with timestamp and snapshot keys the test
 * made. The server can then sign anything a compromised notary-server could, while targets,
 * delegations and the root stay the owner's and signers' real signatures.
 */
import { ecdsaKey, fileMeta, type TestKey } from '../tufRepo';
import { editAndSign, parseFile, resign, type RepoFiles } from './metadataFiles';

/** The server-held keys. */
export interface ServerKeys {
  readonly timestamp: TestKey;
  readonly snapshot: TestKey;
}

/** Fresh server keys (ECDSA P-256, as notary-server makes them). */
export function newServerKeys(): ServerKeys {
  return { timestamp: ecdsaKey(), snapshot: ecdsaKey() };
}

/** How to rebuild the root. */
export interface RootChanges {
  /** Further edits of root's `signed` (e.g. a threshold), after the server keys are put in. */
  readonly edit?: (signed: ReturnType<typeof parseFile>['signed']) => void;
  /** Who signs it; default the owner's root key alone. */
  readonly signers?: readonly TestKey[];
}

/** Root `signed` edit: `role` is signed by `key` alone, and keys no role lists any more are dropped. */
export function setRoleKey(signed: ReturnType<typeof parseFile>['signed'], role: string, key: TestKey): void {
  signed.keys[key.id] = { keytype: key.keytype, keyval: { private: null, public: Buffer.from(key.public).toString('base64') } };
  signed.roles[role] = { keyids: [key.id], threshold: 1 };
  const used = new Set(Object.values(signed.roles as Record<string, { keyids: string[] }>).flatMap((r) => r.keyids));
  for (const id of Object.keys(signed.keys)) if (!used.has(id)) delete signed.keys[id];
}

/** The real root, re-signed by the owner with the server's timestamp and snapshot keys in it. */
export function rootWithServerKeys(realRoot: Uint8Array, owner: TestKey, keys: ServerKeys, changes: RootChanges = {}): Uint8Array {
  return editAndSign(realRoot, changes.signers ?? [owner], (signed) => {
    setRoleKey(signed, 'timestamp', keys.timestamp);
    setRoleKey(signed, 'snapshot', keys.snapshot);
    changes.edit?.(signed);
  });
}

/** What the server signs next. */
export interface ServerSigned {
  /** Bytes to vouch for, by role (`root`, `targets`, delegations); others keep the base snapshot's entries. */
  readonly vouchFor?: Readonly<Record<string, Uint8Array>>;
  /** The snapshot whose content is re-signed; default the current one in `files`. */
  readonly snapshotBase?: Uint8Array;
  readonly snapshotVersion?: number;
  readonly timestampVersion?: number;
  /** Sign the snapshot with these keys instead of the server's snapshot key. */
  readonly snapshotSigners?: readonly TestKey[];
  /** Edits the snapshot bytes after signing (e.g. to flip a signature byte); the timestamp vouches for the result. */
  readonly afterSnapshot?: (bytes: Uint8Array) => Uint8Array;
}

/**
 * A consistent repository as the hostile server serves it: `files` with `root` and the given
 * targets/delegation bytes, a snapshot the server signs over all of them, and a timestamp over that.
 */
export function serverSigned(files: RepoFiles, root: Uint8Array, keys: ServerKeys, s: ServerSigned = {}): RepoFiles {
  const vouch: Record<string, Uint8Array> = { root, targets: files.targets, ...Object.fromEntries(files.delegations), ...s.vouchFor };
  const base = parseFile(s.snapshotBase ?? files.snapshot).signed;
  const meta: Record<string, unknown> = { ...base.meta };
  for (const [role, bytes] of Object.entries(vouch)) meta[role] = fileMeta(bytes);
  let snapshot = resign({ ...base, meta, version: s.snapshotVersion ?? base.version }, s.snapshotSigners ?? [keys.snapshot]);
  if (s.afterSnapshot) snapshot = s.afterSnapshot(snapshot);
  const ts = parseFile(files.timestamp).signed;
  const timestamp = resign({ ...ts, meta: { snapshot: fileMeta(snapshot) }, version: s.timestampVersion ?? ts.version }, [keys.timestamp]);
  const delegations = new Map(files.delegations);
  for (const [role, bytes] of Object.entries(s.vouchFor ?? {})) if (role.startsWith('targets/')) delegations.set(role, bytes);
  return { root, timestamp, snapshot, targets: s.vouchFor?.targets ?? files.targets, delegations };
}
