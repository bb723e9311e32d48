/**
 * The Signers view's "Keys" node: the private keys on this machine, in docker's trust dir
 * (`<docker config>/trust/private`, shared with docker trust and notary), read from file names and
 * PEM headers without decrypting anything. Generate Key… and Load Key… hang off this node.
 */
import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { KeyInfo } from '../../core/trust/dct/keys/keyFiles';
import { shortKeyId } from '../../core/model/keyId';
import { MessageNode, SignersNode } from '../views/signersNodes';
import type { TrailingNodes } from '../views/signersView';
import type { TrustLensServices } from '../services';
import { keyStore } from './publishing';

export const LOCAL_KEYS_CONTEXT = {
  keys: 'trustlens.keys',
  /** Matches the manifest's `viewItem =~ /keyId/`, so "Copy Key ID" is offered. */
  key: 'trustlens.localKey.keyId',
} as const;

/** Lists the keys again (after Generate Key… or Load Key…); not in the command palette. */
export const REFRESH_KEYS_COMMAND = 'trustlens.refreshKeys';

/** Roles whose keys administer a repository rather than sign as a signer. */
const ADMIN_ROLES = new Set(['root', 'targets', 'snapshot', 'timestamp']);

/** What a key signs as, for people: `alice`, `repository key of registry.example.com/app`, `root key`. */
export function describeLocalKey(key: KeyInfo): { label: string; description: string } {
  const short = shortKeyId(key.keyId);
  if (key.role === 'root') return { label: 'root key', description: short };
  if (key.role === 'targets') return { label: 'repository key', description: `${short} · ${key.gun ?? 'unknown repository'}` };
  if (ADMIN_ROLES.has(key.role)) return { label: `${key.role} key`, description: `${short} · ${key.gun ?? 'unknown repository'}` };
  if (key.role === '') return { label: 'key without a role', description: short };
  return { label: key.role, description: `${short} · signer key` };
}

/** Signer keys first (by name), then repository keys, then root keys. */
function order(key: KeyInfo): number {
  if (!ADMIN_ROLES.has(key.role)) return 0;
  return key.role === 'root' ? 2 : 1;
}

/** One private key on this machine; its ID is what "Copy Key ID" copies. */
export class LocalKeyNode extends SignersNode {
  constructor(readonly parent: LocalKeysNode, readonly key: KeyInfo) {
    super();
  }

  getTreeItem(): vscode.TreeItem {
    const { label, description } = describeLocalKey(this.key);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = `keys\nkey:${this.key.keyId}`;
    item.description = description;
    item.iconPath = new vscode.ThemeIcon('key');
    const lines = [`Key ID ${this.key.keyId}`, `Role: ${this.key.role || '(none)'}`];
    if (this.key.gun) lines.push(`Repository: ${this.key.gun}`);
    lines.push(this.key.encrypted ? 'Encrypted with a passphrase' : 'NOT encrypted: anyone who can read the file can sign with it', this.key.path);
    item.tooltip = lines.join('\n');
    item.contextValue = LOCAL_KEYS_CONTEXT.key;
    return item;
  }
}

/** The "Keys" node: lists the key files each time it is expanded or refreshed. */
export class LocalKeysNode extends SignersNode {
  readonly parent = undefined;
  #keys: readonly KeyInfo[] | undefined;

  constructor(
    private readonly list: () => Promise<KeyInfo[]>,
    private readonly dir: () => string,
  ) {
    super();
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Keys', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = 'keys';
    item.iconPath = new vscode.ThemeIcon('key');
    if (this.#keys) item.description = `${this.#keys.length} on this machine`;
    item.tooltip = `Private keys in ${this.dir()}, shared with docker trust and notary. Generate or load a signer key from this node's menu.`;
    item.contextValue = LOCAL_KEYS_CONTEXT.keys;
    return item;
  }

  override async children(): Promise<SignersNode[]> {
    let keys: KeyInfo[];
    try {
      keys = await this.list();
    } catch (e) {
      this.#keys = undefined;
      return [new MessageNode(this, 'keys\nerror', `Cannot read ${this.dir()}`, 'error', describeError(e))];
    }
    this.#keys = keys;
    if (keys.length === 0) return [new MessageNode(this, 'keys\nnone', 'No keys yet: generate or load one from this node\'s menu', 'info')];
    const sorted = [...keys].sort((a, b) => order(a) - order(b) || a.role.localeCompare(b.role) || a.keyId.localeCompare(b.keyId));
    return sorted.map((k) => new LocalKeyNode(this, k));
  }
}

/** The Keys node as the Signers view lists it after the repositories. */
export function localKeysNodes(services: TrustLensServices): TrailingNodes {
  return {
    node: new LocalKeysNode(() => keyStore(services).list(), () => keyStore(services).privateDir),
    refreshCommand: REFRESH_KEYS_COMMAND,
    keyIdOf: (node) => (node instanceof LocalKeyNode ? node.key.keyId : undefined),
  };
}
