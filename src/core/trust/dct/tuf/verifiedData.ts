/**
 * The verified result as plain data: everything a "signers" view and the tag resolver need, with no
 * behaviour attached. Produced only by `TrustedSet` from metadata that passed every check.
 */
import { canonicalKeyId, type TufPublicKey } from './keys';
import type { DelegationRole } from './delegations';
import type { SignedCommon } from './metadata';

/** A key allowed to sign for a role. */
export interface KeyInfo {
  /** The TUF key ID as filed in the metadata, e.g. `041b64da…`. For root, the certificate key ID. */
  readonly id: string;
  /** e.g. `ecdsa`, `ecdsa-x509`, `ed25519` */
  readonly keytype: string;
  /** The ID docker shows for delegation keys (§3.2); equals `id` for non-certificate keys. */
  readonly canonicalId: string | undefined;
}

/** A verified role. */
export interface VerifiedRole {
  /** e.g. `timestamp`, `targets/releases` */
  readonly name: string;
  readonly version: number;
  /** `expires` exactly as written, e.g. `2029-01-01T00:00:00Z`. */
  readonly expires: string;
  /** `expires` in epoch milliseconds. */
  readonly expiresAt: number;
  readonly keys: readonly KeyInfo[];
  readonly threshold: number;
  /** Key IDs that validly signed this version (each once). */
  readonly signedBy: readonly string[];
}

/** A signed target; in docker the name is the tag and sha256 the manifest digest. */
export interface TargetInfo {
  /** Lower-case hex, e.g. `74d4bf…`; absent when the target has no sha256 (docker then refuses it). */
  readonly sha256?: string;
  readonly sha512?: string;
  /** Manifest size in bytes. */
  readonly length: number;
  readonly custom?: unknown;
}

/** A delegation as a targets file declares it. */
export interface DelegationInfo {
  /** e.g. `targets/alice` */
  readonly name: string;
  readonly keys: readonly KeyInfo[];
  readonly threshold: number;
  /** Paths as declared, e.g. `[""]`. */
  readonly declaredPaths: readonly string[];
  /** Declared paths that the ancestors allow; only these can hold targets. */
  readonly paths: readonly string[];
}

/** A verified targets file (`targets` or a delegation). */
export interface VerifiedTargetsRole extends VerifiedRole {
  /** Effective paths (`[""]` for `targets`). */
  readonly paths: readonly string[];
  /** Target name → target. A null-prototype object: look names up with `Object.hasOwn`. */
  readonly targets: Readonly<Record<string, TargetInfo>>;
  /** Child delegations this file declares, in declaration order. */
  readonly delegations: readonly DelegationInfo[];
}

/** A delegation that was fetched but ignored, as notary ignores it (logged, walk continues). */
export interface RoleProblem {
  readonly role: string;
  readonly code: 'threshold-not-met' | 'expired';
  readonly message: string;
}

/** Everything verified for one GUN. */
export interface TrustData {
  /** e.g. `docker.io/library/alpine` */
  readonly gun: string;
  readonly root: VerifiedRole & { readonly consistentSnapshot: boolean };
  readonly timestamp: VerifiedRole;
  readonly snapshot: VerifiedRole;
  readonly targets: VerifiedTargetsRole;
  /** Verified delegation files, in notary's pre-order walk order. */
  readonly delegations: readonly VerifiedTargetsRole[];
  /** Delegations ignored because below threshold or expired. */
  readonly problems: readonly RoleProblem[];
  /** Declared delegations with no snapshot entry (never published, e.g. a signer who never signed). */
  readonly absent: readonly string[];
}

/** Key info for the keys a role lists, in listed order. */
export function keyInfos(ids: readonly string[], keys: ReadonlyMap<string, TufPublicKey>): KeyInfo[] {
  return ids.flatMap((id) => {
    const key = keys.get(id);
    return key ? [{ id, keytype: key.keytype, canonicalId: canonicalKeyId(key) }] : [];
  });
}

/** The common part of a verified role. */
export function verifiedRole(
  name: string,
  common: SignedCommon,
  keys: readonly KeyInfo[],
  threshold: number,
  signedBy: readonly string[],
): VerifiedRole {
  return { name, version: common.version, expires: common.expires.text, expiresAt: common.expires.epochMs, keys, threshold, signedBy };
}

/** A declared child delegation as plain data. */
export function delegationInfo(role: DelegationRole): DelegationInfo {
  return {
    name: role.spec.name,
    keys: keyInfos(role.spec.keyids, role.keys),
    threshold: role.spec.threshold,
    declaredPaths: role.spec.paths,
    paths: role.paths,
  };
}
