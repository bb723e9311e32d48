/**
 * The delegation tree: which child roles a verified targets file delegates to, with which keys and
 * which (ancestor-restricted) paths (notary `SignedTargets.GetValidDelegations`,
 * `DelegationRole.Restrict`, `RestrictDelegationPathPrefixes`, `checkPaths` in `tuf/data`).
 */
import type { TufPublicKey } from './keys';
import { certificateProblem, loadCertFromPem } from '../../../crypto/x509';
import type { DelegationSpec, Targets } from './metadata';
import { parentRole } from './roleNames';
import { TufError } from './tufErrors';

/** A delegation ready to be verified: its declaration, its keys, and its effective paths. */
export interface DelegationRole {
  readonly spec: DelegationSpec;
  /** Key ID (as filed in the parent) → key. */
  readonly keys: ReadonlyMap<string, TufPublicKey>;
  /** The declared paths that some ancestor path prefixes; only these can hold targets. */
  readonly paths: readonly string[];
}

/** notary `checkPaths`: a target name is allowed if some path is a prefix of it (`""` matches all). */
export function pathAllowed(target: string, paths: readonly string[]): boolean {
  return paths.some((p) => target.startsWith(p));
}

/** notary `RestrictDelegationPathPrefixes`: keep the child paths that some parent path prefixes. */
export function restrictPaths(parentPaths: readonly string[], childPaths: readonly string[]): string[] {
  return childPaths.filter((child) => parentPaths.some((parent) => child.startsWith(parent)));
}

/**
 * notary `GetValidDelegations`: the direct children declared in a verified targets file, in
 * declaration order, with their paths restricted by the parent's effective paths. A name declared
 * twice is taken once (notary would find the first declaration both times).
 */
export function childDelegations(parent: string, parentPaths: readonly string[], targets: Targets): DelegationRole[] {
  const seen = new Set<string>();
  const out: DelegationRole[] = [];
  for (const spec of targets.delegations.roles) {
    if (parentRole(spec.name) !== parent || seen.has(spec.name)) continue;
    seen.add(spec.name);
    const keys = new Map<string, TufPublicKey>();
    for (const id of spec.keyids) {
      const key = targets.delegations.keys.get(id);
      if (key) keys.set(id, key);
    }
    out.push({ spec, keys, paths: restrictPaths(parentPaths, spec.paths) });
  }
  return out;
}

/**
 * notary `GetDelegationRole`: delegation keys that hold certificates must pass
 * `ValidateCertificate` without the expiry check (the role's own expiry is what counts).
 */
export function checkDelegationKeyCerts(role: DelegationRole): void {
  for (const [id, key] of role.keys) {
    const cert = loadCertFromPem(key.public);
    const problem = cert ? certificateProblem(cert) : undefined;
    if (problem) {
      throw new TufError('certificate-invalid', `${role.spec.name}: certificate of key ${id} is invalid (${problem})`, {
        role: role.spec.name,
      });
    }
  }
}
