/**
 * The trust engine: routes each reference of a check to the backends that apply to it, merges their
 * evidence into one result per reference, and answers the Signers view and the hover from the backend
 * that verified a repository. It knows no scheme's details.
 */
import type { ImageOccurrence, ScanResult } from '../model/occurrence';
import type { RegistryTransport } from '../net/registryTransport';
import { effectivePolicy, listedSchemes, type EffectivePolicy, type Policy } from '../policy/policy';
import { REFERENCE_FINDING_CODES, type Finding, type Severity } from '../model/findings';
import type { Clock, Logger } from '../ports';
import { throwIfAborted, untilAborted } from './abort';
import type { BackendReference, DetailsOptions, TrustBackend } from './backend';
import { NO_EVIDENCE, type CheckResult, type EvaluatedResult, type SignatureResult, type TrustStatus } from './checkResult';
import { fileErrorResult, skippedResult, withVariableEmpty } from './scanFindings';
import type { MetadataStore } from './store';
import type { RepositoryKey, TrustDetails } from './trustDetails';
import { signatureSigned, withVerdict, verdictOf, VERDICT_ORDER } from './verdict';

/** Options of one check. */
export interface CheckOptions {
  policy: Policy;
  signal?: AbortSignal;
  /** Ignore the TTL and ask the server. */
  force?: boolean;
}


/** How much a status says about the image: a signature looked at (0), none there (1), no answer (2). */
function evidenceRank(status: TrustStatus): number {
  if (status === 'unverifiable' || status === 'not-verified' || status === 'skipped') return 2;
  return status === 'unsigned' || status === 'no-trust-data' ? 1 : 0;
}

/**
 * The schemes whose signature the policy asks for, and whether it has them. `require` needs every
 * scheme it lists, `anyOf` one of them; a policy that says neither takes any scheme that checked the
 * reference. A required scheme that no backend checked is a `missing-required-scheme` error.
 */
function schemeRequirement(signatures: readonly SignatureResult[], policy: EffectivePolicy | undefined): { met: boolean; counted: ReadonlySet<string>; speaking?: ReadonlySet<string>; missing: Finding[] } {
  const checked = new Map(signatures.map((s) => [s.scheme, s]));
  const signed = new Set(signatures.filter(signatureSigned).map((s) => s.scheme));
  const listed = listedSchemes(policy);
  if (!listed) {
    return signed.size > 0 ? { met: true, counted: signed, missing: [] } : { met: false, counted: new Set(checked.keys()), speaking: speakers(signatures), missing: [] };
  }
  const met = policy?.require ? listed.every((s) => signed.has(s)) : listed.some((s) => signed.has(s));
  const severity = policy?.severity['missing-required-scheme'] ?? 'error';
  const rule = policy?.require ? (listed.length > 1 ? `signatures of ${listed.join(' and ')}` : `a ${listed[0]} signature`) : `a signature of ${listed.join(' or ')}`;
  // A required scheme that did not sign is a finding of its own, unless its evidence already fails the reference.
  const missing: Finding[] = met ? [] : listed.filter((scheme) => !signed.has(scheme) && verdictOf(checked.get(scheme)?.findings ?? []) !== 'fail').map((scheme) => ({
    code: 'missing-required-scheme', severity,
    message: checked.has(scheme)
      ? `The policy requires ${rule}; no ${scheme} signature verified.`
      : `The policy requires ${rule}, and TrustLens has no ${scheme} backend to check one.`,
  }));
  const counted = policy?.require || !met ? new Set(listed) : new Set(listed.filter((s) => signed.has(s)));
  return { met, counted, missing };
}

/**
 * With no rule naming schemes and nothing signed, every scheme counts, but the result lists what the
 * schemes that looked at a signature say, else what the one with the clearest answer says: "no trust
 * data" and "no cosign signature" are said once (each scheme's own entry keeps its findings). When what
 * they say would give another verdict than every scheme together (e.g. a signer no rule trusts, a
 * warning while no rule names whom to trust, beside an error), every scheme speaks, so that nothing
 * signed never passes.
 */
function speakers(signatures: readonly SignatureResult[]): ReadonlySet<string> {
  const telling = signatures.filter((s) => !NO_EVIDENCE.has(s.status));
  // No signature found says more than no answer; among equals the first backend speaks.
  const chosen = telling.length > 0 ? telling : [...signatures].sort((a, b) => evidenceRank(a.status) - evidenceRank(b.status)).slice(0, 1);
  // Saying it once must not change the verdict (a compose-built image that is not signed yet is information either way).
  const same = verdictOf(chosen.flatMap((s) => s.findings)) === verdictOf(signatures.flatMap((s) => s.findings));
  return new Set((same ? chosen : signatures).map((s) => s.scheme));
}

