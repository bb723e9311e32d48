/**
 * Checks one image digest for Notation signatures, as `notation verify` does: the trust policy first
 * (`skip` fetches nothing), then the signature manifests that refer to the digest, each verified until
 * one passes (notation passes when at least one signature verifies). All work is bounded by
 * {@link NotationLimits}; a failure to fetch is `unverifiable`, never `unsigned`, and ends the evaluation.
 */
import type { HttpClient } from '../../net/http';
import { isNetError } from '../../net/netError';
import { systemClock, type Clock } from '../../ports';
import { DEFAULT_LIMITS, type NotationLimits } from './constants';
import { readTrustStoreFolder } from './trustStoreFolder';
import type { NotationFinding } from './findings';
import type { EffectiveNotationPolicy } from './policy';
import type { NotationCheckResult, NotationSignatureResult, NotationStatus } from './result';
import { mayBeSignature, readSignatureManifest } from './signatureManifest';
import { matchesDescriptor, type NotationArtifactSource, type OciDescriptor } from './source';
import type { TrustStore, TrustStoreReader } from './trustStore';
import { verifySignature, type SignatureContext } from './verifySignature';

export interface NotationCheckOptions {
  /** The fully qualified repository, e.g. `registry.example.com/team/app` (matched against `registryScopes`). */
  repository: string;
  /** The image manifest's descriptor: what every signature must sign. */
  target: OciDescriptor;
  source: NotationArtifactSource;
  /** The policy for this repository (see `resolveNotationPolicy`), none, or why it could not be read. */
  policy: EffectiveNotationPolicy | undefined | Error;
  /** OCSP and CRL requests go through this port. */
  http: HttpClient;
  clock?: Clock;
  limits?: Partial<NotationLimits>;
  readTrustStore?: TrustStoreReader;
  signal?: AbortSignal;
}

// When no signature passes, the verdict shows the most useful failure: who signed beats why not.
const FAILURE_ORDER: readonly NotationStatus[] = ['untrusted-signer', 'unverifiable', 'expired', 'invalid'];

const passes = (s: NotationSignatureResult): boolean => !s.findings.some((f) => f.severity === 'error');

function pick(signatures: readonly NotationSignatureResult[]): NotationSignatureResult | undefined {
  const rank = (s: NotationSignatureResult): number => (s.status === 'signed' ? -1 : FAILURE_ORDER.indexOf(s.status));
  const ordered = [...signatures].sort((a, b) => Number(passes(b)) - Number(passes(a)) || rank(a) - rank(b));
  return ordered[0];
}

export async function checkNotation(options: NotationCheckOptions): Promise<NotationCheckResult> {
  const limits: NotationLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const { repository, target, policy } = options;
  const source = {
    repository,
    ...(options.source.location ? { location: options.source.location } : {}),
    policyOrigin: policy instanceof Error || policy === undefined ? ('none' as const) : policy.origin,
    ...(policy && !(policy instanceof Error) && policy.file ? { policyFile: policy.file } : {}),
  };
  const verdict = (status: NotationStatus, findings: NotationFinding[], signatures: NotationSignatureResult[] = [], signature?: NotationSignatureResult): NotationCheckResult => ({
    scheme: 'notation',
    status,
    findings,
    signedDigest: status === 'signed' ? target.digest : null,
    ...(signature ? { signature } : {}),
    signatures,
    source,
  });

  if (policy instanceof Error) {
    return verdict('unverifiable', [{ code: 'notation-policy-invalid', severity: 'error', message: `the Notation trust policy cannot be used: ${policy.message}` }]);
  }
  if (policy?.level.name === 'skip') {
    return verdict('not-verified', [{ code: 'notation-not-verified', severity: 'info', message: `not verified by policy: trust policy "${policy.name}" skips signature verification for ${repository}` }]);
  }

  let referrers: readonly OciDescriptor[];
  try {
    referrers = await options.source.referrers(target, options.signal);
  } catch (e) {
    if (options.signal?.aborted) throw e;
    return verdict('unverifiable', [{ code: 'unverifiable', severity: 'error', message: `the signatures of ${repository}@${target.digest} could not be listed: ${(e as Error).message}` }]);
  }

  let stores: TrustStore[] | undefined;
  const readStore = options.readTrustStore ?? readTrustStoreFolder;
  const ctx: SignatureContext = {
    repository,
    target,
    policy,
    stores: () => (stores ??= (policy?.trustStores ?? []).map((ref) => readStore(ref))),
    now: (options.clock ?? systemClock).now().getTime(),
    maxChainLength: limits.maxChainLength,
    revocation: { http: options.http, clock: options.clock ?? systemClock, limits, crlCache: new Map(), ocspCache: new Map(), ...(options.signal ? { signal: options.signal } : {}) },
  };

  // notation-go's `Verify`: at most `maxSignatures` signature manifests are evaluated, and a signature
  // that cannot be retrieved ends the evaluation (ErrorSignatureRetrievalFailed): a registry that stalls
  // costs one request timeout, not one per signature it lists.
  const results: NotationSignatureResult[] = [];
  let stopped: 'limit' | 'retrieval' | undefined;
  const candidates = referrers.filter(mayBeSignature);
  for (const [i, descriptor] of candidates.entries()) {
    if (i >= limits.maxSignatures) {
      stopped = 'limit';
      break;
    }
    const checked = await checkReferrer(descriptor, options, limits, ctx);
    if (checked) results.push(checked.result);
    if (checked?.result.status === 'signed') break;
    if (checked?.retrievalFailed && i + 1 < candidates.length) {
      stopped = 'retrieval';
      break;
    }
  }
  if (results.length === 0) {
    const severity = policy ? 'error' : 'info';
    return verdict('unsigned', [{ code: 'notation-unsigned', severity, message: `${repository}@${target.digest} has no Notation signature` }]);
  }
  const best = pick(results) as NotationSignatureResult;
  if (stopped && !passes(best)) {
    const why = stopped === 'limit'
      ? `${repository}@${target.digest} lists more than ${limits.maxSignatures} Notation signatures and none of the first ${limits.maxSignatures} verified`
      : `a signature of ${repository}@${target.digest} could not be retrieved, so the rest were not read`;
    return verdict(best.status, [...best.findings, { code: 'unverifiable', severity: 'error', message: `signature evaluation stopped: ${why}` }], results, best);
  }
  return verdict(best.status, best.findings, results, best);
}

