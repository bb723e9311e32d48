/**
 * The trust backend seam: how one signing scheme (Docker Content Trust today) checks references and
 * describes a repository. The engine routes each reference to the backends that apply to it and merges
 * their results; nothing outside a backend's folder knows its scheme's details.
 */
import type { ImageOccurrence } from '../model/occurrence';
import type { EffectivePolicy, Policy } from '../policy/policy';
import type { CheckResult, SignatureResult } from './checkResult';
import type { RepositoryKey, TrustDetails } from './trustDetails';

/** One reference of a check, with the policy that applies to it. */
export interface BackendReference {
  readonly occurrence: ImageOccurrence;
  readonly policy: EffectivePolicy;
}

/** Options of one check, shared by every reference in it. */
export interface BackendCheckOptions {
  /** The whole policy (trust servers, pins), of which each reference has its effective part. */
  readonly policy: Policy;
  readonly signal?: AbortSignal;
  /** Ignore every cache's TTL and ask again. */
  readonly force?: boolean;
}

/** Options of a {@link TrustBackend.details} request. */
export interface DetailsOptions {
  /** The policy of a document that references the repository, when known (its pins apply). */
  readonly policy?: Policy;
  readonly signal?: AbortSignal;
  readonly force?: boolean;
  /** Epoch milliseconds, and the expiry warning window in days, for the badges. */
  readonly now: number;
  readonly warningDays: number;
}

export interface TrustBackend {
  /** The scheme it verifies, e.g. `dct`; the `scheme` of its results. */
  readonly scheme: string;
  /** Whether it checks this reference (a reference the policy ignores is never asked about). */
  appliesTo(reference: BackendReference): boolean;
  /** Where a reference's evidence is verified, without asking anyone (the Signers view lists these). */
  repositoryKey(occurrence: ImageOccurrence, policy: Policy): RepositoryKey;
  /** One result per reference, in the same order. Failures are results (`unverifiable`), never throws, except on abort. */
  checkReferences(references: readonly BackendReference[], options: BackendCheckOptions): Promise<SignatureResult[]>;
  /**
   * What the Signers view, the hover and *Switch to signed tag* show for one repository: who may sign,
   * with their keys; signed tags; administrative keys; expiries. `result` is the reference hovered, when any.
   */
  details(key: RepositoryKey, options: DetailsOptions & { readonly result?: CheckResult }): Promise<TrustDetails>;
  /**
   * Where this scheme's evidence of a repository is, when it can tell from the repository alone (no
   * policy, no reference): its details are then shown beside the other schemes' for that repository.
   */
  keyForRepository?(gun: string, registry: string): RepositoryKey;
  /** Resolves once nothing is being fetched. */
  idle(): Promise<void>;
  /** Releases connections. */
  close?(): Promise<void>;
}
