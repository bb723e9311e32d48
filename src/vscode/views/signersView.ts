import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { DEFAULT_EXPIRY_WARNING_DAYS, type Policy } from '../../core/policy/policy';
import { findRepository, repositoriesOf, repositoryKeyOf, type RepositoryRef } from '../../core/trust/repositories';
import type { DiagnosticsManager } from '../diagnostics/diagnosticsManager';
import type { TrustLensServices } from '../services';
import { KeyNode, RepositoryNode, TagNode, describeOutcome, loadedState, type RepositoryState, type SignersNode } from './signersNodes';
import { MAX_LISTED_FILES, WorkspaceRepositories } from './workspaceRepositories';

export const SIGNERS_VIEW_ID = 'trustlens.signers';
const HAS_REPOSITORIES = 'trustlens.hasRepositories';
const REFRESH_DELAY_MS = 150;
const ROOT_LOAD_WAIT_MS = 1500;

/**
 * The Signers view's data: one node per repository that a Dockerfile or compose file of the workspace
 * references (listed when the view is first shown) or an open document references (from the verdicts
 * diagnostics keep), each showing only verified trust data. Nothing here ever shows a notification: a
 * failure becomes a node and the view's message.
 */
/**
 * What a signature scheme lists after the repositories (Docker Content Trust: the private keys on
 * this machine): its node, the command that lists it again, and the key ID of one of its nodes.
 */
export interface TrailingNodes {
  readonly node: SignersNode;
  readonly refreshCommand: string;
  keyIdOf(node: unknown): string | undefined;
}

export class SignersTreeProvider implements vscode.TreeDataProvider<SignersNode>, vscode.Disposable {
  readonly #changed = new vscode.EventEmitter<SignersNode | undefined>();
  readonly onDidChangeTreeData = this.#changed.event;
  readonly #stateChanged = new vscode.EventEmitter<void>();
  /** Fires when the set of repositories or any repository's state changed. */
  readonly onDidChangeState = this.#stateChanged.event;
  readonly #nodes = new Map<string, RepositoryNode>();
  #order: RepositoryNode[] = [];
  #hasRepositories: boolean | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Documents whose verdicts or listed repositories changed since the last rebuild. */
  #pendingUris = new Set<string>();
  /** The repositories VS Code was last told about, and those reloaded since. */
  #announcedIds = '';
  readonly #unannounced = new Set<RepositoryNode>();
  readonly #subscriptions: vscode.Disposable[];
  readonly #workspace: WorkspaceRepositories;
  /** The private keys on this machine, listed after the repositories. */
  readonly keys: SignersNode;

  constructor(private readonly services: TrustLensServices, keys: SignersNode) {
    this.keys = keys;
    this.#workspace = new WorkspaceRepositories(services);
    this.#rebuild(undefined);
    this.#announcedIds = this.#order.map((n) => n.id).join('\n');
    this.#subscriptions = [
      this.#workspace,
      services.results.onDidChange((uri) => this.#schedule([uri.toString()])),
      this.#workspace.onDidChange((uris) => this.#schedule(uris)),
    ];
  }