/**
 * Fetches a manifest or the envelope within its size limit and checks the bytes against the
 * descriptor: a failure to fetch is unverifiable; other bytes than described are invalid, and so are
 * more bytes than the limit under a descriptor within it (announced or sent, they are not what the
 * descriptor says), as a descriptor announcing more than the limit is.
 */
async function fetchChecked(
  what: 'manifest' | 'envelope',
  descriptor: OciDescriptor,
  max: number,
  fetch: (d: OciDescriptor, max: number, signal?: AbortSignal) => Promise<Uint8Array>,
  signal: AbortSignal | undefined,
): Promise<Uint8Array | { status: 'invalid' | 'unverifiable'; message: string }> {
  if (descriptor.size > max) return { status: 'invalid', message: `the signature ${what} is ${descriptor.size} bytes (at most ${max})` };
  let bytes: Uint8Array;
  try {
    bytes = await fetch(descriptor, max, signal);
  } catch (e) {
    if (signal?.aborted) throw e;
    if (isNetError(e, 'too-large')) return { status: 'invalid', message: `the registry sent a signature ${what} larger than its descriptor's ${descriptor.size} bytes: ${e.message}` };
    return { status: 'unverifiable', message: `signature ${what} ${descriptor.digest} could not be fetched: ${(e as Error).message}` };
  }
  return matchesDescriptor(bytes, descriptor) ? bytes : { status: 'invalid', message: `the registry returned a ${what} that does not match its digest or size` };
}

/**
 * Fetches and verifies one referrer; undefined when it is not a Notation signature of the image.
 * `retrievalFailed` when its manifest or envelope could not be fetched at all.
 */
async function checkReferrer(descriptor: OciDescriptor, options: NotationCheckOptions, limits: NotationLimits, ctx: SignatureContext): Promise<{ result: NotationSignatureResult; retrievalFailed?: true } | undefined> {
  const failed = (status: 'invalid' | 'unverifiable', message: string): { result: NotationSignatureResult; retrievalFailed?: true } => ({
    result: {
      manifestDigest: descriptor.digest,
      timeAuthenticated: false,
      revocation: 'not-checked',
      status,
      findings: [status === 'invalid' ? { code: 'notation-invalid', severity: 'error', message: `signature ${descriptor.digest}: ${message}` } : { code: 'unverifiable', severity: 'error', message }],
    },
    ...(status === 'unverifiable' ? { retrievalFailed: true as const } : {}),
  });
  const source = options.source;
  const manifestBytes = await fetchChecked('manifest', descriptor, limits.maxManifestBytes, source.fetchManifest.bind(source), options.signal);
  if (!(manifestBytes instanceof Uint8Array)) return failed(manifestBytes.status, manifestBytes.message);
  const manifest = readSignatureManifest(manifestBytes, options.target);
  if (manifest.kind === 'other') return undefined;
  if (manifest.kind === 'invalid') return failed('invalid', manifest.reason);
  const envelopeBytes = await fetchChecked('envelope', manifest.envelope, limits.maxEnvelopeBytes, source.fetchBlob.bind(source), options.signal);
  if (!(envelopeBytes instanceof Uint8Array)) return failed(envelopeBytes.status, envelopeBytes.message);
  return { result: await verifySignature(descriptor.digest, manifest.envelope.mediaType, envelopeBytes, ctx) };
}
