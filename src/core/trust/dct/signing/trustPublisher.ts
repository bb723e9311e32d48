/**
 * Publishing Docker Content Trust data the way `docker trust` does: create a repository, sign and
 * revoke tags, add and remove signers. Each operation plans on freshly verified trust data, signs
 * with the held keys, uploads with notary's multipart request, survives concurrent publishers, and
 * reads the result back through the verifying read side.
 */
import type { HttpClient } from '../../../net/http';
import type { ManifestDescriptor } from '../../../net/registryClient';
import type { RepositoryKey } from '../outcome';
import { rotateBaseKey, rotateSignerKey, type KeyRotationOptions } from './keyRotation';
import type { RotatableRole } from './planRotation';
import type { StopsVerifying } from './planSignerRotation';
import { RELEASES_ROLE } from '../tuf/roleNames';
import type { TufPublicKey } from '../tuf/keys';
import { PublishLoop, type PublishLoopOptions, type Published } from './publishLoop';
import type { Plan } from './plan';
import { planRevokeTag } from './planRevoke';
import { planSignTag, tagSignedIn, type SignPlan } from './planTagSigning';
import { planAddSigner, planRemoveSigner } from './planSigners';
import { planWitness } from './planWitness';
import { parsePublicKeyPem } from './publicKeyPem';
import { parseRepository, parseTaggedRef, repositoryKeyOf } from './references';
import { canSign, directChildren, roleKeys, type RepoState } from './repoState';
import { SigningError, validateSignerName, whoCanSign } from './signingErrors';
import type { SigningKey } from '../keys/signingKey';
import { dockerTarget } from './targetsEdit';

/** Resolves a tag on its registry (`RegistryClient` implements it). */
export interface TagResolver {
  resolveTag(registry: string, repository: string, reference: string, signal?: AbortSignal): Promise<ManifestDescriptor>;
}

/** Settings of a {@link TrustPublisher}. */
export interface TrustPublisherOptions extends Omit<PublishLoopOptions, 'timeoutMs' | 'maxAttempts'> {
  /** The trust server URL for a registry, e.g. `resolveTrustServer(registry, { env }).url`. */
  trustServerFor(registry: string): string;
  /** Needed by {@link TrustPublisher.signTag} unless the target is given. */
  registry?: TagResolver;
  /** Per-request budget; default 15 s. */
  timeoutMs?: number;
  /** Uploads tried before giving up on conflicts; default 5. */
  maxAttempts?: number;
  /** HTTP client with the `*` scope, for asking the server for a new key; default `httpFor`. */
  adminHttpFor?(key: RepositoryKey): HttpClient;
}

/** What every operation reports. */
export interface PublishResult {
  /** e.g. `127.0.0.1:5000/team/app` */
  readonly gun: string;
  /** e.g. `https://127.0.0.1:4443` */
  readonly server: string;
  /** True when this operation created the repository's trust data. */
  readonly initialized: boolean;
  /** Roles uploaded by the final attempt, e.g. `['targets/releases', 'targets/alice']`. */
  readonly uploaded: readonly string[];
  /** Uploads tried (more than 1 after version conflicts with other publishers). */
  readonly attempts: number;
  /** Remarks, e.g. that a tag is not released. */
  readonly notes: readonly string[];
  /** The verified trust data read back afterwards. */
  readonly state: RepoState;
}

/** The result of {@link TrustPublisher.signTag}. */
export interface SignTagResult extends PublishResult {
  readonly tag: string;
  /** `sha256:<hex>` of what the tag pointed at when it was resolved. */
  readonly digest: string;
  /** Its size in bytes: the target `length`. */
  readonly size: number;
  /** e.g. `application/vnd.oci.image.index.v1+json`; `undefined` when the target was given. */
  readonly mediaType: string | undefined;
  /** True when the tag named a multi-platform index (or manifest list), signed as such. */
  readonly isIndex: boolean | undefined;
  /** Roles that now hold the tag, e.g. `['targets/releases', 'targets/alice']`. */
  readonly signedRoles: readonly string[];
  /** Whether docker will trust it (held by `targets` or `targets/releases`). */
  readonly released: boolean;
}

/** The result of {@link TrustPublisher.rotateKey}. */
export interface RotateKeyResult extends PublishResult {
  readonly role: RotatableRole;
  /** Canonical ID of the new key (for root: of the bare key its certificate holds). */
  readonly newKeyId: string;
  readonly serverManaged: boolean;
  /** Key IDs root listed for the role before. */
  readonly replacedKeyIds: readonly string[];
  /** Old private keys deleted from the key store, as notary deletes them. */
  readonly removedKeyIds: readonly string[];
}

