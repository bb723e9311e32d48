/**
 * The trusted metadata set for one GUN: a pure state machine that takes raw bytes in the order
 * notary's client loads them (`client/tufclient.go` `update`, `tuf/builder.go`; protocol doc §4.3)
 * and keeps only what verified. No network, no filesystem: an updater fetches the files that
 * `nextRequest()` names and feeds the bytes back.
 *
 * What notary treats as fatal and what it skips:
 * - root, timestamp, snapshot, targets: every failure is fatal (notary then re-fetches root once and
 *   retries the whole update; that retry is the updater's job, with a fresh `TrustedSet`).
 * - a delegation below its signature threshold or expired is ignored (logged, recorded in
 *   `problems`), and so is its subtree; the walk continues.
 * - for a delegation, a hash/length mismatch, rollback, malformed file, a file with no signatures, a
 *   signature naming a key with other content, or an invalid key certificate is fatal.
 * - a declared delegation with no snapshot entry was never published: it is skipped (`absent`).
 * - expired metadata: notary refuses it (`ErrExpired`) for every role, including a cached one. Only
 *   a trusted (cached) root and intermediate rotation roots are accepted while expired.
 */
import { nullLogger, systemClock, type Clock, type Logger } from '../../../ports';
import type { TufPublicKey } from './keys';
import { childDelegations, checkDelegationKeyCerts, type DelegationRole } from './delegations';
import { isExpired } from './expires';
import { checkFileMeta, fileRequest, MAX_DOWNLOAD_BYTES, MAX_TIMESTAMP_BYTES, type FileRequest } from './fileChecks';
import type { Envelope, FileMeta, SignedCommon, Snapshot, Targets, Timestamp } from './metadata';
import { parseEnvelope, parseSnapshot, parseTargets, parseTimestamp } from './parseMetadata';
import { isDelegationRole } from './roleNames';
import type { RootPin } from './trustPin';
import { validateRoot, type ValidatedRoot } from './rootValidation';
import { verifySignatures, type RoleVerifier } from './signatures';
import { TufError } from './tufErrors';
import {
  delegationInfo, keyInfos, verifiedRole, type RoleProblem, type TrustData, type VerifiedRole, type VerifiedTargetsRole,
} from './verifiedData';

/** How a set is created. */
export interface TrustedSetOptions {
  /** Globally unique name, e.g. `docker.io/library/alpine`; root certificate CNs must match it. */
  readonly gun: string;
  /** Decides expiry and certificate validity; defaults to the system clock. */
  readonly clock?: Clock;
  readonly logger?: Logger;
  /**
   * Versions of previously verified (cached) metadata, for rollback protection, e.g.
   * `{ root: 2, timestamp: 41, snapshot: 12, targets: 5, 'targets/releases': 3 }`. Missing roles: 1.
   */
  readonly cachedVersions?: Readonly<Record<string, number>>;
  /**
   * notary `trust_pinning` for this GUN; absent means trust on first use. It applies to the root this
   * set trusts (the new one, or the cached one when it is loaded as is), not to the cached root or
   * rotation roots it is checked against, so a pinned key can be rotated to another pinned key.
   */
  readonly pin?: RootPin;
}

/** How to load the root. */
export interface LoadRootOptions {
  /** The cached root.json, which is the trust pin: the new root must be signed by its keys. */
  readonly trustedRoot?: Uint8Array;
  /** `<v>.root.json` files between `trustedRoot` and the new root, oldest first (key rotation chain). */
  readonly intermediateRoots?: readonly Uint8Array[];
  /** Hashes/length the new root must match (`rootMeta` of an earlier set, for `root.<sha256>.json`). */
  readonly expected?: FileMeta;
}

/** What `updateDelegation` did with a delegation file. */
export type DelegationOutcome =
  | { readonly status: 'verified'; readonly role: VerifiedTargetsRole }
  | { readonly status: 'ignored'; readonly problem: RoleProblem };

interface Loaded<T extends SignedCommon> {
  readonly body: T;
  readonly verified: VerifiedRole;
}

/** The trusted metadata set (see the module comment for the rules). */
export class TrustedSet {
  readonly #gun: string;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #cachedVersions: Readonly<Record<string, number>>;
  readonly #pin: RootPin | undefined;
  #root: ValidatedRoot | undefined;
  /** The loaded root as plain data (its key IDs take certificate parsing: computed once). */
  #rootVerified: (VerifiedRole & { consistentSnapshot: boolean }) | undefined;
  #timestamp: Loaded<Timestamp> | undefined;
  #snapshot: Loaded<Snapshot> | undefined;
  #rootMeta: FileMeta | undefined;
  #targets: VerifiedTargetsRole | undefined;
  readonly #delegations: VerifiedTargetsRole[] = [];
  readonly #seen = new Set<string>();
  #pending: DelegationRole[] = [];
  readonly #problems: RoleProblem[] = [];
  readonly #absent: string[] = [];
  #failure: unknown;

