/**
 * The cosign backend's engine: for an image reference and a policy's `cosign:` trust, resolves the
 * reference, finds every cosign signature of its digest (and, for an index whose own digest carries no
 * trusted signature, of the requested platform's digest), verifies each, and gives the verdict.
 *
 * What the registry said is kept for a TTL: a re-check within it makes no request. Concurrent checks of
 * one reference share one fetch. Transport failures (offline, timeout, 401, 5xx) and unreadable policy
 * files give `unverifiable`; nothing here can turn a failure into `signed`.
 */
import { describeError } from '../../errors';
import { NetError, isNetError } from '../../net/netError';
import { isValidDigest } from '../../net/manifestTypes';
import type { OciRegistry, OciRepository, ResolvedImage } from '../../oci/ociRegistry';
import { nullLogger, type Clock, type Logger } from '../../ports';
import type { Severity } from '../../model/findings';
import type { CosignCheckResult, CosignFindingCode } from './cosignResult';
import { trustsAnyone, type CosignPolicy } from './cosignPolicy';
import { DEFAULT_DISCOVERY_LIMITS, discoverSignatures, type Discovery, type DiscoveryLimits } from './discovery';
import { evaluateCosign, unverifiableResult } from './evaluate';
import { UnreachableRegistries } from '../unreachableRegistries';
import type { RootAvailability } from './sigstoreRoot';
import { loadTrust, signatureVerification } from './lazyVerification';
import type { CosignTrust, ReadFileBytes } from './trustMaterial';

/** Dependencies and settings of a {@link CosignVerifier}. */
export interface CosignVerifierOptions {
  oci: OciRegistry;
  /** The Sigstore public-good trusted root, asked for only by keyless signatures (see `PublicGoodTrustedRoot`). */
  publicGoodRoot: () => Promise<RootAvailability>;
  clock: Clock;
  logger?: Logger;
  /** A re-check within this many ms makes no request (default 5 minutes). */
  ttlMs?: number;
  limits?: Partial<DiscoveryLimits>;
  /** Reads the policy's key, CA and trusted root files (default: the file system). */
  readFile?: ReadFileBytes;
}

/** The image to check. */
export interface CosignCheckRequest {
  /** e.g. `127.0.0.1:5000` */
  registry: string;
  /** The path without the host, e.g. `team/app`. */
  repository: string;
  /** A tag or a digest. */
  reference: string;
  /** `os/arch[/variant]` of the platform the reference is used for, e.g. `linux/amd64`. */
  platform?: string;
  /** The repository as rules and messages name it, e.g. `registry.example.com/team/app`; default `<registry>/<repository>`. */
  displayName?: string;
}

/** Options of one check. */
export interface CosignCheckOptions {
  /** The merged `cosign:` blocks of every rule matching the image. */
  policy: CosignPolicy;
  signal?: AbortSignal;
  /** Ignore the TTL and ask the registry. */
  force?: boolean;
  /** Warn this many days before a certificate checked at the time of use expires (default 30). */
  expiryWarningDays?: number;
  severity?: Partial<Record<CosignFindingCode, Severity>>;
}

interface Evidence {
  resolved: ResolvedImage | undefined;
  digest: string;
  discovery: Discovery;
  fetchedAt: number;
}

const DEFAULT_TTL_MS = 5 * 60_000;

interface CacheEntry<T> {
  at: number;
  value: Promise<T>;
  /** True until `value` settles. */
  pending: boolean;
}

/** Resolves with `promise`, or rejects with an `aborted` error as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  const aborted = () => new NetError('aborted', 'the cosign check was cancelled');
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Checks images for cosign signatures. */
export class CosignVerifier {
  readonly #o: CosignVerifierOptions;
  readonly #logger: Logger;
  readonly #limits: DiscoveryLimits;
  readonly #evidence = new Map<string, CacheEntry<Evidence>>();
  readonly #trust = new Map<string, CacheEntry<CosignTrust>>();
  readonly #unreachable: UnreachableRegistries;

  constructor(options: CosignVerifierOptions) {
    this.#o = options;
    this.#logger = options.logger ?? nullLogger;
    this.#unreachable = new UnreachableRegistries(options.clock, this.#logger);
    this.#limits = { ...DEFAULT_DISCOVERY_LIMITS, ...options.limits };
  }

  /** Forgets everything fetched (the next check asks the registry). */
  clear(): void {
    this.#evidence.clear();
    this.#trust.clear();
  }