/** The result of {@link TrustPublisher.rotateSigner}. */
export interface RotateSignerResult extends PublishResult {
  /** False when not published because tags would stop verifying and `force` was not set. */
  readonly rotated: boolean;
  readonly oldKeyIds: readonly string[];
  readonly newKeyId: string;
  /** Delegation files re-signed with the new key (its private key is held here). */
  readonly resigned: readonly string[];
  /** Delegation files, with their tags, that stop (or would stop) verifying until the signer signs again. */
  readonly stopsVerifying: readonly StopsVerifying[];
}

/** The result of {@link TrustPublisher.removeSigner}. */
export interface RemoveSignerResult extends PublishResult {
  /** False when not published because released tags would stop verifying and `force` was not set. */
  readonly removed: boolean;
  /** docker's check: the signer's keys carry `targets/releases` to its threshold. */
  readonly releasesBelowThreshold: boolean;
}

const SHA256_DIGEST = /^sha256:([0-9a-f]{64})$/;

/** Creates, signs and maintains trust data (see the module comment). */
export class TrustPublisher {
  readonly #loop: PublishLoop;

  constructor(private readonly o: TrustPublisherOptions) {
    this.#loop = new PublishLoop({ ...o, timeoutMs: o.timeoutMs ?? 15_000, maxAttempts: o.maxAttempts ?? 5 });
  }

  #rotation(): KeyRotationOptions {
    return { loop: this.#loop, keys: this.o.keys, logger: this.o.logger, adminHttpFor: this.o.adminHttpFor ?? this.o.httpFor, timeoutMs: this.o.timeoutMs ?? 15_000 };
  }

