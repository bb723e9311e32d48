import * as vscode from 'vscode';
import { GLANCE_ORDER, GLANCE_SHORT, VERDICT_WORDS, headline, verdictHeadline } from '../../core/report/statusSummary';
import type { CheckResult } from '../../core/trust/checkResult';
import { badgeText, type ExpiryBadge } from '../../core/trust/expiryBadge';
import type { RepositoryRef } from '../../core/trust/repositories';
import type { RepositoryKey } from '../../core/trust/trustDetails';
import type { DetailsGroup, DetailsKey, DetailsProblem, DetailsRole, DetailsTag, TrustDetails } from '../../core/trust/trustDetails';
import type { Verdict } from '../../core/trust/verdict';

/** The context values the manifest's menus match on (`viewItem`). */
export const CONTEXT = {
  repository: 'trustlens.repository',
  group: 'trustlens.group',
  role: 'trustlens.role',
  /** A signer's own role (not `releases`): one that can be removed, and renewed. */
  signerRole: 'trustlens.role.signer',
  /** The release role (`targets/releases`): Renew Signature… */
  releaseRole: 'trustlens.role.release',
  /** The root role: Rotate Root Key… */
  rootRole: 'trustlens.role.root',
  /** The repository (targets) role: Rotate Repository Key…, Renew Signature… */
  repositoryRole: 'trustlens.role.repository',
  key: 'trustlens.key.keyId',
  tag: 'trustlens.tag.digest',
  tagWithoutDigest: 'trustlens.tag',
  message: 'trustlens.message',
} as const;

/** A node of the Signers view. Each knows its parent, so the view can reveal it. */
export abstract class SignersNode {
  abstract readonly parent: SignersNode | undefined;
  abstract getTreeItem(): vscode.TreeItem;
  children(): SignersNode[] | Promise<SignersNode[]> {
    return [];
  }
}

function badgeIcon(badge: ExpiryBadge | undefined, fallback: string): vscode.ThemeIcon {
  if (badge?.state === 'expired') return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
  if (badge?.state === 'soon') return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  return new vscode.ThemeIcon(fallback);
}

/** A line of text: a state, an error, or "nothing here". */
export class MessageNode extends SignersNode {
  constructor(
    readonly parent: SignersNode | undefined,
    readonly id: string,
    readonly label: string,
    readonly icon: string,
    readonly tooltip?: string,
  ) {
    super();
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.tooltip = this.tooltip ?? this.label;
    item.contextValue = CONTEXT.message;
    return item;
  }
}

/**
 * A key allowed to sign, shown by its short ID; the full ID is in its tooltip and is what "Copy Key ID"
 * copies.
 */
export class KeyNode extends SignersNode {
  constructor(readonly parent: RoleNode, readonly key: DetailsKey) {
    super();
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.key.shortId, vscode.TreeItemCollapsibleState.None);
    item.id = `${this.parent.id}\nkey:${this.key.id}`;
    item.description = this.key.description;
    item.iconPath = new vscode.ThemeIcon('key');
    item.tooltip = this.key.tooltip.join('\n');
    item.contextValue = CONTEXT.key;
    return item;
  }
}

/** Someone or something that may sign, as its backend describes it (DCT: a signer, the release role, an administrative role), with its keys. */
export class RoleNode extends SignersNode {
  readonly #keys: KeyNode[];

  constructor(readonly parent: GroupNode, readonly role: DetailsRole) {
    super();
    this.#keys = role.keys.map((k) => new KeyNode(this, k));
  }

  get id(): string {
    return `${this.parent.id}\nrole:${this.role.id}`;
  }

  getTreeItem(): vscode.TreeItem {
    const r = this.role;
    const item = new vscode.TreeItem(r.label, this.#keys.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = r.description;
    item.iconPath = r.warning ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : badgeIcon(r.badge, r.icon);
    item.tooltip = r.tooltip.join('\n');
    item.contextValue = CONTEXT[r.context];
    return item;
  }

  override children(): SignersNode[] {
    return this.#keys;
  }
}

/** The icon of a verdict that is not `pass`. */
function verdictIcon(verdict: Verdict): vscode.ThemeIcon | undefined {
  if (verdict === 'fail') return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
  if (verdict === 'warn') return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  return undefined;
}

/** A released tag; its digest is what "Copy Digest" copies. */
export class TagNode extends SignersNode {
  constructor(readonly parent: GroupNode, readonly tag: DetailsTag) {
    super();
  }