  /** Resolves once nothing is being fetched (fetches that cancelled checks shared included). */
  async idle(): Promise<void> {
    for (;;) {
      const pending = [...this.#evidence.values(), ...this.#trust.values()].filter((e) => e.pending).map((e) => e.value);
      if (pending.length === 0) return;
      await Promise.allSettled(pending);
    }
  }

  /** The cosign verdict for one reference under one policy. */
  async check(request: CosignCheckRequest, options: CosignCheckOptions): Promise<CosignCheckResult> {
    const displayName = request.displayName ?? `${request.registry}/${request.repository}`;
    const base = { registry: request.registry, repository: displayName, severity: options.severity };
    let trust: CosignTrust;
    try {
      trust = await this.#cached(this.#trust, JSON.stringify(options.policy), options.force, () => loadTrust(options.policy, this.#o.readFile));
    } catch (e) {
      return unverifiableResult(`the cosign trust in .trustlens.yaml cannot be used: ${describeError(e)}`, { ...base, digest: null, platformDigest: null });
    }
    const repo: OciRepository = { registry: request.registry, repository: request.repository };
    let top: Evidence;
    try {
      const key = `${request.registry}/${request.repository}@${request.reference}#${request.platform ?? ''}`;
      top = await untilAborted(this.#cached(this.#evidence, key, options.force, () => this.#unreachable.ask(request.registry, options.force, () => this.#gather(repo, request.reference, request.platform))), options.signal);
    } catch (e) {
      if (isNetError(e, 'aborted')) throw e;
      return unverifiableResult(`cosign signatures of ${displayName}:${request.reference} could not be checked: ${describeError(e)}`, { ...base, digest: isValidDigest(request.reference) ? request.reference : null, platformDigest: null });
    }
    const evaluate = async (evidence: Evidence, platformDigest: string | null): Promise<CosignCheckResult> => {
      const ctx = {
        digest: evidence.digest,
        trust,
        publicGoodRoot: this.#o.publicGoodRoot,
        now: this.#o.clock.now(),
        manifestBytes: async () => (await this.#o.oci.fetchManifest(repo, evidence.digest, { signal: options.signal })).bytes,
      };
      const outcomes = [];
      if (evidence.discovery.signatures.length > 0) {
        const { verifySignature } = await signatureVerification();
        for (const sig of evidence.discovery.signatures) outcomes.push(await verifySignature(sig, ctx));
      }
      return evaluateCosign(evidence.discovery, outcomes, {
        repository: displayName, registry: request.registry, policyTrustsAnyone: trustsAnyone(options.policy), now: ctx.now,
        expiryWarningDays: options.expiryWarningDays ?? 30, severity: options.severity, digest: evidence.digest, platformDigest,
      });
    };
    let result: CosignCheckResult;
    try {
      result = await evaluate(top, top.resolved?.platform?.digest ?? null);
      const platform = top.resolved?.platform;
      if (result.status !== 'signed' && platform) {
        // A multi-platform image whose index is not signed may still have its platform's manifest signed.
        const own = await untilAborted(this.#cached(this.#evidence, `${request.registry}/${request.repository}@${platform.digest}#`, options.force, () => this.#unreachable.ask(request.registry, options.force, () => this.#gather(repo, platform.digest))), options.signal);
        const platformResult = await evaluate(own, platform.digest);
        if (platformResult.status === 'signed') result = { ...platformResult, digest: top.digest };
      }
    } catch (e) {
      if (isNetError(e, 'aborted')) throw e;
      return unverifiableResult(`cosign signatures of ${displayName}:${request.reference} could not be checked: ${describeError(e)}`, { ...base, digest: top.digest, platformDigest: null });
    }
    return result;
  }

  // Shared by every caller asking for the same reference at once, so it is bounded by the requests'
  // own time limits, not by any one caller's signal: a caller that gives up stops waiting, not the fetch.
  async #gather(repo: OciRepository, reference: string, platform?: string): Promise<Evidence> {
    let resolved: ResolvedImage | undefined;
    let digest = reference;
    if (!isValidDigest(reference) || platform !== undefined) {
      resolved = await this.#o.oci.resolve(repo, reference, platform !== undefined ? { platform } : {});
      digest = resolved.digest;
    }
    const discovery = await discoverSignatures(this.#o.oci, repo, digest, this.#limits);
    this.#logger.debug(`cosign: ${repo.registry}/${repo.repository}@${digest}: ${discovery.signatures.length} signature(s), ${discovery.problems.length} problem(s), referrers via ${discovery.referrersSource}`);
    return { resolved, digest, discovery, fetchedAt: this.#o.clock.now().getTime() };
  }

  // One shared promise per key within the TTL. A failure is not kept, except the registry's answer
  // that the image does not exist: that is an answer like any other, so a re-check within the TTL
  // does not ask again (Refresh does).
  #cached<T>(cache: Map<string, CacheEntry<T>>, key: string, force: boolean | undefined, load: () => Promise<T>): Promise<T> {
    const now = this.#o.clock.now().getTime();
    const hit = cache.get(key);
    const ttl = this.#o.ttlMs ?? DEFAULT_TTL_MS;
    if (hit && !force && now - hit.at >= 0 && now - hit.at < ttl) return hit.value;
    // An update still under way is shared even past the TTL (and by `force`): it is as fresh as it gets.
    if (hit?.pending) return hit.value;
    const entry: { at: number; value: Promise<T>; pending: boolean } = { at: now, value: load(), pending: true };
    cache.set(key, entry);
    entry.value.then(
      () => {
        entry.pending = false;
      },
      (e: unknown) => {
        entry.pending = false;
        if (cache.get(key) === entry && !isNetError(e, 'not-found')) cache.delete(key);
      },
    );
    return entry.value;
  }
}
