/**
 * The OCI 1.1 referrers of a subject manifest: `GET /v2/<name>/referrers/<digest>` where the registry
 * has the API, else the referrers tag schema (an index under the tag `sha256-<hex>`). Each referenced
 * manifest is fetched and its artifact type read from the manifest itself (`artifactType`, else
 * `config.mediaType`): an index entry's `artifactType` is only a hint, and some writers get it wrong.
 *
 * Everything is bounded: pages, entries, manifests read. A referrer that is missing, malformed,
 * points back at the subject or at an index, or names another subject is reported as a problem, never
 * silently dropped, so that a scheme can tell "no signatures" from "signatures the registry lost".
 */
import { describeError } from '../errors';
import { NetError, isNetError } from '../net/netError';
import { digestTag, isIndexMediaType } from './mediaTypes';
import { artifactTypeOf, type OciDescriptor, type OciImageManifest } from './manifest';
import type { CallOptions, OciRegistry, OciRepository } from './ociRegistry';
import { updateTag, type TagUpdateOptions } from './tagUpdate';

/** One referrer that could be read. */
export interface Referrer {
  /** The entry of the referrers index that named it. */
  readonly descriptor: OciDescriptor;
  /** The artifact type its own manifest declares (`artifactType`, else `config.mediaType`). */
  readonly artifactType: string | undefined;
  readonly manifest: OciImageManifest;
  /** The manifest bytes, hashed to `descriptor.digest`. */
  readonly bytes: Uint8Array;
}

/** Why an index entry did not yield a referrer. */
export type ReferrerProblemKind = 'missing' | 'unreadable' | 'loop' | 'nested-index' | 'subject-mismatch' | 'over-limit';

export interface ReferrerProblem {
  readonly digest: string;
  readonly kind: ReferrerProblemKind;
  /** A sentence naming the digest and the reason, e.g. `sha256:… is listed as a referrer but the registry does not have it`. */
  readonly message: string;
}

/** All referrers of one subject. */
export interface ReferrersResult {
  /** `api` when the registry answered the referrers API, `tag-schema` when the fallback index was read, `none` when neither exists. */
  readonly source: 'api' | 'tag-schema' | 'none';
  readonly referrers: readonly Referrer[];
  readonly problems: readonly ReferrerProblem[];
}

/** Options of {@link listReferrers}. */
export interface ReferrersOptions extends CallOptions {
  /** Keep only referrers whose own manifest has one of these artifact types (all when omitted). */
  artifactTypes?: readonly string[];
}

/**
 * Lists and reads the referrers of `subject` in `repo`.
 * @throws NetError when the registry cannot be asked at all (transport, auth), when the referrers
 *   index itself is malformed or over a limit (`bad-response`), or when pagination loops
 */
export async function listReferrers(oci: OciRegistry, repo: OciRepository, subject: string, options: ReferrersOptions = {}): Promise<ReferrersResult> {
  const listed = await listEntries(oci, repo, subject, options);
  if (!listed) return { source: 'none', referrers: [], problems: [] };
  const referrers: Referrer[] = [];
  const problems: ReferrerProblem[] = [];
  const seen = new Set<string>();
  const wanted = options.artifactTypes;
  let read = 0;
  for (const entry of listed.entries) {
    if (seen.has(entry.digest)) continue;
    seen.add(entry.digest);
    const problem = entryProblem(entry, subject, listed.indexDigest);
    if (problem) {
      problems.push(problem);
      continue;
    }
    if (read >= oci.limits.maxReferrers) {
      problems.push({ digest: entry.digest, kind: 'over-limit', message: `more than ${oci.limits.maxReferrers} referrers of ${subject}; the rest were not read` });
      break;
    }
    read++;
    // Every entry is read, whatever its index entry says: only the manifest itself tells its type.
    const result = await readReferrer(oci, repo, subject, entry, options);
    if ('kind' in result) problems.push(result);
    else if (!wanted || (result.artifactType !== undefined && wanted.includes(result.artifactType))) referrers.push(result);
  }
  return { source: listed.source, referrers, problems };
}

/**
 * The descriptors the referrers API (or the tag-schema index) lists for `subject`, unread and unfiltered,
 * for callers that fetch and check each referrer themselves. Bounded as {@link listReferrers}.
 */
export async function referrerDescriptors(oci: OciRegistry, repo: OciRepository, subject: string, options: CallOptions = {}): Promise<{ source: ReferrersResult['source']; descriptors: readonly OciDescriptor[] }> {
  const listed = await listEntries(oci, repo, subject, options);
  return listed ? { source: listed.source, descriptors: listed.entries } : { source: 'none', descriptors: [] };
}

type Listed = { source: 'api' | 'tag-schema'; entries: OciDescriptor[]; indexDigest: string | undefined };

