/**
 * `docker trust sign IMAGE:TAG` in the order docker takes its steps (protocol doc §6.7): the image
 * must exist before anything is created, so the tag is resolved on its registry first; then the
 * trust data is created if there is none (with the signer's delegation); then the tag is signed.
 * Callers show each step (a progress message, a line of output).
 */
import type { ManifestDescriptor } from '../../../net/registryClient';
import { parseTaggedRef } from './references';
import type { PublishResult, SignTagResult, TagResolver, TrustPublisher } from './trustPublisher';

/** A step reached: `resolved` (the digest is known), `initialized` (trust data exists), `publishing`. */
export type SignStep =
  | { readonly kind: 'resolved'; readonly descriptor: ManifestDescriptor }
  | { readonly kind: 'initialized'; readonly result: PublishResult }
  | { readonly kind: 'publishing' };

/** Options for {@link signInSteps}. */
export interface SignStepsOptions {
  /** Sign as this signer (e.g. `alice`), creating its key and delegation when needed. */
  readonly signer?: string;
  readonly signal?: AbortSignal;
  /** Called as each step is reached, e.g. to report progress. */
  readonly onStep?: (step: SignStep) => void;
}

/** What {@link signInSteps} did. */
export interface SignStepsResult {
  /** What the tag pointed at on the registry: digest, size, media type, index or not. */
  readonly descriptor: ManifestDescriptor;
  /** Whether this call created the repository's trust data. */
  readonly initialized: boolean;
  readonly signed: SignTagResult;
}

/**
 * Resolves `reference` (e.g. `127.0.0.1:5000/team/app:v1`) with `registry`, creates the trust data
 * if needed and signs the tag with `publisher`. Throws the publisher's and registry's typed errors.
 */
export async function signInSteps(publisher: TrustPublisher, registry: TagResolver, reference: string, options: SignStepsOptions = {}): Promise<SignStepsResult> {
  const ref = parseTaggedRef(reference);
  const descriptor = await registry.resolveTag(ref.registry, ref.path, ref.tag, options.signal);
  options.onStep?.({ kind: 'resolved', descriptor });
  const init = await publisher.initRepository(ref.repository, {
    ...(options.signer === undefined ? {} : { signer: options.signer }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  options.onStep?.({ kind: 'initialized', result: init });
  options.onStep?.({ kind: 'publishing' });
  // The descriptor keeps its media type, so the result says whether an index was signed.
  const signed = await publisher.signTag(reference, {
    target: descriptor,
    ...(options.signer === undefined ? {} : { signer: options.signer }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { descriptor, initialized: init.initialized, signed };
}
