import { TrustLensError } from '../errors';
import type { ImageOccurrence, ScanResult } from '../model/occurrence';
import { effectivePolicy, type Policy } from '../policy/policy';
import type { Clock, Logger } from '../ports';
import type { CheckResult } from './checkResult';
import { evaluateReference } from './dct/evaluate';
import type { RepositoryKey, RepositoryOutcome } from './dct/outcome';
import { FailureBackoff } from './failureBackoff';
import { fileErrorResult, skippedResult, withVariableEmpty } from './scanFindings';
import { Semaphore } from './semaphore';
import { resolveTrustServer } from './dct/trustServer';
import { withVerdict } from './verdict';

const DAY_MS = 86_400_000;

/**
 * A trust backend: how one signing system finds and verifies a repository's trust data. Docker Content
 * Trust (Notary v1) is the one implemented; others plug in beside it.
 */
export interface TrustBackend {
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

/** Settings of a {@link TrustService}. */
export interface TrustServiceOptions {
  backend: TrustBackend;
  clock: Clock;
  logger: Logger;
  /** `DOCKER_CONTENT_TRUST_SERVER` and friends. */
  env: Readonly<Record<string, string | undefined>>;
  /** Most repositories fetched at once, e.g. `8`. */
  concurrency?: number;
}

/** Options of one check. */
export interface CheckOptions {
  policy: Policy;
  signal?: AbortSignal;
  /** Ignore the TTL and ask the server. */
  force?: boolean;
}

/**
 * Checks references against trust data: each repository is updated once however many references
 * name it (concurrent requests for the same repository share one update), different repositories are
 * fetched in parallel up to a bound, and every reference gets a verdict.
 */
export class TrustService {
  readonly #inFlight = new Map<string, Promise<RepositoryOutcome>>();
  readonly #semaphore: Semaphore;
  /** Repositories whose trust server could not be asked: not asked again for a while (see FailureBackoff). */
  readonly #unverifiable: FailureBackoff<RepositoryOutcome>;

  constructor(private readonly o: TrustServiceOptions) {
    this.#semaphore = new Semaphore(o.concurrency ?? 8);
    this.#unverifiable = new FailureBackoff(o.clock);
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

  /** Verdicts for everything a scan found, skipped values included, in scan order. */
  async check(scan: ScanResult, options: CheckOptions): Promise<CheckResult[]> {
    const references = scan.references.map((occurrence) => {
      const policy = effectivePolicy(options.policy, occurrence.ref.repository);
      return { occurrence, policy, key: policy.ignored ? undefined : this.repositoryKey(occurrence, options.policy) };
    });
    // One abort listener for the whole batch: one per reference would pass Node's limit of ten per signal.
    const updates = references.map((r) => (r.key ? this.repository(r.key, { force: options.force, policy: options.policy }) : undefined));
    const outcomes = await untilAborted(Promise.all(updates), options.signal);
    throwIfAborted(options.signal);
    const now = this.o.clock.now();
    const results = await Promise.all(references.map(async (r, i): Promise<CheckResult> => {
      const outcome = outcomes[i];
      if (!r.key || !outcome) {
        return withVerdict({ target: { kind: 'reference', occurrence: r.occurrence }, status: 'skipped', signedDigest: null, role: null, signers: [], expires: null, findings: [] });
      }
      let snapshotServerManaged: boolean | undefined;
      if (outcome.kind === 'verified' && outcome.data.snapshot.expiresAt - now.getTime() < r.policy.expiryWarningDays * DAY_MS) {
        snapshotServerManaged = await untilAborted(this.o.backend.snapshotServerManaged(r.key, outcome), options.signal);
      }
      const result = evaluateReference(r.occurrence, outcome, { policy: r.policy, now, server: r.key.server, snapshotServerManaged });
      return withVerdict(withVariableEmpty(result, r.occurrence, r.policy.severity));
    }));
    const skipped = scan.skipped.map((s) => withVerdict(skippedResult(s, options.policy)));
    const files = scan.errors.map((e) => withVerdict(fileErrorResult(e, options.policy)));
    return [...results, ...skipped, ...files];
  }
}


function abortError(): TrustLensError<'aborted'> {
  return new TrustLensError('aborted', 'the check was cancelled');
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}

/** Resolves with `promise`, or rejects with an `aborted` error as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
