import * as vscode from 'vscode';
import type { RepositoryOutcome } from '../../core/trust/dct/outcome';
import type { ExpiryBadge, KeyModel, RepositoryRef, RoleModel, SignersModel, TagModel } from '../../core/trust/signersModel';
import { GLANCE_ORDER, GLANCE_SHORT, VERDICT_WORDS, headline, verdictHeadline } from '../../core/report/statusSummary';
import type { CheckResult } from '../../core/trust/checkResult';
import type { Verdict } from '../../core/trust/verdict';
import { shortKeyId } from '../../core/trust/dct/keys/keyId';
import { RELEASES_ROLE } from '../../core/trust/dct/tuf/roleNames';

/** The context values the manifest's menus match on (`viewItem`). */
export const CONTEXT = {
  repository: 'trustlens.repository',
  group: 'trustlens.group',
  role: 'trustlens.role',
  /** A signer's own role (not `releases`): one that can be removed. */
  signerRole: 'trustlens.role.signer',
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

function badgeText(badge: ExpiryBadge): string {
  if (badge.state === 'expired') return `${badge.text} (${-badge.daysLeft} days ago)`;
  return badge.state === 'soon' ? `${badge.text} (in ${badge.daysLeft} days)` : badge.text;
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
 * A key allowed to sign for a role, shown by its short ID; the full ID is in its tooltip and is what
 * "Copy Key ID" copies. A key of the release role names the signers who hold it.
 */
export class KeyNode extends SignersNode {
  constructor(readonly parent: RoleNode, readonly key: KeyModel, readonly holders: readonly string[] = []) {
    super();
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(shortKeyId(this.key.id), vscode.TreeItemCollapsibleState.None);
    item.id = `${this.parent.id}\nkey:${this.key.id}`;
    item.description = [...this.holders, this.key.keytype].join(' · ');
    item.iconPath = new vscode.ThemeIcon('key');
    const lines = [`Key ID ${this.key.id} (${this.key.keytype})`];
    if (this.key.tufId !== this.key.id) lines.push(`TUF key ID ${this.key.tufId}`);
    if (this.holders.length > 0) lines.push(`The key of ${this.holders.join(', ')}`);
    item.tooltip = lines.join('\n');
    item.contextValue = CONTEXT.key;
    return item;
  }
}

/** Whose keys are which: key ID → the signers whose own role lists it. */
function keyHolders(signers: readonly RoleModel[]): Map<string, string[]> {
  const holders = new Map<string, string[]>();
  for (const r of signers) {
    if (r.role === RELEASES_ROLE) continue;
    for (const k of r.keys) holders.set(k.id, [...(holders.get(k.id) ?? []), r.label]);
  }
  return holders;
}

/**
 * A signer's role (`alice`), the release role (`targets/releases`, which every signer signs into and
 * docker trusts tags from) or an administrative role (`Root`, `Repository`), with its keys.
 */
export class RoleNode extends SignersNode {
  readonly #keys: KeyNode[];

  constructor(readonly parent: GroupNode, readonly role: RoleModel, holders: ReadonlyMap<string, readonly string[]> = new Map()) {
    super();
    this.#keys = role.keys.map((k) => new KeyNode(this, k, holders.get(k.id) ?? []));
  }

  /** Whether this is `targets/releases`: the role docker trusts tags from, not a signer. */
  get isReleaseRole(): boolean {
    return this.role.role === RELEASES_ROLE;
  }

  get id(): string {
    return `${this.parent.id}\nrole:${this.role.role}`;
  }

  getTreeItem(): vscode.TreeItem {
    const r = this.role;
    const item = new vscode.TreeItem(this.isReleaseRole ? 'Release role' : r.label, this.#keys.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const parts = [...(this.isReleaseRole ? [RELEASES_ROLE] : []), `threshold ${r.threshold}`];
    if (r.state === 'verified' && r.badge) parts.push(badgeText(r.badge));
    if (r.state === 'unpublished') parts.push('never signed');
    if (r.state === 'ignored') parts.push('ignored');
    item.description = parts.join(' · ');
    const fallback = this.parent.kind === 'admin' ? 'shield' : this.isReleaseRole ? 'rocket' : 'person';
    item.iconPath = r.state === 'ignored' ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : badgeIcon(r.badge, fallback);
    const lines = [`${r.role}: ${r.keys.length} key${r.keys.length === 1 ? '' : 's'}, threshold ${r.threshold}`];
    if (this.isReleaseRole) lines.push('The release role: docker trusts the tags it holds. Every signer added with Add Signer can sign it.');
    if (r.version !== undefined) lines.push(`version ${r.version}`);
    if (r.badge) lines.push(r.badge.text);
    if (r.state === 'unpublished') lines.push('Declared, but never signed into the trust data.');
    if (r.problem) lines.push(`Ignored, as docker ignores it: ${r.problem}`);
    item.tooltip = lines.join('\n');
    const removable = this.parent.kind === 'signers' && /^targets\/[^/]+$/.test(r.role) && !this.isReleaseRole;
    item.contextValue = removable ? CONTEXT.signerRole : CONTEXT.role;
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
  constructor(readonly parent: GroupNode, readonly tag: TagModel) {
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

type GroupKind = 'signers' | 'tags' | 'admin';
const GROUP_LABELS: Record<GroupKind, { label: string; icon: string; empty: string }> = {
  signers: { label: 'Signers', icon: 'organization', empty: 'No signers: only the repository key signs' },
  tags: { label: 'Signed tags', icon: 'tag', empty: 'No signed tags' },
  admin: { label: 'Administrative keys', icon: 'shield', empty: 'No administrative keys' },
};

/** "Signers", "Signed tags" or "Administrative keys" of one repository. */
export class GroupNode extends SignersNode {
  readonly #children: SignersNode[];

  constructor(readonly parent: RepositoryNode, readonly kind: GroupKind, model: SignersModel) {
    super();
    const holders = keyHolders(model.signers);
    const items = kind === 'signers' ? model.signers.map((r) => new RoleNode(this, r, holders))
      : kind === 'admin' ? model.admin.map((r) => new RoleNode(this, r))
        : model.tags.map((t) => new TagNode(this, t));
    this.#children = items.length > 0 ? items : [new MessageNode(this, `${this.id}\nempty`, GROUP_LABELS[kind].empty, 'info')];
  }

  get id(): string {
    return `${this.parent.id}\n${this.kind}`;
  }

  getTreeItem(): vscode.TreeItem {
    const g = GROUP_LABELS[this.kind];
    const item = new vscode.TreeItem(g.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(g.icon);
    // The release role is listed with the signers but is not one of them.
    const count = this.#children.filter((c) => !(c instanceof MessageNode) && !(c instanceof RoleNode && c.isReleaseRole)).length;
    item.description = String(count);
    // `trustlens.group.signers`, `.tags` or `.admin`, so menus can tell the groups apart.
    item.contextValue = `${CONTEXT.group}.${this.kind}`;
    return item;
  }

  override children(): SignersNode[] {
    return this.#children;
  }
}

/** What a repository node knows once its trust data was asked for. */
export type RepositoryState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'loaded'; readonly outcome: RepositoryOutcome; readonly model: SignersModel | undefined }
  | { readonly kind: 'error'; readonly message: string };

/** What a failed outcome means, for a node's description and its one child. */
export function describeOutcome(state: RepositoryState): { short: string; detail: string; icon: string } | undefined {
  if (state.kind === 'loading') return { short: 'checking…', detail: 'Checking the trust data…', icon: 'loading~spin' };
  if (state.kind === 'error') return { short: 'error', detail: `error: ${state.message}`, icon: 'error' };
  const o = state.outcome;
  switch (o.kind) {
    case 'verified':
      return undefined;
    case 'unverifiable':
      return { short: 'trust server unreachable', detail: `trust server unreachable: ${o.message}`, icon: 'debug-disconnect' };
    case 'no-trust-data':
      return { short: 'no trust data', detail: `no trust data: ${o.message}`, icon: 'circle-slash' };
    case 'expired':
      return { short: 'trust data expired', detail: `trust data expired${o.role ? ` (${o.role})` : ''}: ${o.message}`, icon: 'error' };
    case 'invalid':
      return { short: 'trust data failed verification', detail: `trust data failed verification${o.role ? ` (${o.role})` : ''}: ${o.message}`, icon: 'error' };
  }
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
    const model = this.#state.kind === 'loaded' ? this.#state.model : undefined;
    const parts: string[] = [];
    if (problem) parts.push(problem.short);
    else if (model?.nearest) parts.push(badgeText(model.nearest.badge));
    if (this.ambiguous) parts.push(new URL(this.ref.key.server).host);
    // The verdict of its checked references first: verified trust data does not mean the policy is met.
    const verdict = this.ref.verdict === undefined ? undefined : VERDICT_WORDS[this.ref.verdict];
    item.description = verdict === undefined ? parts.join(' · ') : parts.length > 0 ? `${verdict} — ${parts.join(' · ')}` : verdict;
    item.iconPath = problem ? new vscode.ThemeIcon(problem.icon) : ((this.ref.verdict && verdictIcon(this.ref.verdict)) ?? badgeIcon(model?.nearest?.badge, 'verified'));
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
    if (model?.nearest) lines.push(`Soonest expiry: ${model.nearest.role}, ${model.nearest.badge.text}`);
    if (model) for (const r of model.server) if (r.badge) lines.push(`${r.role}: ${r.badge.text} (usually re-signed by the trust server)`);
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
    if (state.kind === 'loaded' && state.model) {
      const model = state.model;
      this.#children = [new GroupNode(this, 'signers', model), new GroupNode(this, 'tags', model), new GroupNode(this, 'admin', model)];
    } else {
      const problem = describeOutcome(state);
      this.#children = problem ? [new MessageNode(this, `${this.id}\nstate`, problem.detail, problem.icon)] : [];
    }
    return this.#children;
  }
}
