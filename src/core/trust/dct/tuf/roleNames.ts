/** Role names as notary validates them (`tuf/data/roles.go`; protocol doc §1.1). */
import type { BaseRoleName } from './metadata';

/** The four base roles, in notary's `BaseRoles` order. */
export const BASE_ROLES: readonly BaseRoleName[] = ['root', 'targets', 'snapshot', 'timestamp'];

/** The delegation docker treats as "released" alongside `targets` (protocol doc §6.4). */
export const RELEASES_ROLE = 'targets/releases';

/** Whether `name` is one of the four base roles. */
export function isBaseRole(name: string): name is BaseRoleName {
  return (BASE_ROLES as readonly string[]).includes(name);
}

/**
 * notary `IsDelegation`: starts with `targets/`, only `[-a-z0-9_/]`, shorter than 256 characters,
 * and unchanged by `path.Clean` (given that alphabet: no `//` and no trailing `/`).
 */
export function isDelegationRole(name: string): boolean {
  return (
    name.startsWith('targets/') &&
    /^[-a-z0-9_/]+$/.test(name) &&
    name.length < 256 &&
    !name.includes('//') &&
    !name.endsWith('/')
  );
}

/** `path.Dir` of a delegation name, e.g. `targets/a/b` → `targets/a`, `targets/releases` → `targets`. */
export function parentRole(name: string): string {
  const i = name.lastIndexOf('/');
  return i < 0 ? '.' : name.slice(0, i);
}

/** Docker's signer name for a delegation: `targets/alice` → `alice`. */
export function signerName(role: string): string {
  return role.startsWith('targets/') ? role.slice('targets/'.length) : role;
}
