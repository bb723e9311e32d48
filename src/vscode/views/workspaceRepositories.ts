/**
 * The repositories that every Dockerfile and compose file of the workspace references, open or not,
 * for the Signers view. They are found by reading the files (bounded in number and size), never by
 * checking them, so listing costs no request; each reference gets the trust server a check would use
 * (settings, `.trustlens.yaml`, `DOCKER_CONTENT_TRUST_SERVER`), and repositories the policy ignores
 * are left out. A file watcher keeps the list current, and it is made again when settings, policy
 * files, workspace trust or the workspace folders change. Nothing happens before {@link start}.
 */
import { readFile, stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { RepositoryKey } from '../../core/trust/trustDetails';
import { SCANNABLE_GLOB } from '../documents';
import { affectsTrustLens } from '../config';
import { scanContent } from '../documents';
import type { TrustLensServices } from '../services';

/** At most this many files are read; the view says when there were more. */
export const MAX_LISTED_FILES = 2000;
/** Larger files are not read for the list (a Dockerfile or compose file is a few KB). */
export const MAX_LISTED_FILE_BYTES = 1024 * 1024;
const EXCLUDE = '**/{node_modules,.git}/**';
const DEBOUNCE_MS = 200;

export class WorkspaceRepositories implements vscode.Disposable {
  /** File URI → the repositories it references. */
  #byFile = new Map<string, readonly RepositoryKey[]>();
  readonly #changed = new vscode.EventEmitter<ReadonlySet<string>>();
  /** Fires with the URIs of the files whose repositories changed. */
  readonly onDidChange = this.#changed.event;
  #started: Promise<void> | undefined;
  #disposables: vscode.Disposable[] = [];
  /** Files to read again (undefined: all of them), and when. */
  #pending: Set<string> | undefined = new Set();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #generation = 0;
  /** Whether the workspace has more files than {@link MAX_LISTED_FILES}. */
  truncated = false;

  constructor(private readonly services: TrustLensServices) {}

  /** Lists the workspace (the first time) and keeps the list current; resolves when the first listing is done. */
  start(): Promise<void> {
    if (this.#started) return this.#started;
    const watcher = vscode.workspace.createFileSystemWatcher(SCANNABLE_GLOB);
    const policies = vscode.workspace.createFileSystemWatcher('**/.trustlens.yaml');
    const file = (uri: vscode.Uri) => this.#later(uri.toString());
    const all = () => this.#later(undefined);
    this.#disposables.push(
      watcher, policies,
      watcher.onDidCreate(file), watcher.onDidChange(file), watcher.onDidDelete(file),
      policies.onDidCreate(all), policies.onDidChange(all), policies.onDidDelete(all),
      vscode.workspace.onDidChangeConfiguration((e) => affectsTrustLens(e) && all()),
      vscode.workspace.onDidGrantWorkspaceTrust(all),
      vscode.workspace.onDidChangeWorkspaceFolders(all),
    );
    this.#started = this.#relist();
    return this.#started;
  }

  /** Each listed file with the repositories it references. */
  entries(): [string, readonly RepositoryKey[]][] {
    return [...this.#byFile];
  }

  #later(uri: string | undefined): void {
    if (uri === undefined) this.#pending = undefined;
    else this.#pending?.add(uri);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      const pending = this.#pending;
      this.#pending = new Set();
      void (pending === undefined ? this.#relist() : this.#reread(pending));
    }, DEBOUNCE_MS);
  }

  /** Finds every file again and reads each. */
  async #relist(): Promise<void> {
    const generation = ++this.#generation;
    let files: vscode.Uri[];
    try {
      files = await vscode.workspace.findFiles(SCANNABLE_GLOB, EXCLUDE, MAX_LISTED_FILES + 1);
    } catch (e) {
      this.services.log.logger.error(`listing the workspace's Dockerfiles and compose files failed: ${describeError(e)}`);
      return;
    }
    this.truncated = files.length > MAX_LISTED_FILES;
    const next = new Map<string, readonly RepositoryKey[]>();
    for (const uri of files.slice(0, MAX_LISTED_FILES)) {
      const keys = await this.#read(uri);
      if (generation !== this.#generation) return;
      if (keys.length > 0) next.set(uri.toString(), keys);
    }
    const changed = new Set<string>();
    for (const uri of new Set([...this.#byFile.keys(), ...next.keys()])) {
      if (!sameKeys(this.#byFile.get(uri), next.get(uri))) changed.add(uri);
    }
    this.#byFile = next;
    if (changed.size > 0) this.#changed.fire(changed);
  }

  /** Reads the given files again (created, changed or deleted ones). */
  async #reread(uris: ReadonlySet<string>): Promise<void> {
    const generation = this.#generation;
    const changed = new Set<string>();
    for (const key of uris) {
      const uri = vscode.Uri.parse(key);
      const inWorkspace = vscode.workspace.getWorkspaceFolder(uri) !== undefined;
      const keys = inWorkspace ? await this.#read(uri) : [];
      if (generation !== this.#generation) return;
      if (sameKeys(this.#byFile.get(key), keys)) continue;
      if (keys.length > 0 && (this.#byFile.has(key) || this.#byFile.size < MAX_LISTED_FILES)) this.#byFile.set(key, keys);
      else this.#byFile.delete(key);
      changed.add(key);
    }
    if (changed.size > 0) this.#changed.fire(changed);
  }

  /** The repository of each reference of one file; none when it cannot be read, is too large or has a broken policy. */
  async #read(uri: vscode.Uri): Promise<RepositoryKey[]> {
    const kind = await this.services.files.scannableFile(uri);
    if (!kind || /[\\/](node_modules|\.git)[\\/]/.test(uri.fsPath)) return [];
    try {
      if ((await stat(uri.fsPath)).size > MAX_LISTED_FILE_BYTES) return [];
      const scan = await scanContent(uri, kind, await readFile(uri.fsPath, 'utf8'), this.services.scanner);
      const policy = await this.services.policyFor(uri);
      if (policy instanceof Error) return [];
      // One key per reference (none for an ignored one), so that the view can say how many references name a
      // repository: the first scheme's, as for a checked reference that no scheme has evidence for.
      return scan.references
        .flatMap((occurrence) => this.services.trust.repositoryKeys(occurrence, policy).slice(0, 1));
    } catch (e) {
      // Gone since it was found, unreadable, or a trust server URL a check would refuse too.
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') this.services.log.logger.warn(`listing the repositories of ${uri.fsPath} failed: ${describeError(e)}`);
      return [];
    }
  }

  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#generation += 1;
    for (const d of this.#disposables) d.dispose();
    this.#changed.dispose();
  }
}

function sameKeys(a: readonly RepositoryKey[] | undefined, b: readonly RepositoryKey[] | undefined): boolean {
  const ids = (keys: readonly RepositoryKey[] | undefined) => (keys ?? []).map((k) => `${k.server}\n${k.gun}`).sort().join('\n');
  return ids(a) === ids(b);
}