  constructor(options: TrustedSetOptions) {
    this.#gun = options.gun;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? nullLogger;
    this.#cachedVersions = options.cachedVersions ?? {};
    this.#pin = options.pin;
  }

  /**
   * Loads the root (notary `ValidateRoot` + builder `loadRoot`). Without `trustedRoot` this is trust
   * on first use. With it, the cached root is first validated as notary validates its cache (its own
   * signatures and an unexpired certificate for the GUN; metadata expiry ignored), then each
   * intermediate root must be signed by its predecessor and itself (expiry ignored), and finally the
   * new root must be signed by the last trusted root and itself, not be older than the cached
   * root, and not be expired.
   */
  loadRoot(bytes: Uint8Array, options: LoadRootOptions = {}): VerifiedRole {
    return this.#guard(() => this.#loadRoot(bytes, options));
  }

  #loadRoot(bytes: Uint8Array, options: LoadRootOptions): VerifiedRole {
    if (this.#root) throw new TufError('out-of-order', 'root has already been loaded', { role: 'root' });
    const base = { gun: this.#gun, clock: this.#clock };
    let previous: ValidatedRoot | undefined;
    if (options.trustedRoot) previous = validateRoot(options.trustedRoot, { ...base, minVersion: 1, allowExpired: true });
    for (const intermediate of options.intermediateRoots ?? []) {
      const minVersion = previous ? previous.root.version + 1 : 1;
      previous = validateRoot(intermediate, { ...base, ...(previous ? { previous } : {}), minVersion, allowExpired: true });
    }
    const minVersion = Math.max(previous?.root.version ?? 1, this.#cachedVersion('root'));
    this.#root = validateRoot(bytes, {
      ...base,
      ...(this.#pin ? { pin: this.#pin } : {}),
      ...(previous ? { previous } : {}),
      ...(options.expected ? { expected: options.expected } : {}),
      minVersion,
      allowExpired: false,
    });
    return this.#rootInfo();
  }

  /** Loads timestamp.json: signatures by root's timestamp keys → structure → version → expiry. */
  updateTimestamp(bytes: Uint8Array): VerifiedRole {
    return this.#guard(() => this.#updateTimestamp(bytes));
  }

  #updateTimestamp(bytes: Uint8Array): VerifiedRole {
    const root = this.#need(this.#root, 'root', 'timestamp');
    if (this.#timestamp) throw loadedTwice('timestamp');
    const role = this.#baseRole('timestamp');
    const { envelope, signedBy } = this.#verifyBase(bytes, role);
    const body = parseTimestamp(envelope.signed);
    this.#checkVersionAndExpiry('timestamp', body);
    this.#timestamp = { body, verified: this.#baseVerified('timestamp', body, signedBy, root) };
    return this.#timestamp.verified;
  }

  /**
   * Loads snapshot.<sha256>.json: hashes and length from the timestamp → signatures → structure →
   * version → expiry; then the loaded root must match `meta.root` (a mismatch means the root changed
   * on the server; `rootMeta` then names the new root to fetch).
   */
  updateSnapshot(bytes: Uint8Array): VerifiedRole {
    return this.#guard(() => this.#updateSnapshot(bytes));
  }

  #updateSnapshot(bytes: Uint8Array): VerifiedRole {
    const root = this.#need(this.#root, 'root', 'snapshot');
    const timestamp = this.#need(this.#timestamp, 'timestamp', 'snapshot');
    if (this.#snapshot) throw loadedTwice('snapshot');
    checkFileMeta(bytes, 'snapshot', timestamp.body.snapshot);
    const { envelope, signedBy } = this.#verifyBase(bytes, this.#baseRole('snapshot'));
    const body = parseSnapshot(envelope.signed);
    this.#checkVersionAndExpiry('snapshot', body);
    this.#rootMeta = body.meta.get('root');
    checkFileMeta(root.bytes, 'root', this.#rootMeta);
    this.#snapshot = { body, verified: this.#baseVerified('snapshot', body, signedBy, root) };
    return this.#snapshot.verified;
  }

  /** Loads targets.<sha256>.json: hashes and length from the snapshot → signatures → structure → version → expiry. */
  updateTargets(bytes: Uint8Array): VerifiedTargetsRole {
    return this.#guard(() => this.#updateTargets(bytes));
  }

  #updateTargets(bytes: Uint8Array): VerifiedTargetsRole {
    const root = this.#need(this.#root, 'root', 'targets');
    const snapshot = this.#need(this.#snapshot, 'snapshot', 'targets');
    if (this.#targets) throw loadedTwice('targets');
    checkFileMeta(bytes, 'targets', snapshot.body.meta.get('targets'));
    const { envelope, signedBy } = this.#verifyBase(bytes, this.#baseRole('targets'));
    const body = parseTargets(envelope.signed, 'targets');
    this.#checkVersionAndExpiry('targets', body);
    const verified = this.#baseVerified('targets', body, signedBy, root);
    this.#targets = this.#targetsRole(verified, [''], body);
    return this.#targets;
  }

  /**
   * Loads a delegation file named by `nextRequest()` (notary `loadDelegation`): its keys and
   * threshold come from the parent's `delegations`; hashes and length from the snapshot →
   * structure → version → signatures → expiry. Below threshold or expired → `ignored` (notary warns
   * and skips the role and its subtree); every other failure throws.
   */
  updateDelegation(name: string, bytes: Uint8Array): DelegationOutcome {
    return this.#guard(() => this.#updateDelegation(name, bytes));
  }

  #updateDelegation(name: string, bytes: Uint8Array): DelegationOutcome {
    const snapshot = this.#need(this.#snapshot, 'snapshot', name);
    this.#need(this.#targets, 'targets', name);
    const index = this.#pending.findIndex((p) => p.spec.name === name);
    if (index < 0) {
      if (this.#seen.has(name)) throw loadedTwice(name);
      throw new TufError('unknown-role', `${name} is not a delegation awaiting download`, { role: name });
    }
    const [role] = this.#pending.splice(index, 1) as [DelegationRole];
    this.#seen.add(name);
    checkDelegationKeyCerts(role);
    checkFileMeta(bytes, name, snapshot.body.meta.get(name));
    const envelope = parseEnvelope(bytes, name);
    const body = parseTargets(envelope.signed, name);
    this.#checkVersion(name, body);
    let signedBy: readonly string[];
    try {
      signedBy = verifySignatures(envelope, { name, keys: role.keys, threshold: role.spec.threshold }).signedBy;
    } catch (e) {
      if (TufError.isTuf(e, 'threshold-not-met')) return this.#ignore(name, 'threshold-not-met', e.message);
      throw e;
    }
    if (isExpired(body.expires, this.#clock)) return this.#ignore(name, 'expired', `${name} expired at ${body.expires.text}`);
    const verified = verifiedRole(name, body, keyInfos(role.spec.keyids, role.keys), role.spec.threshold, signedBy);
    const targetsRole = this.#targetsRole(verified, role.paths, body);
    this.#delegations.push(targetsRole);
    return { status: 'verified', role: targetsRole };
  }

  /** Feeds the bytes for a request from `nextRequest()` to the right method. */
  update(role: string, bytes: Uint8Array): void {
    if (role === 'root') this.loadRoot(bytes);
    else if (role === 'timestamp') this.updateTimestamp(bytes);
    else if (role === 'snapshot') this.updateSnapshot(bytes);
    else if (role === 'targets') this.updateTargets(bytes);
    else if (isDelegationRole(role)) this.updateDelegation(role, bytes);
    else throw new TufError('unknown-role', `${role} is not a TUF role`, { role });
  }

  /**
   * The next file to download, or `undefined` when the walk is complete: `root.json` (if no root
   * is loaded), `timestamp.json` (1 MiB cap), `snapshot.<sha256>.json`, `targets.<sha256>.json`, then
   * each delegation with a snapshot entry in pre-order, e.g. `targets/releases.<sha256>.json`, with
   * `maxBytes` = the expected length.
   */
  nextRequest(): FileRequest | undefined {
    if (!this.#root) return fileRequest('root', undefined, MAX_DOWNLOAD_BYTES);
    if (!this.#timestamp) return fileRequest('timestamp', undefined, MAX_TIMESTAMP_BYTES);
    if (!this.#snapshot) return fileRequest('snapshot', this.#timestamp.body.snapshot, MAX_DOWNLOAD_BYTES);
    if (!this.#targets) return fileRequest('targets', this.#snapshot.body.meta.get('targets'), MAX_DOWNLOAD_BYTES);
    for (;;) {
      const next = this.#pending[0];
      if (!next) return undefined;
      const meta = this.#snapshot.body.meta.get(next.spec.name);
      // notary ConsistentInfo.ChecksumKnown: no hashes and no length means never published.
      if (meta && (meta.hashes.size > 0 || meta.length !== 0)) return fileRequest(next.spec.name, meta, MAX_DOWNLOAD_BYTES);
      this.#pending.shift();
      this.#absent.push(next.spec.name);
    }
  }

  /**
   * The root entry of the last snapshot that passed its signature, version and expiry checks (notary
   * `nextRootChecksum`). After a root `hash-mismatch`, fetch `root.<sha256>.json` with it and pass it
   * as `expected` to a new set's `loadRoot`.
   */
  get rootMeta(): FileMeta | undefined {
    return this.#rootMeta;
  }

  /** The verified result. Throws `out-of-order` until `nextRequest()` returns `undefined`. */
  result(): TrustData {
    if (this.#failure !== undefined) {
      throw new TufError('out-of-order', 'an earlier verification failed; there is no trusted result', { cause: this.#failure });
    }
    if (this.nextRequest() !== undefined || !this.#timestamp || !this.#snapshot || !this.#targets) {
      throw new TufError('out-of-order', 'trust data is incomplete: more metadata must be loaded first');
    }
    return {
      gun: this.#gun,
      root: this.#rootInfo(),
      timestamp: this.#timestamp.verified,
      snapshot: this.#snapshot.verified,
      targets: this.#targets,
      delegations: [...this.#delegations],
      problems: [...this.#problems],
      absent: [...this.#absent],
    };
  }

  #rootInfo(): VerifiedRole & { consistentSnapshot: boolean } {
    if (this.#rootVerified) return this.#rootVerified;
    const root = this.#need(this.#root, 'root', 'root');
    const role = root.root.roles.get('root');
    const info = verifiedRole('root', root.root, keyInfos(role?.keyids ?? [], root.root.keys), role?.threshold ?? 1, root.signedBy);
    this.#rootVerified = { ...info, consistentSnapshot: root.root.consistentSnapshot };
    return this.#rootVerified;
  }

  /** notary `BuildBaseRole`: the keys root lists for a base role, filed under their listed IDs. */
  #baseRole(name: 'timestamp' | 'snapshot' | 'targets'): RoleVerifier {
    const root = this.#need(this.#root, 'root', name).root;
    const spec = root.roles.get(name);
    const keys = new Map<string, TufPublicKey>();
    for (const id of spec?.keyids ?? []) {
      const key = root.keys.get(id);
      if (key) keys.set(id, key);
    }
    return { name, keys, threshold: spec?.threshold ?? 1 };
  }

  #baseVerified(name: 'timestamp' | 'snapshot' | 'targets', body: SignedCommon, signedBy: readonly string[], root: ValidatedRoot): VerifiedRole {
    const spec = root.root.roles.get(name);
    return verifiedRole(name, body, keyInfos(spec?.keyids ?? [], root.root.keys), spec?.threshold ?? 1, signedBy);
  }

  #verifyBase(bytes: Uint8Array, role: RoleVerifier): { envelope: Envelope; signedBy: readonly string[] } {
    const envelope = parseEnvelope(bytes, role.name);
    return { envelope, signedBy: verifySignatures(envelope, role).signedBy };
  }

  #targetsRole(verified: VerifiedRole, paths: readonly string[], body: Targets): VerifiedTargetsRole {
    const children = childDelegations(verified.name, paths, body);
    // Pre-order, as notary's downloadTargets: a file's children go before its later siblings.
    this.#pending = [...children, ...this.#pending];
    return { ...verified, paths, targets: body.targets, delegations: children.map(delegationInfo) };
  }

  #ignore(role: string, code: RoleProblem['code'], message: string): DelegationOutcome {
    const problem: RoleProblem = { role, code, message };
    this.#problems.push(problem);
    this.#logger.warn(`Ignoring delegation ${role}: ${message}`);
    return { status: 'ignored', problem };
  }

  /** Any failure is final, as in notary: a set that failed once refuses further input and output. */
  #guard<T>(step: () => T): T {
    if (this.#failure !== undefined) {
      throw new TufError('out-of-order', 'an earlier verification failed; start again with a new TrustedSet', { cause: this.#failure });
    }
    try {
      return step();
    } catch (e) {
      this.#failure = e;
      throw e;
    }
  }

  #cachedVersion(role: string): number {
    return Object.hasOwn(this.#cachedVersions, role) ? (this.#cachedVersions[role] as number) : 1;
  }

  /** notary `VerifyVersion`: not lower than the cached version. */
  #checkVersion(role: string, body: SignedCommon): void {
    const min = this.#cachedVersion(role);
    if (body.version < min) {
      throw new TufError('rollback', `${role} version ${body.version} is lower than current version ${min}`, { role });
    }
  }

  /** Version, then expiry: notary checks expiry last, so every other failure is reported first. */
  #checkVersionAndExpiry(role: string, body: SignedCommon): void {
    this.#checkVersion(role, body);
    if (isExpired(body.expires, this.#clock)) throw new TufError('expired', `${role} expired at ${body.expires.text}`, { role });
  }

  #need<T>(value: T | undefined, what: string, forRole: string): T {
    if (value === undefined) throw new TufError('out-of-order', `${what} must be loaded before ${forRole}`, { role: forRole });
    return value;
  }
}

function loadedTwice(role: string): TufError {
  return new TufError('out-of-order', `${role} has already been loaded`, { role });
}