  #key(ref: Parameters<typeof repositoryKeyOf>[0]) {
    return repositoryKeyOf(ref, (registry) => this.o.trustServerFor(registry));
  }

  /**
   * Creates trust data for `repository` (e.g. `127.0.0.1:5000/team/app`) as docker does, with an
   * optional first signer. Publishes nothing when it already exists (`initialized: false`).
   */
  async initRepository(repository: string, options: { signer?: string; signal?: AbortSignal } = {}): Promise<PublishResult> {
    if (options.signer !== undefined) validateSignerName(options.signer);
    const key = this.#key(parseRepository(repository));
    let initialized = false;
    if ((await this.#loop.load(key, options.signal)).kind === 'no-trust-data') {
      const signer = options.signer === undefined ? undefined : { name: options.signer, key: await this.#signerKey(options.signer, true) };
      initialized = await this.#loop.initialize(key, signer, options.signal);
    }
    const loaded = await this.#loop.load(key, options.signal);
    if (loaded.kind !== 'verified') throw new SigningError('not-visible', `${key.gun} still has no trust data after initialising it`);
    return { gun: key.gun, server: key.server, initialized, uploaded: initialized ? ['root', 'targets'] : [], attempts: initialized ? 1 : 0, notes: [], state: loaded.state };
  }

  /**
   * `docker trust sign IMAGE:TAG`: resolves the tag's digest and size on the registry (an index is
   * signed as the index, like a manifest), creates the trust data if there is none (delegating to
   * `signer` as docker delegates to the login user), and adds the target to `targets/releases` and
   * the signer's own role (or to docker's signable roles when no signer is named).
   */
  async signTag(reference: string, options: { signer?: string; target?: { digest: string; size: number }; signal?: AbortSignal } = {}): Promise<SignTagResult> {
    const ref = parseTaggedRef(reference);
    if (options.signer !== undefined) validateSignerName(options.signer);
    const key = this.#key(ref);
    const descriptor = options.target ?? await this.#resolve(ref.registry, ref.path, ref.tag, options.signal);
    const hex = SHA256_DIGEST.exec(descriptor.digest)?.[1];
    if (!hex) throw new SigningError('invalid-reference', `${reference} resolves to ${descriptor.digest}; only sha256 digests can be signed`);
    const first = await this.#loop.load(key, options.signal);
    let initialized = false;
    let signerKey: SigningKey | undefined;
    if (options.signer !== undefined) {
      const delegated = first.kind === 'verified' && directChildren(first.state.targets).includes(`targets/${options.signer}`);
      if (first.kind === 'verified' && !delegated) {
        // Only the repository key can delegate to a new signer: do not create a key that cannot be used.
        const held = new Set(await this.o.keys.listKeyIds());
        if (!canSign(roleKeys('targets', first.state.root, undefined), held)) {
          throw new SigningError('no-signing-key', `signer ${options.signer} has no delegation in ${key.gun}, and the repository key needed to add one is not held`, { whoCanSign: whoCanSign(first.state.data) });
        }
      }
      signerKey = await this.#signerKey(options.signer, !delegated);
    }
    if (first.kind === 'no-trust-data') {
      initialized = await this.#loop.initialize(key, signerKey && options.signer ? { name: options.signer, key: signerKey } : undefined, options.signal);
    }
    const signer = signerKey && options.signer ? { name: options.signer, key: signerKey.publicKey } : undefined;
    const target = dockerTarget(hex, descriptor.size);
    const published = await this.#loop.publish<SignPlan>(key, {
      name: `sign ${ref.tag}`,
      plan: (state, held, now) => planSignTag(state, { tag: ref.tag, target, ...(signer ? { signer } : {}) }, held, now),
      visible: (state, plan) => tagSignedIn(state, plan.signedRoles, ref.tag, hex),
      open: signerKey ? [signerKey] : [],
    }, options.signal);
    const signedRoles = published.plan?.signedRoles ?? [];
    return {
      ...this.#result(key, published, initialized),
      tag: ref.tag,
      digest: descriptor.digest,
      size: descriptor.size,
      mediaType: 'mediaType' in descriptor ? (descriptor as ManifestDescriptor).mediaType : undefined,
      isIndex: 'isIndex' in descriptor ? (descriptor as ManifestDescriptor).isIndex : undefined,
      signedRoles,
      released: signedRoles.includes('targets') || signedRoles.includes(RELEASES_ROLE),
    };
  }

  /**
   * `docker trust signer add --key FILE NAME REPOSITORY`: delegates `targets/<name>` and
   * `targets/releases` to the key in `publicKeyPem` (PUBLIC KEY or CERTIFICATE), creating the trust
   * data first if there is none.
   */
  async addSigner(name: string, repository: string, publicKeyPem: string | Uint8Array, options: { signal?: AbortSignal } = {}): Promise<PublishResult> {
    validateSignerName(name);
    const publicKey = parsePublicKeyPem(publicKeyPem, this.o.clock.now().getTime());
    const key = this.#key(parseRepository(repository));
    let initialized = false;
    if ((await this.#loop.load(key, options.signal)).kind === 'no-trust-data') initialized = await this.#loop.initialize(key, undefined, options.signal);
    const published = await this.#loop.publish<Plan>(key, {
      name: `add signer ${name}`,
      plan: (state, held, now) => planAddSigner(state, name, [publicKey], held, now),
      visible: (state) => delegatesTo(state, `targets/${name}`, publicKey) && delegatesTo(state, RELEASES_ROLE, publicKey),
    }, options.signal);
    return this.#result(key, published, initialized);
  }

  /**
   * `notary witness REPOSITORY ROLE… --publish`: re-signs `targets` or delegations as they are (new
   * version, fresh expiry) with the held keys, e.g. before they expire, or a delegation that has.
   */
  async witness(repository: string, roles: readonly string[], options: { signal?: AbortSignal } = {}): Promise<PublishResult> {
    const key = this.#key(parseRepository(repository));
    const published = await this.#loop.publish<Plan>(key, {
      name: `re-sign ${roles.join(', ')}`,
      plan: (state, held, now) => planWitness(state, roles, held, now),
      visible: (state, plan) => plan.updates.every((u) => ((u.role === 'targets' ? state.targets : state.delegations.get(u.role))?.version ?? 0) >= u.doc.version),
    }, options.signal);
    return this.#result(key, published, false);
  }

  /**
   * `docker trust signer remove NAME REPOSITORY`: without `force`, nothing is published when the
   * signer's keys carry `targets/releases` to its threshold (docker asks first); the result says so.
   */
  async removeSigner(name: string, repository: string, options: { force?: boolean; signal?: AbortSignal } = {}): Promise<RemoveSignerResult> {
    validateSignerName(name);
    const key = this.#key(parseRepository(repository));
    const role = `targets/${name}`;
    let belowThreshold = false;
    const published = await this.#loop.publish<Plan>(key, {
      name: `remove signer ${name}`,
      plan: (state, held, now) => {
        const plan = planRemoveSigner(state, name, held, now);
        belowThreshold = plan.releasesBelowThreshold;
        if (belowThreshold) {
          this.o.logger.warn(`signer ${name} carries targets/releases of ${state.gun} to its threshold: removing it leaves released tags unverifiable` +
            (options.force ? '' : '; not removed (use force)'));
        }
        return belowThreshold && !options.force ? undefined : plan;
      },
      visible: (state) => !directChildren(state.targets).includes(role),
    }, options.signal);
    return { ...this.#result(key, published, false), removed: published.plan !== undefined, releasesBelowThreshold: belowThreshold };
  }

  /**
   * `notary key rotate REPOSITORY ROLE [-r]`: a new key for `root`, `targets` or `snapshot` (made
   * here), or for `snapshot` or `timestamp` made and held by the server (`serverManaged`). Root gets
   * a new version listing it, signed by the root key (and, for root, the new root key too); `targets`
   * is re-signed with a new targets key, a snapshot this client holds with the new snapshot key.
   */
  async rotateKey(repository: string, role: string, options: { serverManaged?: boolean; signal?: AbortSignal } = {}): Promise<RotateKeyResult> {
    const key = this.#key(parseRepository(repository));
    const rotated = await rotateBaseKey(this.#rotation(), key, role, options);
    return {
      ...this.#result(key, rotated.published, false),
      role: rotated.role,
      newKeyId: rotated.newKeyId,
      serverManaged: rotated.serverManaged,
      replacedKeyIds: rotated.replacedKeyIds,
      removedKeyIds: rotated.removedKeyIds,
    };
  }

  /**
   * Replaces the keys of signer `name` with the key in `publicKeyPem`. Its delegation files are
   * re-signed with the new key when its private key is held here; otherwise, unless `force` is set,
   * nothing is published when that would leave them unverifiable (`rotated: false`; the result says
   * which tags).
   */
  async rotateSigner(name: string, repository: string, publicKeyPem: string | Uint8Array, options: { force?: boolean; signal?: AbortSignal } = {}): Promise<RotateSignerResult> {
    validateSignerName(name);
    const publicKey = parsePublicKeyPem(publicKeyPem, this.o.clock.now().getTime());
    const key = this.#key(parseRepository(repository));
    const rotated = await rotateSignerKey(this.#rotation(), key, name, publicKey, options);
    return {
      ...this.#result(key, rotated.published, false),
      rotated: rotated.rotated,
      oldKeyIds: rotated.oldKeyIds,
      newKeyId: publicKey.id,
      resigned: rotated.resigned,
      stopsVerifying: rotated.stopsVerifying,
    };
  }

  /** `docker trust revoke IMAGE:TAG`: removes the tag from every role holding it that a held key can sign. */
  async revokeTag(reference: string, options: { signal?: AbortSignal } = {}): Promise<PublishResult & { revokedRoles: readonly string[] }> {
    const ref = parseTaggedRef(reference);
    const key = this.#key(ref);
    let revokedRoles: readonly string[] = [];
    const published = await this.#loop.publish<Plan>(key, {
      name: `revoke ${ref.tag}`,
      plan: (state, held, now) => {
        const plan = planRevokeTag(state, ref.tag, held, now);
        revokedRoles = plan.revokedRoles;
        return plan;
      },
      visible: (state) => revokedRoles.every((r) => !holdsTag(state, r, ref.tag)),
    }, options.signal);
    return { ...this.#result(key, published, false), revokedRoles };
  }

  async #resolve(registry: string, repository: string, tag: string, signal?: AbortSignal): Promise<ManifestDescriptor> {
    if (!this.o.registry) throw new SigningError('invalid-reference', `no registry client to resolve ${registry}/${repository}:${tag}`);
    return this.o.registry.resolveTag(registry, repository, tag, signal);
  }

  async #signerKey(name: string, create: boolean): Promise<SigningKey> {
    const key = await this.o.keys.signerKey(name, { create });
    if (!key) throw new SigningError('no-signing-key', `no key is held for signer ${name}`);
    return key;
  }

  #result<P extends Plan>(key: { gun: string; server: string }, published: Published<P>, initialized: boolean): PublishResult {
    return {
      gun: key.gun,
      server: key.server,
      initialized,
      uploaded: published.uploaded,
      attempts: published.attempts,
      notes: published.plan?.notes ?? [],
      state: published.state,
    };
  }
}

function delegatesTo(state: RepoState, role: string, key: TufPublicKey): boolean {
  return !!state.targets.delegations.roles?.some((r) => r.name === role && (r.keyids ?? []).includes(key.id));
}

function holdsTag(state: RepoState, role: string, tag: string): boolean {
  const verified = role === 'targets' ? state.data.targets : state.data.delegations.find((d) => d.name === role);
  return !!verified && Object.hasOwn(verified.targets, tag);
}
