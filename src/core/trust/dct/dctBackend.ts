/**
 * Docker Content Trust as a {@link TrustBackend}: each repository is updated once however many
 * references name it (concurrent requests for the same repository share one update), different
 * repositories are fetched in parallel up to a bound, an unreachable trust server is held back for a
 * while, and every reference gets DCT's verdict.
 */
import type { ImageOccurrence, ScanResult } from '../../model/occurrence';
import { DAY_MS } from '../../model/time';
import type { Policy } from '../../policy/policy';
import type { Clock, Logger } from '../../ports';
import { untilAborted } from '../abort';
import type { BackendCheckOptions, BackendReference, DetailsOptions, TrustBackend } from '../backend';
import type { CheckResult, SignatureResult } from '../checkResult';
import { FailureBackoff } from '../failureBackoff';
import { Semaphore } from '../semaphore';
import type { TrustDetails } from '../trustDetails';
import { checkScan, type CheckOptions } from '../trustService';
import { dctDetails } from './dctDetails';
import { dctSignature } from './dctSignature';
import { evaluateReference } from './evaluate';
import type { RepositoryKey, RepositoryOutcome } from './outcome';
import { resolveTrustServer } from './trustServer';

/** How one repository's trust data is found and verified (the updater, or a fake in tests). */
export interface RepositoryUpdater {
  /** e.g. `dct` */
  readonly id: string;
  /** Brings a repository's verified trust data up to date (or answers from the cache within the TTL). */
  update(key: RepositoryKey, options: UpdateOptions): Promise<RepositoryOutcome>;
  /** Whether the server re-signs the snapshot itself; asked only when the snapshot nears expiry. */
  snapshotServerManaged(key: RepositoryKey, outcome: RepositoryOutcome, signal?: AbortSignal): Promise<boolean | undefined>;
}

/** Options of one repository update. */
export interface UpdateOptions {
  signal?: AbortSignal;
  /** Ignore the TTL and ask the server. */
  force?: boolean;
  /** The policy's root pins (`trustPinning` of `.trustlens.yaml`). */
  trustPinning?: Policy['trustPinning'];
}

/** Settings of a {@link DctTrustBackend}. */
export interface DctTrustBackendOptions {
  backend: RepositoryUpdater;
  clock: Clock;
  logger: Logger;
  /** `DOCKER_CONTENT_TRUST_SERVER` and friends. */
  env: Readonly<Record<string, string | undefined>>;
  /** Most repositories fetched at once, e.g. `8`. */
  concurrency?: number;
}

export class DctTrustBackend implements TrustBackend {
  readonly scheme = 'dct';
  readonly #inFlight = new Map<string, Promise<RepositoryOutcome>>();
  readonly #semaphore: Semaphore;
  /** Repositories whose trust server could not be asked: not asked again for a while (see FailureBackoff). */
  readonly #unverifiable: FailureBackoff<RepositoryOutcome>;

  constructor(private readonly o: DctTrustBackendOptions) {
    this.#semaphore = new Semaphore(o.concurrency ?? 8);
    this.#unverifiable = new FailureBackoff(o.clock);
  }

  appliesTo(): boolean {
    return true;
  }

  /** The trust server and GUN of a reference, under a policy. Throws `invalid-config` for a bad URL. */
  repositoryKey(occurrence: ImageOccurrence, policy: Policy): RepositoryKey {
    const server = resolveTrustServer(occurrence.ref.registry, { env: this.o.env, map: policy.trustServers });
    return { server: server.url, gun: occurrence.ref.repository, registry: occurrence.ref.registry };
  }

  /**
   * Updates one repository, sharing an update already under way for it. The shared update is bounded by
   * its own per-request timeouts, not by any one caller's signal: a caller that is cancelled stops
   * waiting (its promise rejects with an `aborted` error) without cancelling the update for others.
   */
  repository(key: RepositoryKey, options: { signal?: AbortSignal; force?: boolean; policy?: Policy } = {}): Promise<RepositoryOutcome> {
    const id = `${key.server}\n${key.gun}`;
    // An unreachable server is asked again only once its wait is over, or when the user refreshes.
    if (options.force) this.#unverifiable.reset(id);
    const held = this.#unverifiable.current(id);
    if (held) return untilAborted(Promise.resolve(held), options.signal);
    const trustPinning = options.policy?.trustPinning;
    // Updates under different pins are different questions: they are not shared.
    const flight = trustPinning ? `${id}\n${JSON.stringify(trustPinning)}` : id;
    let pending = this.#inFlight.get(flight);
    if (!pending) {
      pending = this.#semaphore.run(() => this.o.backend.update(key, { force: options.force, ...(trustPinning ? { trustPinning } : {}) })).then((outcome) => {
        if (outcome.kind === 'unverifiable') {
          const { retryAt } = this.#unverifiable.failed(id, outcome);
          this.o.logger.info(`${key.gun}: trust server ${key.server} could not be asked (${outcome.message}); not asked again before ${retryAt.toISOString()} unless refreshed`);
        } else {
          this.#unverifiable.succeeded(id);
        }
        return outcome;
      }).finally(() => this.#inFlight.delete(flight));
      this.#inFlight.set(flight, pending);
    }
    return untilAborted(pending, options.signal);
  }

  /** Resolves once no repository update is under way (cancelled callers' shared updates included). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight.values()]);
  }

  async checkReferences(references: readonly BackendReference[], options: BackendCheckOptions): Promise<SignatureResult[]> {
    const keys = references.map((r) => this.repositoryKey(r.occurrence, options.policy));
    // One abort listener for the whole batch: one per reference would pass Node's limit of ten per signal.
    const outcomes = await untilAborted(Promise.all(keys.map((key) => this.repository(key, { force: options.force, policy: options.policy }))), options.signal);
    const now = this.o.clock.now();
    return Promise.all(references.map(async (r, i) => {
      const key = keys[i]!;
      const outcome = outcomes[i]!;
      let snapshotServerManaged: boolean | undefined;
      if (outcome.kind === 'verified' && outcome.data.snapshot.expiresAt - now.getTime() < r.policy.expiryWarningDays * DAY_MS) {
        snapshotServerManaged = await untilAborted(this.o.backend.snapshotServerManaged(key, outcome), options.signal);
      }
      return dctSignature(evaluateReference(r.occurrence, outcome, { policy: r.policy, now, server: key.server, snapshotServerManaged }), outcome, snapshotServerManaged);
    }));
  }

  async details(key: RepositoryKey, options: DetailsOptions & { readonly result?: CheckResult }): Promise<TrustDetails> {
    const outcome = await this.repository(key, { signal: options.signal, force: options.force, ...(options.policy ? { policy: options.policy } : {}) });
    return dctDetails(key, outcome, options);
  }

  /** Verdicts for everything a scan found with this backend alone, skipped values included, in scan order. */
  check(scan: ScanResult, options: CheckOptions): Promise<CheckResult[]> {
    return checkScan(scan, options, [this], this.o.clock);
  }
}
