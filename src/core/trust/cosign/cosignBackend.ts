/**
 * cosign as a {@link TrustBackend}: every reference is checked for cosign signatures in its registry,
 * under the `cosign:` section of the last rule that matches it and has one, and the cosign verdict is given in
 * backend-neutral terms, with each signature's identity or key, issuer, log entry and certificate
 * validity. What was verified last for each repository is kept (bounded) for the Signers view.
 */
import { DEFAULT_SEVERITY, type Finding, type Severity } from '../../model/findings';
import type { ImageOccurrence } from '../../model/occurrence';
import type { EffectivePolicy } from '../../policy/policy';
import type { Logger } from '../../ports';
import type { BackendCheckOptions, BackendReference, DetailsOptions, TrustBackend } from '../backend';
import type { CheckResult, SignatureResult, SignerEvidence } from '../checkResult';
import { Semaphore } from '../semaphore';
import type { RepositoryKey, TrustDetails } from '../trustDetails';
import { cosignDetails } from './cosignDetails';
import { cosignTrustFix } from './trustFix';
import { EMPTY_COSIGN_POLICY, type CosignPolicy } from './cosignPolicy';
import { COSIGN_FINDING_CODES, type CosignCheckResult, type CosignFinding, type CosignFindingCode, type SignerEvidence as CosignSigner } from './cosignResult';
import type { CosignVerifier } from './cosignVerifier';

export const COSIGN_SCHEME = 'cosign';

/** Repositories whose last results are kept for the Signers view and the hover. */
const MAX_REMEMBERED = 500;

/** Settings of a {@link CosignTrustBackend}. */
export interface CosignTrustBackendOptions {
  verifier: CosignVerifier;
  logger: Logger;
  /** References checked at once (default 8). */
  concurrency?: number;
}

/** The `cosign:` section of the last rule matching a reference that has one. */
export function cosignPolicyOf(policy: EffectivePolicy): CosignPolicy {
  return (policy.sections?.[COSIGN_SCHEME]?.value as CosignPolicy | undefined) ?? EMPTY_COSIGN_POLICY;
}

/** Severities the policy sets to something other than the default (the verifier has its own defaults). */
function severityOverrides(policy: EffectivePolicy): Partial<Record<CosignFindingCode, Severity>> {
  const overrides: Partial<Record<CosignFindingCode, Severity>> = {};
  for (const code of COSIGN_FINDING_CODES) {
    if (policy.severity[code] !== DEFAULT_SEVERITY[code]) overrides[code] = policy.severity[code];
  }
  return overrides;
}

/** The repository (with its registry) a key or reference names, e.g. `127.0.0.1:5000/team/app`. */
function registrySource(registry: string, repository: string): string {
  return repository.startsWith(`${registry}/`) ? repository : `${registry}/${repository}`;
}

function neutralSigner(s: CosignSigner): SignerEvidence {
  return {
    name: s.name,
    keyIds: s.keyId ? [s.keyId] : [],
    ...(s.identity !== undefined ? { identity: s.identity } : {}),
    ...(s.issuer !== undefined ? { issuer: s.issuer } : {}),
    trusted: s.trusted,
    ...(s.certificate ? { validity: { notBefore: s.certificate.notBefore, notAfter: s.certificate.notAfter } } : {}),
    ...(s.rekor ? { logEntry: { index: s.rekor.logIndex, ...(s.rekor.integratedTime ? { integratedTime: s.rekor.integratedTime } : {}) } } : {}),
  };
}

// Compose builds (and pushes) this image itself: that it is not in the registry yet, or not signed yet, is news only.
function neutralFinding(f: CosignFinding, occurrence: ImageOccurrence, status: CosignCheckResult['status'], section: CosignPolicy): Finding {
  const built = occurrence.kind === 'compose-build-image' && (f.code === 'no-signature' || (f.code === 'unverifiable' && status === 'unverifiable'));
  const severity = built && (f.severity === 'error' || f.severity === 'warning') ? 'info' : f.severity;
  return {
    code: f.code, severity, message: built ? `${f.message}. Compose builds this image, so it is signed when it is pushed.` : f.message,
    ...(f.fix ? { trust: cosignTrustFix(f.fix, section) } : {}),
  };
}

/** The neutral evidence of one cosign verdict. */
export function cosignSignature(result: CosignCheckResult, occurrence: ImageOccurrence, section: CosignPolicy = EMPTY_COSIGN_POLICY): SignatureResult {
  return {
    scheme: COSIGN_SCHEME,
    status: result.status,
    signedDigest: result.signedDigest,
    // The signers of the signed digest are the trusted ones; the others are named by their findings.
    signers: result.signers.filter((s) => result.status !== 'signed' || s.trusted).map(neutralSigner),
    expires: result.expires.map((e) => ({ ...e })),
    findings: result.findings.map((f) => neutralFinding(f, occurrence, result.status, section)),
    source: { kind: 'registry', url: registrySource(result.source.registry, occurrence.ref.path) },
    role: null,
  };
}

export class CosignTrustBackend implements TrustBackend {
  readonly scheme = COSIGN_SCHEME;
  readonly #semaphore: Semaphore;
  readonly #inFlight = new Set<Promise<unknown>>();
  /** The last result per repository and reference, most recent last. */
  readonly #last = new Map<string, Map<string, CosignCheckResult>>();

  constructor(private readonly o: CosignTrustBackendOptions) {
    this.#semaphore = new Semaphore(o.concurrency ?? 8);
  }

  appliesTo(): boolean {
    return true;
  }

  repositoryKey(occurrence: ImageOccurrence): RepositoryKey {
    const { registry, path, repository } = occurrence.ref;
    return { server: registrySource(registry, path), gun: repository, registry, scheme: COSIGN_SCHEME };
  }

  keyForRepository(gun: string, registry: string): RepositoryKey {
    return { server: gun, gun, registry, scheme: COSIGN_SCHEME };
  }

  async checkReferences(references: readonly BackendReference[], options: BackendCheckOptions): Promise<SignatureResult[]> {
    return Promise.all(references.map(async ({ occurrence, policy }) => {
      const { ref } = occurrence;
      const section = cosignPolicyOf(policy);
      const work = this.#semaphore.run(() => this.o.verifier.check(
        { registry: ref.registry, repository: ref.path, reference: ref.digest ?? ref.effectiveTag ?? 'latest', displayName: ref.repository, ...(occurrence.platform ? { platform: occurrence.platform } : {}) },
        {
          policy: section,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.force ? { force: true } : {}),
          expiryWarningDays: policy.expiryWarningDays,
          severity: severityOverrides(policy),
        },
      ));
      this.#inFlight.add(work);
      try {
        const result = await work;
        this.#remember(ref.repository, ref.reference, result);
        return cosignSignature(result, occurrence, section);
      } finally {
        this.#inFlight.delete(work);
      }
    }));
  }

  #remember(repository: string, reference: string, result: CosignCheckResult): void {
    const known = this.#last.get(repository) ?? new Map<string, CosignCheckResult>();
    this.#last.delete(repository);
    known.delete(reference);
    known.set(reference, result);
    this.#last.set(repository, known);
    while (known.size > MAX_REMEMBERED) known.delete(known.keys().next().value as string);
    while (this.#last.size > MAX_REMEMBERED) this.#last.delete(this.#last.keys().next().value as string);
  }

  async details(key: RepositoryKey, _options: DetailsOptions & { readonly result?: CheckResult }): Promise<TrustDetails> {
    return cosignDetails({ ...key, scheme: COSIGN_SCHEME }, [...(this.#last.get(key.gun)?.values() ?? [])]);
  }

  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }
}
