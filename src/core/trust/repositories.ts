/**
 * The repositories the workspace's files and the open documents reference, with how their checked
 * references fared: what the Signers view lists. Backend-neutral; plain data, no editor.
 */
import { familiarRepository, parseImageRef } from '../model/imageRef';
import { NO_EVIDENCE, type CheckResult } from './checkResult';
import type { RepositoryKey } from './trustDetails';
import { glanceStatus, worstVerdict, type GlanceStatus, type Verdict } from './verdict';

/** A repository the workspace's files or the open documents reference, with how its checked references fared. */
export interface RepositoryRef {
  /** Unique per trust server and GUN: `<server>\n<gun>`. */
  readonly id: string;
  readonly key: RepositoryKey;
  /** Docker's short name, e.g. `alpine` for `docker.io/library/alpine`. */
  readonly name: string;
  /** How many references name it. */
  readonly references: number;
  /** How many of them are in files that were only listed, not checked (files that are not open). */
  readonly unchecked: number;
  /** How many checked references count as each status at a glance (a signed tag the policy fails is not `signed`). */
  readonly statuses: Readonly<Partial<Record<GlanceStatus, number>>>;
  /** How many checked references got each verdict. */
  readonly verdicts: Readonly<Partial<Record<Verdict, number>>>;
  /** The worst verdict of its checked references; undefined when none was checked. */
  readonly verdict: Verdict | undefined;
  /** Its checked references whose verdict is not `pass`, in document order. */
  readonly failing: readonly CheckResult[];
  /** The documents (as given) that reference it, in first-seen order. */
  readonly documents: readonly string[];
}

/**
 * The source and repository a verdict was reached with: its first scheme's that verified against one
 * (or, for a result without per-scheme evidence, its trust server), or undefined when none was consulted.
 */
export function repositoryKeyOf(result: CheckResult): RepositoryKey | undefined {
  if (result.target.kind !== 'reference') return undefined;
  const { ref } = result.target.occurrence;
  // The scheme the verdict rests on when it has evidence (a signature, trusted or not), else the first that asked anyone:
  // the references of one repository that no scheme signed then share one node with those the first scheme signed.
  const asked = result.signatures?.filter((s) => s.source !== null) ?? [];
  const signature = asked.find((s) => s.scheme === result.scheme && !NO_EVIDENCE.has(s.status)) ?? asked[0];
  if (signature?.source) return { server: signature.source.url, gun: ref.repository, registry: ref.registry, scheme: signature.scheme };
  if (!result.trustServer) return undefined;
  return { server: result.trustServer, gun: ref.repository, registry: ref.registry };
}

/** The `id` of a repository key. */
export function repositoryId(key: RepositoryKey): string {
  return `${key.server}\n${key.gun}`;
}

/**
 * The repositories referenced by documents' verdicts and by files that were only listed (a document
 * with verdicts is counted from them, not from its listing), one per trust server and GUN however it
 * is written (`alpine`, `docker.io/library/alpine:3`), sorted by the name shown, then trust server. Pure.
 */
export function repositoriesOf(
  documents: Iterable<{ document: string; results: readonly CheckResult[] }>,
  listed: Iterable<{ document: string; keys: readonly RepositoryKey[] }> = [],
): RepositoryRef[] {
  interface Entry {
    key: RepositoryKey;
    references: number;
    unchecked: number;
    statuses: Partial<Record<GlanceStatus, number>>;
    verdicts: Partial<Record<Verdict, number>>;
    failing: CheckResult[];
    documents: string[];
  }
  const byId = new Map<string, Entry>();
  const add = (document: string, key: RepositoryKey, result: CheckResult | undefined) => {
    const id = repositoryId(key);
    let entry = byId.get(id);
    if (!entry) {
      entry = { key, references: 0, unchecked: 0, statuses: {}, verdicts: {}, failing: [], documents: [] };
      byId.set(id, entry);
    }
    entry.references += 1;
    if (result === undefined) {
      entry.unchecked += 1;
    } else {
      const glance = glanceStatus(result);
      entry.statuses[glance] = (entry.statuses[glance] ?? 0) + 1;
      entry.verdicts[result.verdict] = (entry.verdicts[result.verdict] ?? 0) + 1;
      if (result.verdict !== 'pass') entry.failing.push(result);
    }
    if (!entry.documents.includes(document)) entry.documents.push(document);
  };
  const checked = new Set<string>();
  for (const { document, results } of documents) {
    checked.add(document);
    for (const result of results) {
      const key = repositoryKeyOf(result);
      if (key) add(document, key, result);
    }
  }
  for (const { document, keys } of listed) {
    if (!checked.has(document)) for (const key of keys) add(document, key, undefined);
  }
  return [...byId.entries()]
    .map(([id, e]) => {
      const verdicts = Object.keys(e.verdicts) as Verdict[];
      return { id, name: familiarRepository(e.key.gun), verdict: verdicts.length > 0 ? worstVerdict(verdicts) : undefined, ...e };
    })
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }) || a.key.server.localeCompare(b.key.server));
}

/**
 * The repository a user names: a GUN (`docker.io/library/alpine`), docker's short name (`alpine`) or
 * any image reference (`alpine:3.19`, `127.0.0.1:5000/app@sha256:…`).
 */
export function findRepository(repositories: readonly RepositoryRef[], name: string): RepositoryRef | undefined {
  const wanted = name.trim();
  const exact = repositories.find((r) => r.key.gun === wanted || r.name === wanted);
  if (exact) return exact;
  const parsed = parseImageRef(wanted);
  return parsed.ok ? repositories.find((r) => r.key.gun === parsed.ref.repository) : undefined;
}