  #schedule(uris: Iterable<string>): void {
    for (const uri of uris) this.#pendingUris.add(uri);
    this.#timer ??= setTimeout(() => this.#announce(), REFRESH_DELAY_MS);
  }

  /**
   * Brings the repositories up to date with the verdicts stored now. The delay of {@link #schedule}
   * only batches what VS Code is told; whoever reads the repositories (the view, a command, a test)
   * gets those of the verdicts already stored, never the list from before them.
   */
  #update(): void {
    if (this.#pendingUris.size === 0) return;
    const uris = this.#pendingUris;
    this.#pendingUris = new Set();
    for (const node of this.#rebuild(uris)) this.#unannounced.add(node);
  }

  /**
   * Tells VS Code what changed since it was last told: the whole list when repositories came or went,
   * else only the repositories that were reloaded. A whole-list refresh cancels VS Code's fetches of
   * the list under way, so it is announced before a reveal (which waits for it), never during one.
   */
  #announce(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#update();
    const ids = this.#order.map((n) => n.id).join('\n');
    if (ids !== this.#announcedIds) this.#changed.fire(undefined);
    else for (const node of this.#unannounced) if (this.#nodes.get(node.id) === node) this.#changed.fire(node);
    this.#announcedIds = ids;
    this.#unannounced.clear();
  }

  /**
   * Recomputes the repositories from the verdicts; those named by `changedUris` (all if undefined) are
   * reloaded, and returned.
   */
  #rebuild(changedUris: ReadonlySet<string> | undefined): RepositoryNode[] {
    const documents = this.services.results.entries().map(([uri, results]) => ({ document: uri.toString(), results }));
    const refs = repositoriesOf(documents, this.#workspace.entries().map(([document, keys]) => ({ document, keys })));
    const names = new Map<string, number>();
    for (const r of refs) names.set(r.name, (names.get(r.name) ?? 0) + 1);
    const affected = new Set<string>();
    if (changedUris) {
      for (const node of this.#nodes.values()) if (node.ref.documents.some((d) => changedUris.has(d))) affected.add(node.id);
      for (const r of refs) if (r.documents.some((d) => changedUris.has(d))) affected.add(r.id);
    }
    const next = new Map<string, RepositoryNode>();
    const reloaded: RepositoryNode[] = [];
    for (const ref of refs) {
      let node = this.#nodes.get(ref.id);
      if (node) {
        node.ref = ref;
        if (!changedUris || affected.has(ref.id)) {
          node.invalidate();
          reloaded.push(node);
        }
      } else {
        node = new RepositoryNode(ref, (n) => this.#load(n), (n) => this.#onLoaded(n));
      }
      node.ambiguous = (names.get(ref.name) ?? 0) > 1;
      next.set(ref.id, node);
    }
    this.#nodes.clear();
    for (const [id, node] of next) this.#nodes.set(id, node);
    this.#order = [...next.values()];
    if (this.#hasRepositories !== this.#order.length > 0) {
      this.#hasRepositories = this.#order.length > 0;
      void vscode.commands.executeCommand('setContext', HAS_REPOSITORIES, this.#hasRepositories);
    }
    this.#stateChanged.fire();
    return reloaded;
  }

  async #load(node: RepositoryNode): Promise<RepositoryState> {
    try {
      // Within the cache TTL this re-verifies the stored metadata without a request; under the policy
      // of a document that references it, so that its trust pins apply.
      const policy = await this.#policy(node.ref);
      const details = await this.services.trust.details(node.ref.key, {
        now: Date.now(), warningDays: policy?.expiryWarningDays ?? DEFAULT_EXPIRY_WARNING_DAYS, ...(policy ? { policy } : {}),
      });
      return loadedState(details);
    } catch (e) {
      this.services.log.logger.error(`Signers view: loading ${node.ref.key.gun} failed: ${describeError(e)}`);
      return { kind: 'error', message: describeError(e) };
    }
  }

  /** The policy of the first document that references the repository; undefined when it is broken. */
  async #policy(ref: RepositoryRef): Promise<Policy | undefined> {
    const document = ref.documents[0];
    if (!document) return undefined;
    const policy = await this.services.policyFor(vscode.Uri.parse(document)).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
    return policy instanceof Error ? undefined : policy;
  }

  #onLoaded(node: RepositoryNode): void {
    if (this.#nodes.get(node.id) !== node) return;
    this.#changed.fire(node);
    this.#stateChanged.fire();
  }

  /** The repositories shown, in order. */
  get repositories(): readonly RepositoryNode[] {
    this.#update();
    return this.#order;
  }

  /**
   * Lists the workspace's files the first time it is called (later calls cost nothing), and resolves
   * once their repositories are in the view, or after a moment in a large workspace (the rest appear
   * as they are found).
   */
  async whenListed(): Promise<void> {
    // VS Code is told by the timer, or before a reveal: this may run inside VS Code's fetch of the list.
    if (await Promise.race([this.#workspace.start().then(() => true), delay(ROOT_LOAD_WAIT_MS)])) this.#update();
  }

  /** Whether the workspace had more Dockerfiles and compose files than were listed. */
  get truncated(): boolean {
    return this.#workspace.truncated;
  }

  /** Drops every repository's trust data shown, so that each is loaded again when next shown. */
  reload(): void {
    this.#update();
    for (const node of this.#order) node.invalidate();
    this.#changed.fire(undefined);
    this.#announcedIds = this.#order.map((n) => n.id).join('\n');
    this.#unannounced.clear();
  }

  /** Asks the trust server of every repository shown again, whatever the cache holds, then shows the results. */
  async refreshAll(): Promise<void> {
    await Promise.all(this.#order.map((node) => this.refreshRepository(node)));
  }

  /** The repository a user names (GUN, short name or image reference), on `server` if given and shown. */
  find(name: string, server?: string): RepositoryNode | undefined {
    // What is found may be revealed next: VS Code is told of the list first (a reveal waits for that).
    this.#announce();
    const refs = this.#order.map((n) => n.ref);
    const onServer = server === undefined ? [] : refs.filter((r) => r.key.server === server);
    const ref = findRepository(onServer, name) ?? findRepository(refs, name);
    return ref ? this.#nodes.get(ref.id) : undefined;
  }

  /** Asks the trust server again for one repository, ignoring the cache TTL, then shows the result. */
  async refreshRepository(node: RepositoryNode): Promise<void> {
    try {
      const policy = await this.#policy(node.ref);
      await this.services.trust.details(node.ref.key, {
        force: true, now: Date.now(), warningDays: policy?.expiryWarningDays ?? DEFAULT_EXPIRY_WARNING_DAYS, ...(policy ? { policy } : {}),
      });
    } catch (e) {
      this.services.log.logger.error(`refreshing ${node.ref.key.gun} failed: ${describeError(e)}`);
    }
    node.invalidate();
    this.#changed.fire(node);
    await node.ensureLoaded();
  }

  getTreeItem(node: SignersNode): vscode.TreeItem {
    return node.getTreeItem();
  }

  async getChildren(node?: SignersNode): Promise<SignersNode[]> {
    if (node) return node.children();
    // The first time the view is shown it lists the workspace's files; a large workspace does not hold
    // the view up, its repositories appear as they are found.
    await this.whenListed();
    this.#update();
    // Answers from the cache come within moments: show them loaded rather than "checking…" first.
    // A slow trust server does not hold the list up; its node updates when its answer comes.
    const order = this.#order;
    await Promise.race([Promise.all(order.map((n) => n.ensureLoaded())), delay(ROOT_LOAD_WAIT_MS)]);
    // Without repositories the view stays empty, so that its welcome content shows.
    return order.length > 0 ? [...order, this.keys] : [];
  }

  /** Lists the private keys again. */
  refreshKeys(): void {
    this.#changed.fire(this.keys);
  }

  getParent(node: SignersNode): SignersNode | undefined {
    return node.parent;
  }

  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    for (const s of this.#subscriptions) s.dispose();
    this.#changed.dispose();
    this.#stateChanged.dispose();
  }
}

function delay(ms: number): Promise<false> {
  return new Promise((resolve) => setTimeout(() => resolve(false), ms));
}

/** The view's message: what the nodes cannot say at a glance (unreachable servers, errors, a partial list). */
export function viewMessage(repositories: readonly RepositoryNode[], truncated = false): string | undefined {
  const unreachable = repositories.filter((n) => n.state.kind === 'loaded' && n.state.outcome.kind === 'unverifiable');
  const failed = repositories.filter((n) => n.state.kind === 'error');
  const lines: string[] = [];
  if (unreachable.length === 1) lines.push(`${unreachable[0]!.ref.name}: ${describeOutcome(unreachable[0]!.state)?.detail ?? ''}`);
  else if (unreachable.length > 1) lines.push(`Trust server unreachable for ${unreachable.length} repositories: ${unreachable.map((n) => n.ref.name).join(', ')}.`);
  if (failed.length > 0) lines.push(`Could not load ${failed.map((n) => n.ref.name).join(', ')}: ${describeOutcome(failed[0]!.state)?.detail ?? ''}`);
  if (truncated) lines.push(`Only the repositories of the first ${MAX_LISTED_FILES} Dockerfiles and compose files of the workspace are listed.`);
  return lines.length > 0 ? lines.join(' ') : undefined;
}

/** A repository as a command names it: `"alpine"`, or `{ repository, server? }` (the server tells apart the same GUN on two). */
function repositoryArgument(arg: unknown): { name: string; server?: string } | undefined {
  if (typeof arg === 'string') return { name: arg };
  if (!arg || typeof arg !== 'object') return undefined;
  const { repository, server } = arg as { repository?: unknown; server?: unknown };
  if (typeof repository !== 'string') return undefined;
  return typeof server === 'string' ? { name: repository, server } : { name: repository };
}

/** The Signers view as the extension's API exposes it (to its own tests, among others). */
export interface SignersView extends vscode.Disposable {
  readonly provider: SignersTreeProvider;
  readonly treeView: vscode.TreeView<SignersNode>;
}

/** The Signers view and its commands: show signers, copy digest, copy key ID, refresh a repository. */
/** How long a reveal's selection may take to come back from the workbench. */
const SELECTION_WAIT_MS = 5_000;

/**
 * Resolves once the view's selection, as the extension sees it, is `node`: the workbench reports a
 * selection apart from the answer to the reveal that made it, and may report it after that answer.
 * Gives up after {@link SELECTION_WAIT_MS}, or when something else is selected meanwhile.
 */
function selectionReaches(view: vscode.TreeView<SignersNode>, node: SignersNode): Promise<void> {
  if (view.selection.includes(node)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    };
    const timer = setTimeout(done, SELECTION_WAIT_MS);
    const sub = view.onDidChangeSelection(done);
  });
}

export function registerSignersView(services: TrustLensServices, diagnostics: DiagnosticsManager, trailing: TrailingNodes): SignersView {
  const provider = new SignersTreeProvider(services, trailing.node);
  const view = vscode.window.createTreeView(SIGNERS_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  const updateMessage = () => {
    view.message = viewMessage(provider.repositories, provider.truncated);
  };

  const selected = <T extends SignersNode>(arg: unknown, type: abstract new (...args: never[]) => T): T | undefined => {
    if (arg instanceof type) return arg;
    const first = view.selection[0];
    return first instanceof type ? first : undefined;
  };

  const showSigners = async (arg?: unknown): Promise<boolean> => {
    let wanted = repositoryArgument(arg);
    if (wanted === undefined) {
      // Without an argument: the repository of the reference under the cursor.
      const editor = vscode.window.activeTextEditor;
      const result = editor && services.results.at(editor.document.uri, editor.selection.active);
      const key = result && repositoryKeyOf(result);
      wanted = key ? { name: key.gun, server: key.server } : undefined;
    }
    await provider.whenListed();
    const node = wanted && provider.find(wanted.name, wanted.server);
    if (!node) {
      await vscode.commands.executeCommand(`${SIGNERS_VIEW_ID}.focus`);
      view.message = wanted === undefined
        ? 'Put the cursor on an image reference, or name a repository, to show its signers.'
        : `${wanted.name} is not referenced by a Dockerfile or compose file of this workspace, nor by an open one.`;
      return false;
    }
    // Loaded first: an update arriving while the view expands the node could fold it again.
    await node.ensureLoaded();
    await view.reveal(node, { select: true, focus: true, expand: true });
    await selectionReaches(view, node);
    updateMessage();
    return true;
  };

  const disposable = vscode.Disposable.from(
    provider,
    view,
    provider.onDidChangeState(updateMessage),
    vscode.commands.registerCommand('trustlens.showSigners', showSigners),
    vscode.commands.registerCommand('trustlens.copyDigest', async (arg?: unknown) => {
      const node = selected(arg, TagNode);
      if (!node?.tag.digest) return;
      await vscode.env.clipboard.writeText(node.tag.digest);
      vscode.window.setStatusBarMessage(`TrustLens: copied ${node.tag.digest}`, 3000);
    }),
    vscode.commands.registerCommand('trustlens.copyKeyId', async (arg?: unknown) => {
      const id = selected(arg, KeyNode)?.key.id ?? trailing.keyIdOf(arg) ?? trailing.keyIdOf(view.selection[0]);
      if (!id) return;
      await vscode.env.clipboard.writeText(id);
      vscode.window.setStatusBarMessage(`TrustLens: copied key ID ${id}`, 3000);
    }),
    vscode.commands.registerCommand(trailing.refreshCommand, () => provider.refreshKeys()),
    vscode.commands.registerCommand('trustlens.refreshRepository', async (arg?: unknown) => {
      const wanted = repositoryArgument(arg);
      const node = wanted ? provider.find(wanted.name, wanted.server) : selected(arg, RepositoryNode);
      if (!node) return;
      await provider.refreshRepository(node);
      // The refreshed data is now within the TTL, so re-checking the documents makes no request.
      diagnostics.recheckAll();
    }),
  );
  return { provider, treeView: view, dispose: () => disposable.dispose() };
}
