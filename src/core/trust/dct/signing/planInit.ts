/**
 * Initialising a repository as docker does (protocol doc §6.6; notary `client/client.go`
 * `initialize` + `initializeRoles`, `tuf.go` `InitRoot`, `InitTargets`): root v1 lists the root
 * certificate key, the targets key and the server-held snapshot and timestamp keys, every threshold
 * 1 and `consistent_snapshot` false; targets v1 is empty, or delegates to a first signer the way
 * `docker trust sign` does on a new repository (`targets/<signer>` then `targets/releases`, paths
 * `[""]`). No snapshot is uploaded: the server signs it.
 */
import type { TufPublicKey } from '../tuf/keys';
import { expiresFor } from './expiry';
import type { RootDoc, TargetsDoc } from './goShapes';
import type { Plan } from './plan';
import { RELEASES_ROLE } from '../tuf/roleNames';
import { bumped, emptyTargets, keyDocOf, withDelegationKeys } from './targetsEdit';

/** The public keys of a new repository. */
export interface InitKeys {
  /** The root key as root.json lists it: `ecdsa-x509`, a certificate with CN = GUN. */
  readonly root: TufPublicKey;
  readonly targets: TufPublicKey;
  /** From `GET …/snapshot.key` (docker always makes the snapshot server-managed). */
  readonly snapshot: TufPublicKey;
  /** From `GET …/timestamp.key`. */
  readonly timestamp: TufPublicKey;
}

/** A first signer delegated at creation, e.g. `{ name: 'alice', key }`. */
export interface FirstSigner {
  readonly name: string;
  readonly key: TufPublicKey;
}

/** root.json v1 for `keys` (notary `InitRoot` then `SignRoot`). */
export function initialRoot(keys: InitKeys, now: Date): RootDoc {
  const roles = { root: keys.root, targets: keys.targets, snapshot: keys.snapshot, timestamp: keys.timestamp };
  return {
    _type: 'Root',
    consistent_snapshot: false,
    expires: expiresFor('root', now),
    keys: Object.fromEntries(Object.values(roles).map((k) => [k.id, keyDocOf(k)])),
    roles: Object.fromEntries(Object.entries(roles).map(([role, k]) => [role, { keyids: [k.id], threshold: 1 }])),
    version: 1,
  };
}

/** The plan that creates `gun`: root v1 and targets v1 (with the first signer's delegations, if any). */
export function planInit(gun: string, keys: InitKeys, signer: FirstSigner | undefined, now: Date): Plan {
  const root = initialRoot(keys, now);
  let targets: TargetsDoc = emptyTargets(now);
  if (signer) {
    targets = withDelegationKeys(targets, `targets/${signer.name}`, [signer.key], ['']);
    targets = withDelegationKeys(targets, RELEASES_ROLE, [signer.key], ['']);
  }
  targets = bumped(targets, 'targets', now);
  return {
    gun,
    root,
    targets,
    updates: [{ role: 'root', doc: root }, { role: 'targets', doc: targets }],
    deletedRoles: [],
    notes: [],
  };
}
