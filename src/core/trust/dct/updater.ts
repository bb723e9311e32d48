import { describeError } from '../../errors';
import type { HttpClient } from '../../net/http';
import { isNetError } from '../../net/netError';
import type { Clock, Logger } from '../../ports';
import { checkFileMeta, MAX_DOWNLOAD_BYTES } from './tuf/fileChecks';
import { validateRoot } from './tuf/rootValidation';
import { TrustedSet, type LoadRootOptions } from './tuf/trustedSet';
import type { RootPin } from './tuf/trustPin';
import { TufError } from './tuf/tufErrors';
import type { TrustData } from './tuf/verifiedData';
import type { MetadataStore } from './metadataStore';
import { outcomeOfError, type RepositoryKey, type RepositoryOutcome } from './outcome';
import { fetchTrustFile } from './trustFiles';
import { snapshotKeyHeldByServer } from './serverKeys';
import { rootPinFor } from './trustPinning';
import type { RepositoryUpdater, UpdateOptions } from './dctBackend';

/** What the store keeps per repository besides the metadata files. */
interface StoredState {
  /** ISO time of the last verification against the server. */
  verifiedAt: string;
  /** ISO time the root was first pinned. */
  pinnedAt?: string;
  /** Versions of the last verified metadata, for rollback protection. */
  versions: Record<string, number>;
  /**
   * The last update found the repository's trust data invalid or expired. The cached files then no
   * longer count as fresh: within the TTL a check reports this failure again (under the same pin),
   * after it asks the server, until a verification succeeds.
   */
  failure?: { at: string; pin: string; outcome: FailedOutcome };
}

type FailedOutcome = Extract<RepositoryOutcome, { kind: 'invalid' | 'expired' }>;

/** Dependencies and settings of a {@link DctUpdater}. */
export interface DctUpdaterOptions {
  /** An HTTP client that answers auth challenges with the registry's credentials. */
  httpFor(key: RepositoryKey): HttpClient;
  store: MetadataStore;
  clock: Clock;
  logger: Logger;
  /** A re-check within this many ms of the last verification makes no request, e.g. `300000`. */
  ttlMs: number;
  /** Time budget per request, e.g. `15000`. */
  timeoutMs: number;
}

interface Attempt {
  data: TrustData;
  files: Map<string, Uint8Array>;
}

/**
 * Brings one repository's trust data up to date the way notary's client does (protocol doc §4): the
 * cached root is the pin; timestamp → snapshot → targets → delegations, reusing cached files whose
 * hashes the newer metadata vouches for; on a verification failure, the newest root is fetched (with
 * the `<v>.root.json` rotation chain if needed) and the update runs once more. Within the TTL the
 * cached files are re-verified against the clock and no request is made.
 */
export class DctUpdater implements RepositoryUpdater {
  readonly id = 'dct';
  readonly #serverManaged = new Map<string, Promise<boolean | undefined>>();

  constructor(private readonly o: DctUpdaterOptions) {}

  /** Asks the server once per repository and snapshot key whether it holds the snapshot key. */
  snapshotServerManaged(key: RepositoryKey, outcome: RepositoryOutcome, signal?: AbortSignal): Promise<boolean | undefined> {
    if (outcome.kind !== 'verified') return Promise.resolve(undefined);
    const id = `${key.server}\n${key.gun}\n${outcome.data.snapshot.keys.map((k) => k.id).join(',')}`;
    let answer = this.#serverManaged.get(id);
    if (!answer) {
      answer = snapshotKeyHeldByServer(this.o.httpFor(key), key, outcome.data, { timeoutMs: this.o.timeoutMs, signal });
      this.#serverManaged.set(id, answer);
    }
    return answer;
  }

  async update(key: RepositoryKey, options: UpdateOptions = {}): Promise<RepositoryOutcome> {
    const { store, clock } = this.o;
    let pin: RootPin | undefined;
    try {
      pin = await rootPinFor(options.trustPinning, key.gun, clock.now().getTime());
    } catch (e) {
      return outcomeOfError(e, false);
    }
    let state: StoredState | undefined;
    let cachedRoot: Uint8Array | undefined;
    try {
      state = await store.readState<StoredState>(key.server, key.gun);
      cachedRoot = await store.read(key.server, key.gun, 'root');
    } catch (e) {
      this.o.logger.warn(`ignoring the trust cache for ${key.gun}: ${describeError(e)}`);
    }
    const fresh = (at: string) => {
      const age = clock.now().getTime() - Date.parse(at);
      return age >= 0 && age < this.o.ttlMs;
    };
    const pinId = pinIdentity(pin);
    if (!options.force && state?.failure && state.failure.pin === pinId && fresh(state.failure.at)) return state.failure.outcome;
    if (!options.force && state && !state.failure && cachedRoot && fresh(state.verifiedAt)) {
      const data = await this.#fromCache(key, cachedRoot, pin);
      if (data) return { kind: 'verified', data, firstUse: false, pinnedAt: state.pinnedAt, verifiedAt: state.verifiedAt, requests: 0, ...pinnedBy(pin) };
    }
    const outcome = await this.#fromServer(key, cachedRoot, state, pin, options.signal);
    if (state && (outcome.kind === 'invalid' || outcome.kind === 'expired')) await this.#recordFailure(key, state, pinId, outcome);
    return outcome;
  }

