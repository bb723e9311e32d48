/**
 * Finds every cosign signature of an image digest, wherever cosign writes them:
 * - the legacy tag `sha256-<hex>.sig`: an image manifest whose simple-signing layers each hold a payload
 *   and carry the signature, certificate, chain, Rekor bundle and RFC 3161 timestamp as annotations;
 * - OCI 1.1 referrers (the API, or the tag schema on registries without it): Sigstore bundles
 *   (`application/vnd.dev.sigstore.bundle.v0.3+json`) and legacy signatures stored as referrers
 *   (`application/vnd.dev.cosign.artifact.sig.v1+json`).
 * Every read is bounded (signature count, blob size) and digest-checked. What a registry lists but
 * cannot deliver, or delivers malformed or oversized, is a problem that keeps the verdict from `signed`
 * on its own; transport failures (timeouts, 401, 5xx) are thrown, since they say nothing about signatures.
 */
import { describeError } from '../../errors';
import { isNetError } from '../../net/netError';
import type { OciDescriptor, OciImageManifest } from '../../oci/manifest';
import type { OciRegistry, OciRepository } from '../../oci/ociRegistry';
import { listReferrers } from '../../oci/referrers';
import { Semaphore } from '../semaphore';
import { BUNDLE_ARTIFACT_TYPE, SIGNATURE_ARTIFACT_TYPES, SIMPLE_SIGNING_MEDIA_TYPE, signatureTag } from './cosignFormats';

/** Bounds of one discovery. */
export interface DiscoveryLimits {
  /** Most signatures (legacy layers and bundles together) read for one digest (default 100). */
  maxSignatures: number;
  /** Largest signature payload or bundle, in bytes (default 256 KiB). */
  maxSignatureBytes: number;
  /** Blobs fetched at once (default 8). */
  concurrency: number;
}

export const DEFAULT_DISCOVERY_LIMITS: Readonly<DiscoveryLimits> = { maxSignatures: 100, maxSignatureBytes: 256 * 1024, concurrency: 8 };

/** Where a signature was found. */
export interface SignatureLocation {
  /** `sig-tag` for `sha256-<hex>.sig`, `referrer` for an OCI 1.1 referrer. */
  readonly source: 'sig-tag' | 'referrer';
  /** The digest of the manifest holding it. */
  readonly manifestDigest: string;
  /** The digest of the layer (payload or bundle). */
  readonly layerDigest: string;
}

/** A signature as stored, not yet verified. */
export type DiscoveredSignature =
  | (SignatureLocation & { readonly kind: 'simple-signing'; readonly payload: Uint8Array; readonly annotations: Readonly<Record<string, string>> })
  | (SignatureLocation & { readonly kind: 'bundle'; readonly bundle: Uint8Array });

/** Something the registry lists but does not deliver usably. */
export interface DiscoveryProblem {
  readonly where: string;
  readonly message: string;
}

/** Everything found for one digest. */
export interface Discovery {
  readonly digest: string;
  readonly signatures: readonly DiscoveredSignature[];
  readonly problems: readonly DiscoveryProblem[];
  /** How referrers were listed: the API, the tag schema, or neither exists. */
  readonly referrersSource: 'api' | 'tag-schema' | 'none';
}

/**
 * Finds the signatures of `digest` in `repo`.
 * @throws NetError for transport failures (timeout, connection, auth, 5xx), which make the result unverifiable
 */