  /** The open references to this tag (or its digest) that do not pass: signed is then not the whole story. */
  #failing(): CheckResult[] {
    const t = this.tag;
    return this.parent.parent.ref.failing.filter((r) => r.target.kind === 'reference'
      && (r.target.occurrence.ref.effectiveTag === t.tag || (r.target.occurrence.ref.tag === null && t.digest !== null && r.target.occurrence.ref.digest === t.digest)));
  }

  getTreeItem(): vscode.TreeItem {
    const t = this.tag;
    const failing = this.#failing();
    const item = new vscode.TreeItem(t.tag, vscode.TreeItemCollapsibleState.None);
    item.id = `${this.parent.id}\ntag:${t.tag}@${t.digest ?? ''}`;
    const worst = failing.find((r) => r.verdict === 'fail') ?? failing[0];
    item.description = `${t.digest ? `${t.digest.slice(0, 19)}…` : 'no sha256'} · ${t.signedBy}${worst ? ` · ${verdictHeadline(worst)}` : ''}`;
    item.iconPath = (worst && verdictIcon(worst.verdict)) ?? new vscode.ThemeIcon('tag');
    const lines = [t.tag, t.digest ?? 'released without a sha256: docker cannot pull it', `Signed by ${t.signedBy}`];
    for (const r of failing) lines.push(`${r.target.kind === 'reference' ? r.target.occurrence.text : ''}: ${verdictHeadline(r)}`);
    item.tooltip = lines.join('\n');
    item.contextValue = t.digest ? CONTEXT.tag : CONTEXT.tagWithoutDigest;
    return item;
  }
}

/** A group of one repository, as its backend gives it (DCT: "Signers", "Signed tags", "Administrative keys"). */
export class GroupNode extends SignersNode {
  readonly #children: SignersNode[];

  constructor(readonly parent: RepositoryNode, readonly group: DetailsGroup) {
    super();
    const items = group.items.map((item) => (item.kind === 'role' ? new RoleNode(this, item) : new TagNode(this, item)));
    this.#children = items.length > 0 ? items : [new MessageNode(this, `${this.id}\nempty`, group.empty, 'info')];
  }

  get kind(): string {
    return this.group.id;
  }

  get id(): string {
    return `${this.parent.id}\n${this.group.id}`;
  }

  getTreeItem(): vscode.TreeItem {
    const g = this.group;
    const item = new vscode.TreeItem(g.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(g.icon);
    const count = g.items.filter((i) => i.kind === 'tag' || i.counted).length;
    item.description = String(count);
    // `trustlens.group.signers`, `.tags` or `.admin`, so menus can tell the groups apart.
    item.contextValue = `${CONTEXT.group}.${g.id}`;
    return item;
  }

  override children(): SignersNode[] {
    return this.#children;
  }
}

/** What a repository node knows once its details were asked for; `outcome` is `verified` or the problem. */
export type RepositoryState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'loaded'; readonly outcome: { readonly kind: 'verified' } | DetailsProblem; readonly details: TrustDetails }
  | { readonly kind: 'error'; readonly message: string };

/** The state of a repository from its details. */
export function loadedState(details: TrustDetails): RepositoryState {
  return { kind: 'loaded', outcome: details.problem ?? { kind: 'verified' }, details };
}

/** What a failed load means, for a node's description and its one child. */
export function describeOutcome(state: RepositoryState): { short: string; detail: string; icon: string } | undefined {
  if (state.kind === 'loading') return { short: 'checking…', detail: 'Checking the trust data…', icon: 'loading~spin' };
  if (state.kind === 'error') return { short: 'error', detail: `error: ${state.message}`, icon: 'error' };
  return state.details.problem;
}

/** What tells apart two repositories of one name: the scheme and the host its evidence comes from (a URL, or `host/path`). */
function whereVerified(key: RepositoryKey): string {
  let host: string;
  try {
    host = new URL(key.server).host;
  } catch {
    host = key.server.split('/')[0] ?? key.server;
  }
  return key.scheme ? `${key.scheme} · ${host}` : host;
}

/** One repository the open documents reference. */
export class RepositoryNode extends SignersNode {
  readonly parent = undefined;
  #state: RepositoryState = { kind: 'loading' };
  #children: SignersNode[] | undefined;
  #load: Promise<void> | undefined;
  #stale = true;
  /** Expansions waiting for the load; their node is updated only after they have their children. */
  #expanding = 0;
  #updateAfterExpand = false;

