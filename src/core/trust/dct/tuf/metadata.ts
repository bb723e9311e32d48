/**
 * Typed Notary v1 metadata (notary `tuf/data/*.go`; protocol doc §1). Produced only by the strict
 * parsers in `parseMetadata.ts`. Maps keyed by names from the wire are `ReadonlyMap`s so that a
 * name like `__proto__` is just a name.
 */
import type { TufPublicKey } from './keys';
import type { Expiry } from './expires';
import type { TargetInfo } from './verifiedData';

/** The four top-level roles. */
export type BaseRoleName = 'root' | 'targets' | 'snapshot' | 'timestamp';

/** `_type` per role: capitalised, unlike the TUF spec (`TUFTypes`). */
export const TUF_TYPES: Readonly<Record<BaseRoleName, string>> = {
  root: 'Root',
  targets: 'Targets',
  snapshot: 'Snapshot',
  timestamp: 'Timestamp',
};

/** One entry of `signatures`. `method` is lower-cased on parse, as notary does. */
export interface Signature {
  /** e.g. `041b64da…` */
  readonly keyid: string;
  /** e.g. `ecdsa`, `eddsa`, `rsapss` */
  readonly method: string;
  /** Decoded from standard base64. */
  readonly sig: Uint8Array;
}

/**
 * A parsed file: the raw `signed` JSON, its canonical bytes (what signatures cover, §2.1), and the
 * signatures. The role body is parsed separately, after signatures are checked, as notary does.
 */
export interface Envelope {
  readonly signed: Readonly<Record<string, unknown>>;
  /** Canonical JSON of `signed` (re-canonicalised from the parsed value, never the wire bytes). */
  readonly signedBytes: Uint8Array;
  readonly signatures: readonly Signature[];
}

/** Hashes and length of a file (`FileMeta`); only sha256/sha512 are recognised. */
export interface FileMeta {
  /** Byte length, e.g. `1357`. */
  readonly length: number;
  /** Algorithm → raw digest bytes (base64 on the wire), e.g. `sha256` → 32 bytes. */
  readonly hashes: ReadonlyMap<string, Uint8Array>;
  /** The `custom` JSON, if present. */
  readonly custom?: unknown;
}

/** Fields every role body has (`SignedCommon`). */
export interface SignedCommon {
  /** e.g. `Targets` */
  readonly type: string;
  /** ≥ 1 */
  readonly version: number;
  readonly expires: Expiry;
}

/** Key IDs and threshold of a role (`RootRole`). */
export interface RoleKeyIds {
  readonly keyids: readonly string[];
  /** ≥ 1 */
  readonly threshold: number;
}

/** root.json `signed` (`Root`). */
export interface Root extends SignedCommon {
  readonly consistentSnapshot: boolean;
  /** Key ID as filed in the metadata → key. */
  readonly keys: ReadonlyMap<string, TufPublicKey>;
  /** Role name → its keys; all four base roles are present. */
  readonly roles: ReadonlyMap<string, RoleKeyIds>;
}

/**
 * A delegation as declared in its parent's `delegations.roles` (`Role`). notary has no
 * `path_hash_prefixes` or `terminating`: a role carrying only `path_hash_prefixes` has no paths
 * and so can hold no target.
 */
export interface DelegationSpec extends RoleKeyIds {
  /** e.g. `targets/releases` */
  readonly name: string;
  /** Target-name prefixes as declared; `""` matches everything. */
  readonly paths: readonly string[];
}

/** targets.json or a delegation file `signed` (`Targets`). */
export interface Targets extends SignedCommon {
  /**
   * Target name (the docker tag) → its length and hex digests, in a null-prototype record (look
   * names up with `Object.hasOwn`). Once the file is verified, this is the role's targets index.
   */
  readonly targets: Readonly<Record<string, TargetInfo>>;
  readonly delegations: {
    readonly keys: ReadonlyMap<string, TufPublicKey>;
    readonly roles: readonly DelegationSpec[];
  };
}

/** snapshot.json `signed` (`Snapshot`): role name → meta of that role's file. */
export interface Snapshot extends SignedCommon {
  readonly meta: ReadonlyMap<string, FileMeta>;
}

/** timestamp.json `signed` (`Timestamp`): the snapshot's meta. */
export interface Timestamp extends SignedCommon {
  readonly meta: ReadonlyMap<string, FileMeta>;
  /** `meta.snapshot`, which must carry a sha256. */
  readonly snapshot: FileMeta;
}
