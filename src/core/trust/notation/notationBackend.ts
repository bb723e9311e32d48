/**
 * Notation as a {@link TrustBackend}. A reference is checked when a trust policy covers its
 * repository, as `notation verify` needs one: a `.trustlens.yaml` rule with a `notation:` section or
 * one that requires notation (`require` / `anyOf`), else a statement of the user's own notation trust
 * policy whose `registryScopes` name the repository (or `*`). The tag is resolved to the manifest it
 * names, and that manifest's Notation signatures are verified (see checkNotation). Verdicts are kept
 * for the cache TTL, so a warm re-check makes no request; concurrent checks of one reference share one.
 */
import type { ImageOccurrence } from '../../model/occurrence';
import { isNetError } from '../../net/netError';
import { registryBaseUrl } from '../../net/registryClient';
import type { HttpClient } from '../../net/http';
import type { OciRegistry } from '../../oci/ociRegistry';
import type { EffectivePolicy } from '../../policy/policy';
import type { Clock, Logger } from '../../ports';
import { describeError } from '../../errors';
import { untilAborted } from '../abort';
import { Semaphore } from '../semaphore';
import { UnreachableRegistries } from '../unreachableRegistries';
import type { BackendCheckOptions, BackendReference, DetailsOptions, TrustBackend } from '../backend';
import type { CheckResult, SignatureResult } from '../checkResult';
import type { RepositoryKey, TrustDetails } from '../trustDetails';
import { readNotationConfig } from './configFiles';
import type { NotationLimits } from './constants';
import { notationDetails } from './details';
import { resolveNotationPolicy, type EffectiveNotationPolicy, type NotationConfig } from './policy';
import { RegistryArtifactSource } from './registrySource';
import type { NotationCheckResult } from './result';
import { policyFromRuleSection, type NotationRuleSection } from './ruleSection';
import { NOTATION_SCHEME, notationEvidence } from './signatureEvidence';
import { selectTrustPolicy } from './trustPolicy';

/** Settings of a {@link NotationTrustBackend}. */
export interface NotationBackendOptions {
  oci: OciRegistry;
  /** OCSP and CRL requests. */
  http: HttpClient;
  clock: Clock;
  logger: Logger;
  /** Where notation's configuration is looked for (`XDG_CONFIG_HOME`, `HOME`). */
  env: Readonly<Record<string, string | undefined>>;
  /** A verdict is reused this long (ms). */
  ttlMs: number;
  limits?: Partial<NotationLimits>;
}

/** One checked reference, kept for the TTL and for the hover and the Signers view. */
export interface NotationEntry {
  readonly reference: string;
  readonly repository: string;
  readonly tag: string | null;
  readonly result: NotationCheckResult;
  readonly evidence: SignatureResult;
  readonly at: number;
  /** The registry answered that the image does not exist: kept for the TTL like a verdict, though it is `unverifiable`. */
  readonly notFound?: boolean;
}

/** How long notation's own configuration is reused before it is read again (it is re-read on change soon enough). */
const CONFIG_REUSE_MS = 1000;

export class NotationTrustBackend implements TrustBackend {
  readonly scheme = NOTATION_SCHEME;
  readonly #done = new Map<string, NotationEntry>();
  readonly #inFlight = new Map<string, Promise<NotationEntry>>();
  /** The latest verdict per reference, for the hover and the Signers view. */
  readonly #latest = new Map<string, NotationEntry>();
  /** Most references checked at once. */
  readonly #semaphore = new Semaphore(8);
  #config: { at: number; value: NotationConfig | undefined | Error } | undefined;
  readonly #unreachable: UnreachableRegistries;

  constructor(private readonly o: NotationBackendOptions) {
    this.#unreachable = new UnreachableRegistries(o.clock, o.logger);
  }

  /** The user's notation configuration, or the error that makes it unusable. */
  #notationConfig(): NotationConfig | undefined | Error {
    const now = this.o.clock.now().getTime();
    if (this.#config && now - this.#config.at < CONFIG_REUSE_MS) return this.#config.value;
    let value: NotationConfig | undefined | Error;
    try {
      value = readNotationConfig(this.o.env as NodeJS.ProcessEnv);
    } catch (e) {
      value = e instanceof Error ? e : new Error(String(e));
    }
    this.#config = { at: now, value };
    return value;
  }