export async function discoverSignatures(oci: OciRegistry, repo: OciRepository, digest: string, limits: DiscoveryLimits = DEFAULT_DISCOVERY_LIMITS, signal?: AbortSignal): Promise<Discovery> {
  const problems: DiscoveryProblem[] = [];
  const pending: { location: SignatureLocation; kind: 'simple-signing' | 'bundle'; layer: OciDescriptor }[] = [];
  const budget = { left: limits.maxSignatures };
  const take = (manifest: OciImageManifest, source: SignatureLocation['source'], manifestDigest: string, bundle: boolean): void => {
    const layers = manifest.layers.filter((l) => (bundle ? l.mediaType.startsWith('application/vnd.dev.sigstore.bundle') : l.mediaType === SIMPLE_SIGNING_MEDIA_TYPE));
    if (layers.length > budget.left) {
      problems.push({ where: manifestDigest, message: `${describeSource(source, manifestDigest)} holds ${layers.length} signatures, more than the ${limits.maxSignatures} TrustLens reads for one image` });
      budget.left = 0;
      return;
    }
    budget.left -= layers.length;
    for (const layer of layers) pending.push({ location: { source, manifestDigest, layerDigest: layer.digest }, kind: bundle ? 'bundle' : 'simple-signing', layer });
  };

  // Both places are asked at once (one round trip instead of two); what they hold is taken in the same
  // order as if asked one after the other, and a transport failure of the signature tag still comes first.
  const [sigTag, listed] = await Promise.allSettled([
    readSigTag(oci, repo, digest, signal),
    listReferrers(oci, repo, digest, { signal, artifactTypes: SIGNATURE_ARTIFACT_TYPES }),
  ]);
  if (sigTag.status === 'rejected') throw sigTag.reason;
  const legacy = sigTag.value;
  if (legacy.kind === 'found') take(legacy.manifest, 'sig-tag', legacy.manifestDigest, false);
  else if (legacy.kind === 'problem') problems.push(legacy.problem);

  let referrersSource: Discovery['referrersSource'] = 'none';
  try {
    if (listed.status === 'rejected') throw listed.reason;
    const referrers = listed.value;
    referrersSource = referrers.source;
    for (const p of referrers.problems) problems.push({ where: p.digest, message: p.message });
    for (const r of referrers.referrers) {
      if (budget.left <= 0) {
        problems.push({ where: r.descriptor.digest, message: `more than ${limits.maxSignatures} signatures of ${digest}; the rest were not read` });
        break;
      }
      take(r.manifest, 'referrer', r.descriptor.digest, r.artifactType === BUNDLE_ARTIFACT_TYPE);
    }
  } catch (e) {
    if (!isRegistryLie(e)) throw e;
    problems.push({ where: `referrers of ${digest}`, message: describeError(e) });
  }

  const semaphore = new Semaphore(limits.concurrency);
  const fetched = await Promise.all(pending.map((p) => semaphore.run(async (): Promise<DiscoveredSignature | DiscoveryProblem> => {
    try {
      const bytes = await oci.fetchBlob(repo, p.layer.digest, { signal, maxBytes: limits.maxSignatureBytes, expectedSize: p.layer.size });
      if (p.kind === 'bundle') return { ...p.location, kind: 'bundle', bundle: bytes };
      return { ...p.location, kind: 'simple-signing', payload: bytes, annotations: p.layer.annotations ?? {} };
    } catch (e) {
      if (!isRegistryLie(e) && !isNetError(e, 'not-found')) throw e;
      return { where: p.layer.digest, message: `signature layer ${p.layer.digest} of ${describeSource(p.location.source, p.location.manifestDigest)} cannot be used: ${describeError(e)}` };
    }
  })));
  const signatures: DiscoveredSignature[] = [];
  for (const f of fetched) {
    if ('kind' in f) signatures.push(f);
    else problems.push(f);
  }
  return { digest, signatures, problems, referrersSource };
}

type SigTag = { kind: 'none' } | { kind: 'found'; manifest: OciImageManifest; manifestDigest: string } | { kind: 'problem'; problem: DiscoveryProblem };

async function readSigTag(oci: OciRegistry, repo: OciRepository, digest: string, signal?: AbortSignal): Promise<SigTag> {
  const tag = signatureTag(digest);
  try {
    const fetched = await oci.fetchManifest(repo, tag, { signal });
    if (fetched.document.kind !== 'manifest') return { kind: 'problem', problem: { where: tag, message: `the signature tag ${tag} names an index, not a signature manifest` } };
    return { kind: 'found', manifest: fetched.document, manifestDigest: fetched.descriptor.digest };
  } catch (e) {
    if (isNetError(e, 'not-found')) return { kind: 'none' };
    if (isRegistryLie(e)) return { kind: 'problem', problem: { where: tag, message: `the signature tag ${tag} cannot be used: ${describeError(e)}` } };
    throw e;
  }
}

// Answers that are wrong rather than absent: they make the evidence invalid, not unverifiable.
function isRegistryLie(e: unknown): boolean {
  return isNetError(e, 'bad-response') || isNetError(e, 'too-large') || isNetError(e, 'digest-mismatch');
}

function describeSource(source: SignatureLocation['source'], manifestDigest: string): string {
  return source === 'sig-tag' ? `the signature manifest ${manifestDigest}` : `the referrer ${manifestDigest}`;
}