  constructor(
    public ref: RepositoryRef,
    private readonly loader: (node: RepositoryNode) => Promise<RepositoryState>,
    private readonly changed: (node: RepositoryNode) => void,
    /** Whether another node has the same name (same GUN on another trust server). */
    public ambiguous = false,
  ) {
    super();
  }

  get id(): string {
    return this.ref.id;
  }

  get state(): RepositoryState {
    return this.#state;
  }

  /** Marks the data out of date; the next time the view asks, it is loaded again (the old one shows meanwhile). */
  invalidate(): void {
    this.#stale = true;
  }

  /** Loads the data if it is out of date; resolves when the latest load has finished. */
  ensureLoaded(): Promise<void> {
    if (this.#stale || !this.#load) {
      this.#stale = false;
      const load = this.loader(this).then((state) => {
        if (this.#load !== load) return;
        this.#state = state;
        this.#children = undefined;
        // An update of a node the view is expanding could fold it again: it waits for the children.
        if (this.#expanding > 0) this.#updateAfterExpand = true;
        else this.changed(this);
      });
      this.#load = load;
    }
    return this.#load;
  }

  getTreeItem(): vscode.TreeItem {
    void this.ensureLoaded();
    const item = new vscode.TreeItem(this.ref.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `repo:${this.id}`;
    item.contextValue = CONTEXT.repository;
    const problem = describeOutcome(this.#state);
    const details = this.#state.kind === 'loaded' && !this.#state.details.problem ? this.#state.details : undefined;
    const parts: string[] = [];
    if (problem) parts.push(problem.short);
    else if (details?.nearest) parts.push(badgeText(details.nearest.badge));
    if (this.ambiguous) parts.push(whereVerified(this.ref.key));
    // The verdict of its checked references first: verified trust data does not mean the policy is met.
    const verdict = this.ref.verdict === undefined ? undefined : VERDICT_WORDS[this.ref.verdict];
    item.description = verdict === undefined ? parts.join(' · ') : parts.length > 0 ? `${verdict} — ${parts.join(' · ')}` : verdict;
    item.iconPath = problem ? new vscode.ThemeIcon(problem.icon) : ((this.ref.verdict && verdictIcon(this.ref.verdict)) ?? badgeIcon(details?.nearest?.badge, 'verified'));
    const counts = GLANCE_ORDER.filter((s) => this.ref.statuses[s]).map((s) => `${this.ref.statuses[s]} ${GLANCE_SHORT[s]}`);
    const lines = [
      this.ref.key.gun,
      `Trust server: ${this.ref.key.server}`,
    ];
    const checked = this.ref.references - this.ref.unchecked;
    if (checked > 0) lines.push(`${verdict}: ${checked} reference${checked === 1 ? '' : 's'}: ${counts.join(', ')}`);
    for (const r of this.ref.failing) lines.push(`${r.target.kind === 'reference' ? r.target.occurrence.text : ''}: ${headline(r)}`);
    if (this.ref.unchecked > 0) lines.push(`${this.ref.unchecked} reference${this.ref.unchecked === 1 ? '' : 's'} in files that are not open, not checked yet`);
    if (problem) lines.push(problem.detail);
    if (details?.nearest) lines.push(`Soonest expiry: ${details.nearest.what}, ${details.nearest.badge.text}`);
    if (details) lines.push(...details.notes);
    item.tooltip = lines.join('\n');
    return item;
  }

  override async children(): Promise<SignersNode[]> {
    this.#expanding += 1;
    try {
      await this.ensureLoaded();
    } finally {
      this.#expanding -= 1;
    }
    const children = this.#childrenNow();
    if (this.#updateAfterExpand && this.#expanding === 0) {
      this.#updateAfterExpand = false;
      // After the children have gone to the view.
      setTimeout(() => this.changed(this), 0);
    }
    return children;
  }

  #childrenNow(): SignersNode[] {
    if (this.#children) return this.#children;
    const state = this.#state;
    if (state.kind === 'loaded' && !state.details.problem) {
      this.#children = state.details.groups.map((g) => new GroupNode(this, g));
    } else {
      const problem = describeOutcome(state);
      this.#children = problem ? [new MessageNode(this, `${this.id}\nstate`, problem.detail, problem.icon)] : [];
    }
    return this.#children;
  }
}