  /** The policy a reference is checked under: undefined when none covers it (then it is not checked). */
  #policyFor(reference: BackendReference): EffectiveNotationPolicy | Error | undefined {
    const { policy, occurrence } = reference;
    const section = policy.sections?.[NOTATION_SCHEME];
    if (section) return policyFromRuleSection(section.value as NotationRuleSection, section.images, section.file);
    const config = this.#notationConfig();
    if (config instanceof Error) return config;
    try {
      return resolveNotationPolicy(occurrence.ref.repository, undefined, config);
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    }
  }

  appliesTo(reference: BackendReference): boolean {
    const { policy, occurrence } = reference;
    if (requiresNotation(policy) || policy.sections?.[NOTATION_SCHEME]) return true;
    const config = this.#notationConfig();
    if (config instanceof Error) return true;
    return config !== undefined && selectTrustPolicy(config.document, occurrence.ref.repository) !== undefined;
  }

  repositoryKey(occurrence: ImageOccurrence): RepositoryKey {
    const { ref } = occurrence;
    return { server: locationOf(ref.registry, ref.path), gun: ref.repository, registry: ref.registry, scheme: NOTATION_SCHEME };
  }

  async checkReferences(references: readonly BackendReference[], options: BackendCheckOptions): Promise<SignatureResult[]> {
    const entries = references.map((r) => this.#entry(r, options.force === true));
    const done = await untilAborted(Promise.all(entries), options.signal);
    return done.map((e) => e.evidence);
  }

  #entry(reference: BackendReference, force: boolean): Promise<NotationEntry> {
    const policy = this.#policyFor(reference);
    const { ref } = reference.occurrence;
    const id = `${ref.reference}\n${policyId(policy)}\n${JSON.stringify(reference.policy.severity)}`;
    const now = this.o.clock.now().getTime();
    const known = this.#done.get(id);
    if (!force && known && now - known.at < this.o.ttlMs) return Promise.resolve(known);
    let pending = this.#inFlight.get(id);
    if (!pending) {
      pending = this.#semaphore.run(() => this.#check(reference, policy, force)).then((entry) => {
        // What could not be checked is asked again next time, never served from the cache, except the
        // registry's answer that the image does not exist (see NotationEntry.notFound).
        if (entry.result.status !== 'unverifiable' || entry.notFound) this.#done.set(id, entry);
        else this.#done.delete(id);
        this.#latest.set(entry.reference, entry);
        return entry;
      }).finally(() => this.#inFlight.delete(id));
      this.#inFlight.set(id, pending);
    }
    return pending;
  }

  async #check(reference: BackendReference, policy: EffectiveNotationPolicy | Error | undefined, force: boolean): Promise<NotationEntry> {
    const { ref } = reference.occurrence;
    const repo = { registry: ref.registry, repository: ref.path };
    const source = new RegistryArtifactSource(this.o.oci, repo);
    const at = this.o.clock.now().getTime();
    const entry = (result: NotationCheckResult, notFound = false): NotationEntry => ({
      reference: ref.reference, repository: ref.repository, tag: ref.tag, result, at,
      evidence: notationEvidence(result, reference.policy, source.location, ref.repository),
      ...(notFound ? { notFound } : {}),
    });
    let target;
    try {
      // notation verifies what the reference names: the digest written, else the manifest (or index) the tag points at.
      const resolved = await this.#unreachable.ask(ref.registry, force, () => this.o.oci.resolve(repo, ref.digest ?? ref.effectiveTag ?? 'latest'));
      target = { mediaType: resolved.mediaType, digest: resolved.digest, size: resolved.size };
    } catch (e) {
      this.o.logger.debug(`notation: ${ref.reference} could not be resolved: ${describeError(e)}`);
      return entry({
        scheme: 'notation', status: 'unverifiable', signedDigest: null, signatures: [],
        findings: [{ code: 'unverifiable', severity: 'error', message: `${ref.reference} could not be resolved in the registry to check its Notation signatures: ${describeError(e)}` }],
        source: { repository: ref.repository, location: source.location, policyOrigin: 'none' },
      }, isNetError(e, 'not-found'));
    }
    // The verification code (envelopes, certificates, PKI.js) is loaded by the first reference Notation checks.
    const { checkNotation } = await import('./checkNotation');
    const result = await checkNotation({
      repository: ref.repository,
      target,
      source,
      policy,
      http: this.o.http,
      clock: this.o.clock,
      ...(this.o.limits ? { limits: this.o.limits } : {}),
    });
    this.o.logger.debug(`notation: ${ref.reference} (${target.digest}): ${result.status}, signatures read through ${source.via ?? 'nothing'}`);
    return entry(result);
  }

  async details(key: RepositoryKey, options: DetailsOptions & { readonly result?: CheckResult }): Promise<TrustDetails> {
    const entries = [...this.#latest.values()].filter((e) => e.repository === key.gun);
    return notationDetails(key, entries, options.now, options.warningDays);
  }

  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight.values()]);
  }
}

function requiresNotation(policy: EffectivePolicy): boolean {
  return (policy.require ?? []).includes(NOTATION_SCHEME) || (policy.anyOf ?? []).includes(NOTATION_SCHEME);
}

/** Identifies a policy for the cache: verdicts under different policies are different answers. */
function policyId(policy: EffectiveNotationPolicy | Error | undefined): string {
  if (policy === undefined) return 'none';
  if (policy instanceof Error) return `error:${policy.message}`;
  return JSON.stringify(policy);
}

/** Where a repository's signatures are read, e.g. `http://127.0.0.1:5000/team/app`. */
export function locationOf(registry: string, path: string): string {
  return `${registryBaseUrl(registry, true)}/${path}`;
}