/** A finding of a scheme the verdict does not rest on: absent evidence is information, broken evidence a warning; what concerns the reference as written stays as it is. */
function demoted(s: SignatureResult): SignatureResult {
  const to: Severity = NO_EVIDENCE.has(s.status) ? 'info' : 'warning';
  const findings = s.findings.map((f) => (REFERENCE_FINDING_CODES.has(f.code) || !(f.severity === 'error' || (f.severity === 'warning' && to === 'info')) ? f : { ...f, severity: to }));
  return { ...s, findings };
}

/** The findings of a demoted scheme that the result lists: a broken signature's, and what concerns the reference as written; absent evidence stays in the scheme's own entry. */
function listedFindings(s: SignatureResult): readonly Finding[] {
  return NO_EVIDENCE.has(s.status) ? s.findings.filter((f) => REFERENCE_FINDING_CODES.has(f.code)) : s.findings;
}

/** Each finding once (two schemes may say the same about the reference as written). */
function distinct(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const id = `${f.code}\n${f.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * One reference's result from its schemes' evidence. With one scheme it is that scheme's verdict.
 * With several, the policy's `require` or `anyOf` (else: any scheme) says which count: once they are
 * met, the other schemes' findings are kept but no longer fail the reference (see {@link demoted});
 * until then every finding counts. The result leads with the scheme whose own findings give the
 * combined verdict (the first such, in backend order).
 */
export function mergeSignatures(occurrence: ImageOccurrence, given: readonly SignatureResult[], policy?: EffectivePolicy): EvaluatedResult {
  const requirement = schemeRequirement(given, policy);
  // No scheme the policy names could check it: what the requirement says is all there is.
  if (given.length === 0) {
    return { target: { kind: 'reference', occurrence }, status: 'unverifiable', signedDigest: null, role: null, signers: [], expires: null, findings: requirement.missing, signatures: [] };
  }
  const signatures = given.map((s) => (requirement.counted.has(s.scheme) ? s : demoted(s)));
  const speaks = (s: SignatureResult): boolean => requirement.counted.has(s.scheme) && (requirement.speaking?.has(s.scheme) ?? true);
  const findings = distinct([...signatures.flatMap((s) => (speaks(s) ? s.findings : listedFindings(s))), ...requirement.missing]);
  const combined = verdictOf(findings);
  const candidates = signatures.filter(speaks);
  // Among equals, the scheme with evidence leads: a signature found beats none found, which beats no answer.
  const pool = (candidates.length > 0 ? candidates : signatures).map((s, i) => ({ s, i }))
    .sort((a, b) => evidenceRank(a.s.status) - evidenceRank(b.s.status) || a.i - b.i).map(({ s }) => s);
  // Unmet, a signature that was looked at and found wanting says the most (e.g. a signer no rule trusts).
  const lead = (requirement.met ? undefined : pool.find((s) => evidenceRank(s.status) === 0 && verdictOf(s.findings) !== 'pass'))
    ?? pool.find((s) => verdictOf(s.findings) === combined)
    ?? pool.reduce((a, b) => (VERDICT_ORDER.indexOf(verdictOf(b.findings)) < VERDICT_ORDER.indexOf(verdictOf(a.findings)) ? b : a));
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
    scheme: lead.scheme,
  };
}

/** Whether a reference's policy lets a scheme speak: any scheme, unless its rule lists the schemes (`require`, `anyOf`). */
function schemeWanted(policy: EffectivePolicy, scheme: string): boolean {
  const listed = listedSchemes(policy);
  return !listed || listed.includes(scheme);
}

/** Where an occurrence is written, and the stage or service it is written in: no verdict depends on these. */
const PLACE_KEYS = new Set(['file', 'range', 'after', 'stage']);

/** What a reference's verdict depends on: all of its occurrence but its place. Occurrences alike in all else get one verdict. */
function checkedAs(occurrence: ImageOccurrence): string {
  return JSON.stringify(occurrence, (key, value: unknown) => (PLACE_KEYS.has(key) ? undefined : value));
}

/** A verdict of an occurrence alike, as the verdict of `occurrence` (arrays copied, so that no two results share one). */
function rebound(result: CheckResult, occurrence: ImageOccurrence): CheckResult {
  if (result.target.kind === 'reference' && result.target.occurrence === occurrence) return result;
  return {
    ...result,
    target: { kind: 'reference', occurrence },
    signers: [...result.signers],
    findings: [...result.findings],
    ...(result.requiredSigners ? { requiredSigners: [...result.requiredSigners] } : {}),
    ...(result.missingSigners ? { missingSigners: [...result.missingSigners] } : {}),
  };
}

/**
 * Verdicts for everything a scan found, skipped values included, in scan order. Each distinct
 * reference is checked once, however often it is written (a manifest of 500 workloads names a
 * few dozen images).
 */
export async function checkScan(scan: ScanResult, options: CheckOptions, backends: readonly TrustBackend[], _clock?: Clock): Promise<CheckResult[]> {
  const distinct = new Map<string, number>();
  const unique: ImageOccurrence[] = [];
  const slot = scan.references.map((occurrence) => {
    const key = checkedAs(occurrence);
    let at = distinct.get(key);
    if (at === undefined) {
      at = unique.push(occurrence) - 1;
      distinct.set(key, at);
    }
    return at;
  });
  const verdicts = await checkDistinct(unique, options, backends);
  const results = scan.references.map((occurrence, i) => rebound(verdicts[slot[i]!]!, occurrence));
  const skipped = scan.skipped.map((s) => withVerdict(skippedResult(s, options.policy)));
  const files = scan.errors.map((e) => withVerdict(fileErrorResult(e, options.policy)));
  return [...results, ...skipped, ...files];
}

/** Verdicts for distinct references, in order. */
async function checkDistinct(occurrences: readonly ImageOccurrence[], options: CheckOptions, backends: readonly TrustBackend[]): Promise<CheckResult[]> {
  const policies = new Map<string, EffectivePolicy>();
  const policyOf = (repository: string): EffectivePolicy => {
    let policy = policies.get(repository);
    if (!policy) policies.set(repository, (policy = effectivePolicy(options.policy, repository)));
    return policy;
  };
  const references: BackendReference[] = occurrences.map((occurrence) => ({ occurrence, policy: policyOf(occurrence.ref.repository) }));
  // Each backend is asked once, about every reference it applies to and whose policy does not leave its scheme out.
  const routed = backends.map((backend) => references.map((r, i) => ({ r, i })).filter(({ r }) => !r.policy.ignored && schemeWanted(r.policy, backend.scheme) && backend.appliesTo(r)));
  const answers = await untilAborted(Promise.all(backends.map((backend, b) => {
    const mine = routed[b]!;
    return mine.length === 0 ? Promise.resolve([]) : backend.checkReferences(mine.map(({ r }) => r), options);
  })), options.signal);
  throwIfAborted(options.signal);
  const perReference: SignatureResult[][] = references.map(() => []);
  answers.forEach((results, b) => results.forEach((s, k) => perReference[routed[b]![k]!.i]!.push(s)));
  return references.map((r, i): CheckResult => {
    const signatures = perReference[i]!;
    if (signatures.length === 0 && !listedSchemes(r.policy)) {
      return withVerdict({ target: { kind: 'reference', occurrence: r.occurrence }, status: 'skipped', signedDigest: null, role: null, signers: [], expires: null, findings: [] });
    }
    return withVerdict(withVariableEmpty(mergeSignatures(r.occurrence, signatures, r.policy), r.occurrence, r.policy.severity));
  });
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
    return this.backends.filter((b) => schemeWanted(reference.policy, b.scheme) && b.appliesTo(reference)).map((b) => ({ ...b.repositoryKey(occurrence, policy), scheme: b.scheme }));
  }

  /** The backend of a repository key: its scheme's, or the first for a key without one. */
  backendOf(key: RepositoryKey): TrustBackend | undefined {
    return key.scheme === undefined ? this.backends[0] : this.backends.find((b) => b.scheme === key.scheme);
  }

  /**
   * What the backend that verifies a repository shows of it (within the cache TTL without a request),
   * followed by the groups of the other schemes that know the repository from its name alone.
   */
  async details(key: RepositoryKey, options: DetailsOptions & { readonly result?: CheckResult }): Promise<TrustDetails> {
    const backend = this.backendOf(key);
    if (!backend) throw new Error(`no trust backend for scheme ${key.scheme ?? '(none)'}`);
    const own = await backend.details(key, options);
    const others = await Promise.all(this.backends
      .filter((b) => b !== backend && b.keyForRepository)
      .map((b) => b.details(b.keyForRepository!(key.gun, key.registry), options).catch(() => undefined)));
    // Only what another scheme has found: an empty group of a scheme that found nothing is noise.
    const beside = others.filter((d): d is TrustDetails => d !== undefined && d.problem === undefined).flatMap((d) => d.groups).filter((g) => g.items.length > 0);
    return beside.length === 0 ? own : { ...own, groups: [...own.groups, ...beside] };
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