  /**
   * A detected failure must not be hidden by the cache: the cached files stop counting as fresh (the
   * pinned root and the versions seen stay, for rollback protection) until a verification succeeds,
   * and within the TTL the failure is what a check reports.
   */
  async #recordFailure(key: RepositoryKey, state: StoredState, pin: string, outcome: FailedOutcome): Promise<void> {
    try {
      await this.o.store.writeState(key.server, key.gun, { ...state, failure: { at: this.o.clock.now().toISOString(), pin, outcome } });
    } catch (e) {
      this.o.logger.warn(`could not record the failed verification of ${key.gun} in the trust cache: ${describeError(e)}`);
    }
  }

  /** Re-verifies the cached files; undefined when anything is missing or no longer verifies. */
  async #fromCache(key: RepositoryKey, cachedRoot: Uint8Array, pin: RootPin | undefined): Promise<TrustData | undefined> {
    try {
      const set = new TrustedSet({ gun: key.gun, clock: this.o.clock, logger: this.o.logger, ...(pin ? { pin } : {}) });
      set.loadRoot(cachedRoot, { trustedRoot: cachedRoot });
      for (let request = set.nextRequest(); request; request = set.nextRequest()) {
        const bytes = await this.o.store.read(key.server, key.gun, request.role);
        if (!bytes) return undefined;
        set.update(request.role, bytes);
      }
      return set.result();
    } catch {
      // The server decides: a stale or expired cache is refreshed, not reported.
      return undefined;
    }
  }

  async #fromServer(key: RepositoryKey, cachedRoot: Uint8Array | undefined, state: StoredState | undefined, pin: RootPin | undefined, signal?: AbortSignal): Promise<RepositoryOutcome> {
    const http = this.o.httpFor(key);
    let requests = 0;
    const get = (path: string, maxBytes: number): Promise<Uint8Array> => {
      requests += 1;
      return fetchTrustFile(http, key.server, key.gun, path, { maxBytes, timeoutMs: this.o.timeoutMs, signal });
    };
    const attempt = async (root: Uint8Array, rootOptions: LoadRootOptions): Promise<Attempt> => {
      const set = new TrustedSet({ gun: key.gun, clock: this.o.clock, logger: this.o.logger, cachedVersions: state?.versions ?? {}, ...(pin ? { pin } : {}) });
      set.loadRoot(root, rootOptions);
      const files = new Map<string, Uint8Array>([['root', root]]);
      for (let request = set.nextRequest(); request; request = set.nextRequest()) {
        let bytes = request.role === 'timestamp' || request.role === 'root' ? undefined : await this.#cachedMatching(key, request.role, request);
        bytes ??= await get(request.path, request.maxBytes);
        set.update(request.role, bytes);
        files.set(request.role, bytes);
      }
      return { data: set.result(), files };
    };

    /** Only a 404 on the first root.json of a repository means it has no trust data. */
    let fetchingRoot = !cachedRoot;
    try {
      let result: Attempt;
      if (cachedRoot) {
        try {
          result = await attempt(cachedRoot, { trustedRoot: cachedRoot });
        } catch (e) {
          if (!TufError.isTuf(e)) throw e;
          // notary `Update`: on any verification failure, update the root and try once more.
          this.o.logger.info(`refreshing the root of ${key.gun} after: ${e.message}`);
          // A 404 here is not "no trust data": the pinned root proves the repository had some.
          let newest: Uint8Array;
          try {
            newest = await get('root.json', MAX_DOWNLOAD_BYTES);
          } catch (refreshError) {
            // A server that fails the refresh must not turn evidence of tampering into "unverifiable".
            if (isNetError(refreshError, 'aborted') || !isNetError(refreshError)) throw refreshError;
            this.o.logger.warn(`could not refresh the root of ${key.gun}: ${refreshError.message}`);
            throw e;
          }
          result = await this.#withRotation(key, cachedRoot, newest, get, attempt);
        }
      } else {
        const root = await get('root.json', MAX_DOWNLOAD_BYTES);
        fetchingRoot = false;
        result = await attempt(root, {});
      }
      const now = this.o.clock.now().toISOString();
      const pinnedAt = cachedRoot ? state?.pinnedAt : now;
      await this.#persist(key, result, { verifiedAt: now, pinnedAt, versions: versionsOf(result.data) });
      return { kind: 'verified', data: result.data, firstUse: !cachedRoot, pinnedAt, verifiedAt: now, requests, ...pinnedBy(pin) };
    } catch (e) {
      if (isNetError(e, 'aborted')) throw e;
      return outcomeOfError(e, fetchingRoot);
    }
  }

  /** Loads the newest root against the pinned one, walking the `<v>.root.json` chain when needed. */
  async #withRotation(
    key: RepositoryKey,
    pinned: Uint8Array,
    newest: Uint8Array,
    get: (path: string, maxBytes: number) => Promise<Uint8Array>,
    attempt: (root: Uint8Array, options: LoadRootOptions) => Promise<Attempt>,
  ): Promise<Attempt> {
    try {
      return await attempt(newest, { trustedRoot: pinned });
    } catch (e) {
      if (!TufError.isTuf(e, 'root-rotation-invalid')) throw e;
      const from = rootVersion(pinned);
      const to = rootVersion(newest);
      if (from === undefined || to === undefined || to - from <= 1 || to - from > 100) throw e;
      this.o.logger.info(`walking the root rotation chain of ${key.gun} from version ${from} to ${to}`);
      // notary checks each <v>.root.json against its predecessor as soon as it has it, so a bad one
      // ends the walk; fetching every claimed version first would let a server make us hold up to
      // 99 files of 100 MiB each.
      const check = { gun: key.gun, clock: this.o.clock };
      let previous = validateRoot(pinned, { ...check, minVersion: 1, allowExpired: true });
      const chain: Uint8Array[] = [];
      for (let v = from + 1; v < to; v += 1) {
        const bytes = await get(`${v}.root.json`, MAX_DOWNLOAD_BYTES);
        previous = validateRoot(bytes, { ...check, previous, minVersion: previous.root.version + 1, allowExpired: true });
        chain.push(bytes);
      }
      return attempt(newest, { trustedRoot: pinned, intermediateRoots: chain });
    }
  }

  async #cachedMatching(key: RepositoryKey, role: string, request: { expected: Parameters<typeof checkFileMeta>[2] }): Promise<Uint8Array | undefined> {
    if (!request.expected) return undefined;
    const cached = await this.o.store.read(key.server, key.gun, role).catch(() => undefined);
    if (!cached) return undefined;
    try {
      checkFileMeta(cached, role, request.expected);
      return cached;
    } catch {
      return undefined;
    }
  }

  async #persist(key: RepositoryKey, result: Attempt, state: StoredState): Promise<void> {
    try {
      for (const [role, bytes] of result.files) await this.o.store.write(key.server, key.gun, role, bytes);
      await this.o.store.writeState(key.server, key.gun, state);
    } catch (e) {
      // A read-only or full disk costs the next check a refresh, not this verdict.
      this.o.logger.warn(`could not cache trust data for ${key.gun}: ${describeError(e)}`);
    }
  }
}

