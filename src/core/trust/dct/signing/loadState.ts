/**
 * Fetching and verifying the latest trust data before building on it, through the read side: the
 * `DctUpdater` (pinned root, rotation chain, rollback protection, cache) forced to ask the server,
 * then the exact files it verified re-checked with a fresh `TrustedSet` so that the documents a
 * change is built on are those bytes and no others.
 */
import type { HttpClient } from '../../../net/http';
import type { Clock, Logger } from '../../../ports';
import type { RepositoryKey } from '../outcome';
import { DctUpdater } from '../updater';
import type { MetadataStore } from '../metadataStore';
import { TrustedSet } from '../tuf/trustedSet';
import { repoStateFrom, type RepoState } from './repoState';
import { SigningError } from './signingErrors';

/** What is needed to read a repository. */
export interface StateLoaderOptions {
  /** An HTTP client for the trust server (with a `pull,push` token, so one token serves both sides). */
  httpFor(key: RepositoryKey): HttpClient;
  /** The verified-metadata cache shared with the read side: its root is the trust pin. */
  store: MetadataStore;
  clock: Clock;
  logger: Logger;
  /** e.g. `15000` */
  timeoutMs: number;
}

/** The latest verified state, or the fact that the repository has no trust data yet. */
export type LoadedState = { readonly kind: 'verified'; readonly state: RepoState } | { readonly kind: 'no-trust-data' };

/** Records every file the updater persists, on top of writing it to the real store. */
class RecordingStore implements MetadataStore {
  readonly files = new Map<string, Uint8Array>();
  constructor(private readonly inner: MetadataStore) {}
  read(server: string, gun: string, role: string) {
    return this.inner.read(server, gun, role);
  }
  async write(server: string, gun: string, role: string, bytes: Uint8Array) {
    this.files.set(role, bytes);
    await this.inner.write(server, gun, role, bytes);
  }
  readState<T>(server: string, gun: string) {
    return this.inner.readState<T>(server, gun);
  }
  writeState<T>(server: string, gun: string, state: T) {
    return this.inner.writeState(server, gun, state);
  }
  clear(server?: string, gun?: string) {
    return this.inner.clear(server, gun);
  }
}

/**
 * Brings the repository up to date from the server and verifies it. Throws `untrusted-data` when
 * the trust data does not verify (or cannot be fetched): nothing may be built on it.
 */
export async function loadRepoState(o: StateLoaderOptions, key: RepositoryKey, signal?: AbortSignal): Promise<LoadedState> {
  const recording = new RecordingStore(o.store);
  const updater = new DctUpdater({ httpFor: o.httpFor, store: recording, clock: o.clock, logger: o.logger, ttlMs: 0, timeoutMs: o.timeoutMs });
  const outcome = await updater.update(key, { force: true, signal });
  if (outcome.kind === 'no-trust-data') return { kind: 'no-trust-data' };
  if (outcome.kind !== 'verified') {
    throw new SigningError('untrusted-data', `the trust data of ${key.gun} cannot be built on (${outcome.kind}): ${outcome.message}`);
  }
  const root = recording.files.get('root');
  if (!root) throw new SigningError('untrusted-data', `the verified root of ${key.gun} was not recorded`);
  // The updater validated this root against the pinned one; re-walk the very bytes it kept.
  const set = new TrustedSet({ gun: key.gun, clock: o.clock, logger: o.logger });
  set.loadRoot(root, { trustedRoot: root });
  for (let request = set.nextRequest(); request; request = set.nextRequest()) {
    const bytes = recording.files.get(request.role);
    if (!bytes) throw new SigningError('untrusted-data', `the verified ${request.role} of ${key.gun} was not recorded`);
    set.update(request.role, bytes);
  }
  return { kind: 'verified', state: repoStateFrom(set.result(), recording.files) };
}
