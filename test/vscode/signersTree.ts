/** Reading the Signers view through the extension's API, and waiting for it to show something. */
import * as vscode from 'vscode';
import type { TrustLensApi } from '../../src/extension';
import type { SignersNode } from '../../src/vscode/views/signersNodes';

/** A node with what the view shows for it. */
export interface Shown {
  readonly label: string;
  readonly contextValue: string | undefined;
  readonly node: SignersNode;
}

/** The children of `node` (the repositories without one), as shown. */
export async function childrenOf(api: TrustLensApi, node?: SignersNode): Promise<Shown[]> {
  const provider = api.signers.provider;
  return ((await provider.getChildren(node)) ?? []).map((n) => {
    const item = provider.getTreeItem(n) as vscode.TreeItem;
    return { label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''), contextValue: item.contextValue, node: n };
  });
}

/** What the view shows for one repository: its signer names, signed tags and their nodes. */
export interface RepositoryView {
  readonly repository: Shown;
  readonly signers: Shown[];
  readonly tags: Shown[];
  readonly groups: Shown[];
  /** The administrative roles (`Root`, `Repository`) with the labels of their keys (short IDs). */
  readonly adminKeys: Readonly<Record<string, readonly string[]>>;
}

/** The repository labelled `gun`, read fresh from the provider; undefined when not shown or not loaded. */
export async function repositoryView(api: TrustLensApi, gun: string): Promise<RepositoryView | undefined> {
  const repository = (await childrenOf(api)).find((r) => r.label === gun);
  if (!repository) return undefined;
  const groups = await childrenOf(api, repository.node);
  const group = (label: string) => groups.find((g) => g.label === label);
  const signersGroup = group('Signers');
  const tagsGroup = group('Signed tags');
  if (!signersGroup || !tagsGroup) return undefined;
  const real = (nodes: Shown[]) => nodes.filter((n) => n.contextValue !== 'trustlens.message');
  const adminGroup = group('Administrative keys');
  const adminRoles = adminGroup ? real(await childrenOf(api, adminGroup.node)) : [];
  const adminKeys = Object.fromEntries(await Promise.all(adminRoles.map(async (r) => [r.label, (await childrenOf(api, r.node)).map((k) => k.label)] as const)));
  return { repository, groups, signers: real(await childrenOf(api, signersGroup.node)), tags: real(await childrenOf(api, tagsGroup.node)), adminKeys };
}

/**
 * Resolves with the repository's view once `holds` accepts it: checked now and after each change
 * the view announces, failing after `timeoutMs`.
 */
export function waitForRepository(api: TrustLensApi, gun: string, holds: (view: RepositoryView) => boolean, timeoutMs: number, what: string): Promise<RepositoryView> {
  return new Promise((resolve, reject) => {
    let done = false;
    let last = 'not shown';
    const check = async () => {
      if (done) return;
      const view = await repositoryView(api, gun).catch(() => undefined);
      if (view) last = `signers ${view.signers.map((s) => s.label).join(', ')}; tags ${view.tags.map((t) => t.label).join(', ')}`;
      if (view && holds(view) && !done) finish(undefined, view);
    };
    const subscriptions = [api.signers.provider.onDidChangeTreeData(() => void check()), api.signers.provider.onDidChangeState(() => void check())];
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for the Signers view to show ${what} (last: ${last})`)), timeoutMs);
    const finish = (error: Error | undefined, view?: RepositoryView) => {
      done = true;
      clearTimeout(timer);
      for (const s of subscriptions) s.dispose();
      if (error) reject(error);
      else resolve(view!);
    };
    void check();
  });
}