/** What tells pins apart, for a recorded failure: one found under another pin says nothing about this one. */
function pinIdentity(pin: RootPin | undefined): string {
  if (!pin) return '';
  return JSON.stringify([pin.kind, pin.source, pin.kind === 'certs' ? pin.ids : pin.kind === 'ca' ? pin.cas.map((c) => Buffer.from(c.der).toString('base64')) : []]);
}

/** The pin a verified root matched, for the outcome (trust on first use says nothing). */
function pinnedBy(pin: RootPin | undefined): { rootPin?: string } {
  return pin && pin.kind !== 'refuse' ? { rootPin: pin.source } : {};
}

function versionsOf(data: TrustData): Record<string, number> {
  const versions: Record<string, number> = {
    root: data.root.version,
    timestamp: data.timestamp.version,
    snapshot: data.snapshot.version,
    targets: data.targets.version,
  };
  for (const d of data.delegations) versions[d.name] = d.version;
  return versions;
}

/** The version of a root file, only to know which rotation files to ask for (it is verified later). */
function rootVersion(bytes: Uint8Array): number | undefined {
  try {
    const version = (JSON.parse(new TextDecoder().decode(bytes)) as { signed?: { version?: unknown } }).signed?.version;
    return typeof version === 'number' && Number.isInteger(version) ? version : undefined;
  } catch {
    return undefined;
  }
}
