/**
 * The trust engine: routes each reference of a check to the backends that apply to it, merges their
 * evidence into one result per reference, and answers the Signers view and the hover from the backend
 * that verified a repository. It knows no scheme's details.
 */
import type { ImageOccurrence, ScanResult } from '../model/occurrence';
import type { RegistryTransport } from '../net/registryTransport';
import { effectivePolicy, type Policy } from '../policy/policy';
import type { Clock, Logger } from '../ports';
import { throwIfAborted, untilAborted } from './abort';
import type { BackendReference, DetailsOptions, TrustBackend } from './backend';
import type { CheckResult, EvaluatedResult, SignatureResult } from './checkResult';
import { fileErrorResult, skippedResult, withVariableEmpty } from './scanFindings';
import type { MetadataStore } from './store';
import type { RepositoryKey, TrustDetails } from './trustDetails';
import { withVerdict, verdictOf, VERDICT_ORDER } from './verdict';

/** Options of one check. */
export interface CheckOptions {
  policy: Policy;
  signal?: AbortSignal;
  /** Ignore the TTL and ask the server. */
  force?: boolean;
}

/**
 * One reference's result from its schemes' evidence. With one scheme it is that scheme's verdict;
 * with several, the findings of all count, and the result leads with the scheme whose own findings
 * give the combined verdict (the first such, in backend order).
 */
export function mergeSignatures(occurrence: ImageOccurrence, signatures: readonly SignatureResult[]): EvaluatedResult {
  const findings = signatures.flatMap((s) => s.findings);
  const combined = verdictOf(findings);
  const lead = signatures.find((s) => verdictOf(s.findings) === combined)
    ?? signatures.reduce((a, b) => (VERDICT_ORDER.indexOf(verdictOf(b.findings)) < VERDICT_ORDER.indexOf(verdictOf(a.findings)) ? b : a));
  return {
    target: { kind: 'reference', occurrence },
    ...(lead.source?.kind === 'trust-server' ? { trustServer: lead.source.url } : {}),
    status: lead.status,
    signedDigest: lead.signedDigest,
    role: lead.role ?? null,
    signers: lead.signers.map((s) => s.name),
    expires: lead.expires[0]?.expires ?? null,
    ...(lead.requiredSigners ? { requiredSigners: [...lead.requiredSigners] } : {}),
    ...(lead.missingSigners ? { missingSigners: [...lead.missingSigners] } : {}),
    findings,
    signatures,
  };
}

/** Verdicts for everything a scan found, skipped values included, in scan order. */
export async function checkScan(scan: ScanResult, options: CheckOptions, backends: readonly TrustBackend[], _clock?: Clock): Promise<CheckResult[]> {
  const references: BackendReference[] = scan.references.map((occurrence) => ({ occurrence, policy: effectivePolicy(options.policy, occurrence.ref.repository) }));
  // Each backend is asked once, about every reference it applies to.
  const routed = backends.map((backend) => references.map((r, i) => ({ r, i })).filter(({ r }) => !r.policy.ignored && backend.appliesTo(r)));
  const answers = await untilAborted(Promise.all(backends.map((backend, b) => {
    const mine = routed[b]!;
    return mine.length === 0 ? Promise.resolve([]) : backend.checkReferences(mine.map(({ r }) => r), options);
  })), options.signal);
  throwIfAborted(options.signal);
  const perReference: SignatureResult[][] = references.map(() => []);
  answers.forEach((results, b) => results.forEach((s, k) => perReference[routed[b]![k]!.i]!.push(s)));
  const results = references.map((r, i): CheckResult => {
    const signatures = perReference[i]!;
    if (signatures.length === 0) {
      return withVerdict({ target: { kind: 'reference', occurrence: r.occurrence }, status: 'skipped', signedDigest: null, role: null, signers: [], expires: null, findings: [] });
    }
    return withVerdict(withVariableEmpty(mergeSignatures(r.occurrence, signatures), r.occurrence, r.policy.severity));
  });
  const skipped = scan.skipped.map((s) => withVerdict(skippedResult(s, options.policy)));
  const files = scan.errors.map((e) => withVerdict(fileErrorResult(e, options.policy)));
  return [...results, ...skipped, ...files];
}

/** What every backend is built with: the engine's clock, log, cache and transport. */
export interface BackendContext {
  readonly clock: Clock;
  readonly logger: Logger;
  /** `DOCKER_CONTENT_TRUST_SERVER` and the like. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The cache of verified data, when the engine has one. */
  readonly store?: MetadataStore;
  /** HTTP to registries and trust servers, when the engine has it. */
  readonly transport?: RegistryTransport;
}

/** Builds a backend from the engine's context. */
export type BackendFactory = (context: BackendContext) => TrustBackend;

/** Settings of {@link createTrustEngine}. */
export interface TrustEngineOptions {
  clock: Clock;
  logger: Logger;
  store?: MetadataStore;
  transport?: RegistryTransport;
  env?: Readonly<Record<string, string | undefined>>;
  /** In the order their evidence is listed; each a backend or a factory of one. */
  backends: readonly (TrustBackend | BackendFactory)[];
}

/** The core's one facade: checks, repository keys and details, over every backend. */
export class TrustService {
  constructor(readonly backends: readonly TrustBackend[], readonly transport?: RegistryTransport) {
    if (backends.length === 0) throw new Error('a trust engine needs at least one backend');
  }

  /** Verdicts for everything a scan found, skipped values included, in scan order. */
  check(scan: ScanResult, options: CheckOptions): Promise<CheckResult[]> {
    return checkScan(scan, options, this.backends);
  }

  /** Where each backend that applies verifies a reference (no request is made); none when the policy ignores it. */
  repositoryKeys(occurrence: ImageOccurrence, policy: Policy): RepositoryKey[] {
    const reference = { occurrence, policy: effectivePolicy(policy, occurrence.ref.repository) };
    if (reference.policy.ignored) return [];
    return this.backends.filter((b) => b.appliesTo(reference)).map((b) => ({ ...b.repositoryKey(occurrence, policy), scheme: b.scheme }));
  }

  /** The backend of a repository key: its scheme's, or the first for a key without one. */
  backendOf(key: RepositoryKey): TrustBackend | undefined {
    return key.scheme === undefined ? this.backends[0] : this.backends.find((b) => b.scheme === key.scheme);
  }

  /** What the backend that verifies a repository shows of it (within the cache TTL without a request). */
  details(key: RepositoryKey, options: DetailsOptions & { readonly result?: CheckResult }): Promise<TrustDetails> {
    const backend = this.backendOf(key);
    if (!backend) return Promise.reject(new Error(`no trust backend for scheme ${key.scheme ?? '(none)'}`));
    return backend.details(key, options);
  }

  /** Resolves once no backend fetches anything (updates that cancelled checks shared included). */
  async idle(): Promise<void> {
    await Promise.all(this.backends.map((b) => b.idle()));
  }

  async close(): Promise<void> {
    await Promise.all(this.backends.map((b) => b.close?.()));
    await this.transport?.close();
  }
}

/**
 * Builds the trust engine from its ports and its backends, like a language service from its host:
 * the CLI and the editor build it only through here.
 */
export function createTrustEngine(options: TrustEngineOptions): TrustService {
  const context: BackendContext = {
    clock: options.clock,
    logger: options.logger,
    env: options.env ?? {},
    ...(options.store ? { store: options.store } : {}),
    ...(options.transport ? { transport: options.transport } : {}),
  };
  const backends = options.backends.map((b) => (typeof b === 'function' ? b(context) : b));
  return new TrustService(backends, options.transport);
}