async function listEntries(oci: OciRegistry, repo: OciRepository, subject: string, options: CallOptions): Promise<Listed | undefined> {
  const entries: OciDescriptor[] = [];
  const pages = new Set<string>();
  let url: string | undefined = oci.referrersUrl(repo, subject);
  while (url !== undefined) {
    if (pages.has(url) || pages.size >= oci.limits.maxReferrerPages) {
      throw new NetError('bad-response', `the referrers of ${subject} did not end within ${oci.limits.maxReferrerPages} pages (the pagination loops or is too long)`);
    }
    pages.add(url);
    const page: Awaited<ReturnType<OciRegistry['referrersPage']>> = pages.size === 1 ? await oci.firstReferrersPage(repo, url, options) : await oci.referrersPage(repo, url, options);
    if (!page) {
      if (pages.size > 1) throw new NetError('bad-response', `a later page of the referrers of ${subject} is missing`);
      return fromTagSchema(oci, repo, subject, options);
    }
    entries.push(...page.index.manifests);
    if (entries.length > oci.limits.maxIndexEntries) {
      throw new NetError('bad-response', `${subject} has more than ${oci.limits.maxIndexEntries} referrers`);
    }
    url = page.next;
  }
  return { source: 'api', entries, indexDigest: undefined };
}

async function fromTagSchema(oci: OciRegistry, repo: OciRepository, subject: string, options: CallOptions): Promise<Listed | undefined> {
  let fetched;
  try {
    fetched = await oci.fetchManifest(repo, digestTag(subject), options);
  } catch (e) {
    if (isNetError(e, 'not-found')) return undefined;
    throw e;
  }
  if (fetched.document.kind !== 'index') {
    throw new NetError('bad-response', `the referrers tag ${digestTag(subject)} names an image manifest, not an index`);
  }
  return { source: 'tag-schema', entries: [...fetched.document.manifests], indexDigest: fetched.descriptor.digest };
}

function entryProblem(entry: OciDescriptor, subject: string, indexDigest: string | undefined): ReferrerProblem | undefined {
  if (entry.digest === subject || entry.digest === indexDigest) {
    return { digest: entry.digest, kind: 'loop', message: `the referrers of ${subject} list ${entry.digest === subject ? 'the subject itself' : 'their own index'} (${entry.digest})` };
  }
  if (isIndexMediaType(entry.mediaType)) {
    return { digest: entry.digest, kind: 'nested-index', message: `the referrers of ${subject} list an index (${entry.digest}); referrers are not followed through indexes` };
  }
  return undefined;
}

async function readReferrer(oci: OciRegistry, repo: OciRepository, subject: string, entry: OciDescriptor, options: CallOptions): Promise<Referrer | ReferrerProblem> {
  try {
    const fetched = await oci.fetchManifest(repo, entry.digest, options);
    const manifest = fetched.document;
    if (manifest.kind !== 'manifest') {
      return { digest: entry.digest, kind: 'nested-index', message: `referrer ${entry.digest} of ${subject} is an index; referrers are not followed through indexes` };
    }
    if (manifest.subject?.digest !== subject) {
      return { digest: entry.digest, kind: 'subject-mismatch', message: `referrer ${entry.digest} is listed for ${subject} but refers to ${manifest.subject?.digest ?? 'nothing'}` };
    }
    return { descriptor: entry, artifactType: artifactTypeOf(manifest), manifest, bytes: fetched.bytes };
  } catch (e) {
    if (isNetError(e, 'not-found')) {
      return { digest: entry.digest, kind: 'missing', message: `${entry.digest} is listed as a referrer of ${subject} but the registry does not have it` };
    }
    if (isNetError(e) && ['bad-response', 'too-large', 'digest-mismatch'].includes(e.code)) {
      return { digest: entry.digest, kind: 'unreadable', message: `referrer ${entry.digest} of ${subject} cannot be used: ${describeError(e)}` };
    }
    throw e;
  }
}

/**
 * Writes a referrer manifest (one with a `subject`) by its digest and makes it findable: a registry
 * with the referrers API says so with `OCI-Subject`; on any other the referrer is added to the
 * subject's tag-schema index (`sha256-<hex>`), concurrent writers of that index included.
 * @param descriptor the referrer's index entry (media type, digest, size, artifact type, annotations)
 */
export async function pushReferrer(oci: OciRegistry, repo: OciRepository, manifest: Uint8Array, descriptor: OciDescriptor, subject: string, options: TagUpdateOptions = {}): Promise<{ digest: string; via: 'api' | 'tag-schema' }> {
  const pushed = await oci.pushManifest(repo, descriptor.digest, manifest, descriptor.mediaType, { signal: options.signal });
  if (pushed.ociSubject !== undefined) return { digest: pushed.digest, via: 'api' };
  await updateTag(oci, repo, digestTag(subject), {
    next(current) {
      if (current && current.document.kind !== 'index') throw new NetError('bad-response', `the referrers tag ${digestTag(subject)} names an image manifest, not an index`);
      const entries = current?.document.kind === 'index' ? current.document.manifests : [];
      if (entries.some((e) => e.digest === descriptor.digest)) return undefined;
      const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...entries, descriptor] };
      return { bytes: new TextEncoder().encode(JSON.stringify(index)), mediaType: OCI_INDEX };
    },
    contains: (current) => current.document.kind === 'index' && current.document.manifests.some((e) => e.digest === descriptor.digest),
  }, options);
  return { digest: pushed.digest, via: 'tag-schema' };
}

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
