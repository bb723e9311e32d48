/**
 * The one place that talks to the trust server for writes. Every change goes through the same loop,
 * as notary's `Publish` does but safe against concurrent publishers: fetch and verify the latest
 * trust data → plan the change on it → sign → upload → on a 400 `VERSION` conflict start again from
 * fresh data (bounded), so nobody's signature is lost → after success, read back, verify, and check
 * that the change is there.
 */
import { canonicalKeyId } from '../tuf/keys';
import type { HttpClient } from '../../../net/http';
import type { Clock, Logger } from '../../../ports';
import type { RepositoryKey } from '../outcome';
import type { MetadataStore } from '../metadataStore';
import type { PublishingKeys } from './publishingKeys';
import { loadRepoState, type LoadedState } from './loadState';
import type { Plan } from './plan';
import { planInit } from './planInit';
import type { RepoState } from './repoState';
import { withRootRefresh } from './rootRefresh';
import { signPlan } from './signUploads';
import { SigningError } from './signingErrors';
import type { SigningKey } from '../keys/signingKey';
import { getServerKey, uploadMetadata } from './trustServerWrites';

/** Dependencies of the loop. */
export interface PublishLoopOptions {
  /** HTTP client for a repository's trust server, authorised for `pull,push`. */
  httpFor(key: RepositoryKey): HttpClient;
  /** Verified-metadata cache shared with the read side (its root is the pin). */
  store: MetadataStore;
  keys: PublishingKeys;
  clock: Clock;
  logger: Logger;
  /** Per-request budget, e.g. `15000`. */
  timeoutMs: number;
  /** Uploads tried before giving up on conflicts, e.g. `5`. */
  maxAttempts: number;
}

/** How one change is made. */
export interface Change<P extends Plan> {
  /** e.g. `sign v1`, for logs and errors. */
  readonly name: string;
  /** Plans on verified state with the held keys; `undefined` means there is nothing to publish. */
  plan(state: RepoState, held: ReadonlySet<string>, now: Date): P | undefined;
  /** Whether the verified state read back after publishing shows the change. */
  visible(state: RepoState, plan: P): boolean;
  /** Keys already open (created for this change). */
  readonly open?: readonly SigningKey[];
}

/** What a published change came to. */
export interface Published<P extends Plan> {
  /** The plan that was uploaded, or undefined when there was nothing to publish. */
  readonly plan: P | undefined;
  /** Roles uploaded, e.g. `['targets/releases', 'targets/alice']`. */
  readonly uploaded: readonly string[];
  /** Uploads tried (1 when nobody else published meanwhile). */
  readonly attempts: number;
  /** The verified state after publishing (or as found, when nothing was published). */
  readonly state: RepoState;
}

/** Runs changes against one trust server. */
export class PublishLoop {
  constructor(private readonly o: PublishLoopOptions) {}

  /** Fetches and verifies the latest trust data. */
  load(key: RepositoryKey, signal?: AbortSignal): Promise<LoadedState> {
    return loadRepoState(this.o, key, signal);
  }

  async #held(open: readonly SigningKey[]): Promise<Set<string>> {
    const held = new Set(await this.o.keys.listKeyIds());
    for (const key of open) held.add(canonicalKeyId(key.publicKey) ?? key.keyId);
    return held;
  }

  /** Plans, signs and uploads `change`, retrying on version conflicts; then verifies the result. */
  async publish<P extends Plan>(key: RepositoryKey, change: Change<P>, signal?: AbortSignal): Promise<Published<P>> {
    const open = change.open ?? [];
    for (let attempt = 1; attempt <= this.o.maxAttempts; attempt += 1) {
      const loaded = await this.load(key, signal);
      if (loaded.kind !== 'verified') throw new SigningError('no-trust-data', `${key.gun} has no trust data on ${key.server}`);
      const now = this.o.clock.now();
      const held = await this.#held(open);
      const planned = change.plan(loaded.state, held, now);
      if (!planned || planned.updates.length === 0) return { plan: undefined, uploaded: [], attempts: attempt - 1, state: loaded.state };
      const plan = withRootRefresh(planned, loaded.state, held, now);
      const files = await signPlan(plan, loaded.state, { keys: this.o.keys, held, open }, now);
      const roles = files.map((f) => f.role);
      this.o.logger.info(`${change.name}: publishing ${roles.join(', ')} of ${key.gun} (attempt ${attempt})`);
      const outcome = await uploadMetadata(this.o.httpFor(key), key.server, key.gun, files, { timeoutMs: this.o.timeoutMs, signal });
      if (outcome.kind === 'conflict') {
        this.o.logger.info(`${change.name}: ${key.gun} changed on the server meanwhile (${outcome.message}); refreshing and re-applying`);
        continue;
      }
      const after = await this.load(key, signal);
      if (after.kind !== 'verified' || !change.visible(after.state, plan)) {
        throw new SigningError('not-visible', `${change.name}: the published change is not in the verified trust data of ${key.gun}`);
      }
      return { plan, uploaded: roles, attempts: attempt, state: after.state };
    }
    throw new SigningError('conflict', `${change.name}: ${key.gun} kept changing on the server; gave up after ${this.o.maxAttempts} attempts`);
  }

  /**
   * Creates the repository as docker does (§6.6): root key with a certificate for the GUN, a new
   * targets key, the server's timestamp and snapshot keys, root v1 + targets v1 in one upload.
   * Returns false when someone else created it meanwhile (a version conflict).
   */
  async initialize(key: RepositoryKey, signer: { name: string; key: SigningKey } | undefined, signal?: AbortSignal): Promise<boolean> {
    const options = { timeoutMs: this.o.timeoutMs, signal };
    const http = this.o.httpFor(key);
    const timestamp = await getServerKey(http, key.server, key.gun, 'timestamp', options);
    const snapshot = await getServerKey(http, key.server, key.gun, 'snapshot', options);
    const rootKey = await this.o.keys.rootKeyFor(key.gun);
    const targetsKey = await this.o.keys.createTargetsKey(key.gun);
    const now = this.o.clock.now();
    const plan = planInit(key.gun, { root: rootKey.publicKey, targets: targetsKey.publicKey, snapshot, timestamp },
      signer ? { name: signer.name, key: signer.key.publicKey } : undefined, now);
    const open = [rootKey, targetsKey, ...(signer ? [signer.key] : [])];
    const files = await signPlan(plan, undefined, { keys: this.o.keys, held: await this.#held(open), open }, now);
    this.o.logger.info(`initialising trust data of ${key.gun} on ${key.server}`);
    let conflict: string | undefined;
    try {
      const outcome = await uploadMetadata(http, key.server, key.gun, files, options);
      conflict = outcome.kind === 'conflict' ? outcome.message : undefined;
    } catch (e) {
      // A root stored between our check and our upload makes the server refuse ours as a bad
      // rotation (INVALID_UPDATE) rather than as a version conflict, depending on timing.
      if (!SigningError.is(e, 'server-rejected') || (await this.load(key, signal)).kind !== 'verified') throw e;
      conflict = (e as Error).message;
    }
    if (conflict !== undefined) {
      this.o.logger.info(`${key.gun} was initialised by someone else meanwhile (${conflict}); using theirs`);
      return false;
    }
    return true;
  }
}
