/// <reference types="mocha" />
/**
 * The Signers view as a person meets it, on the real stack: it lists every repository that any
 * Dockerfile or compose file of the workspace references, opened or not, each once however it is
 * written, sorted as shown; it shows key IDs short (the full ID in the tooltip and in Copy Key ID) and
 * `targets/releases` as the release role, not as a signer; and its banner about an unreachable trust
 * server goes once the server answers. Files are written into the workspace and never opened.
 */
import * as assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TrustLensApi } from '../../src/extension';
import type { KeyNode, RepositoryNode } from '../../src/vscode/views/signersNodes';
import { freePort } from '../helpers/net/freePort';
import { SCENARIOS, type Scenario } from '../helpers/stack/scenarios';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';
import { childrenOf, type Shown } from './signersTree';
import { extension, fixtureFolder } from './suite/helpers';

/** A TCP proxy to the notary-server on a port of its own, which can be closed and opened again. */
class Proxy {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  constructor(readonly port: number, private readonly target: number) {}

  async open(): Promise<void> {
    this.#server = createServer((client) => {
      const upstream = createConnection(this.target, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => [client, upstream].forEach((x) => x.destroy()));
      }
      client.pipe(upstream).pipe(client);
    });
    this.#server.listen(this.port, '127.0.0.1');
    await once(this.#server, 'listening');
  }

  async close(): Promise<void> {
    if (!this.#server) return;
    for (const s of this.#sockets) s.destroy();
    this.#server.close();
    await once(this.#server, 'close');
    this.#server = undefined;
  }
}

/** Resolves with the view's repositories (labels and nodes) once `holds` accepts them, checked after every change the view announces. */
function repositoriesWhen(api: TrustLensApi, holds: (repositories: Shown[]) => boolean, what: string, timeoutMs = 60_000): Promise<Shown[]> {
  const provider = api.signers.provider;
  return new Promise((resolve, reject) => {
    let done = false;
    let last: string[] = [];
    const check = async () => {
      const shown = (await childrenOf(api)).filter((n) => n.contextValue === 'trustlens.repository');
      last = shown.map((n) => n.label);
      if (!done && holds(shown)) finish(undefined, shown);
    };
    const subscriptions = [provider.onDidChangeState(() => void check()), provider.onDidChangeTreeData(() => void check())];
    const timer = setTimeout(() => finish(new Error(`timed out waiting for the Signers view to show ${what} (last: ${last.join(', ')})`)), timeoutMs);
    const finish = (error: Error | undefined, value?: Shown[]) => {
      done = true;
      clearTimeout(timer);
      subscriptions.forEach((s) => s.dispose());
      if (error) reject(error);
      else resolve(value!);
    };
    void check();
  });
}

/** Resolves once the view's banner (its message) satisfies `holds`, checked after every state change. */
function messageWhen(api: TrustLensApi, holds: (message: string | undefined) => boolean, what: string): Promise<string | undefined> {
  const view = api.signers.treeView;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for the banner ${what} (last: ${view.message})`));
    }, 60_000);
    const check = () => {
      if (!holds(view.message)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(view.message);
    };
    const sub = api.signers.provider.onDidChangeState(() => setTimeout(check, 0));
    check();
  });
}

const item = (api: TrustLensApi, shown: Shown) => api.signers.provider.getTreeItem(shown.node) as vscode.TreeItem;

describe('Signers view: every repository of the workspace', function () {
  this.timeout(180_000);
  let stack: Stack;
  let docker: TestDockerConfig;
  let api: TrustLensApi;
  let twoSigners: Scenario;
  let targetsOnly: Scenario;
  let proxy: Proxy;
  /** A registry whose trust server is the proxy: unreachable until the proxy opens. */
  let behindProxy: string;
  let scratch: string;

  before(async function () {
    this.timeout(300_000);
    stack = await startStack();
    twoSigners = await SCENARIOS['two-signers'](stack);
    targetsOnly = await SCENARIOS['targets-only'](stack);
    proxy = new Proxy(await freePort(), Number(new URL(stack.notary.url).port));
    behindProxy = `127.0.0.1:${await freePort()}`;
    // Trust data for a repository of that registry, on the same notary-server.
    await stack.cli.init(`${behindProxy}/banner/app`);
    await stack.cli.publish(`${behindProxy}/banner/app`);
    docker = await makeDockerConfig([{ host: stack.notary.host, caPem: stack.notary.caPem }, { host: `127.0.0.1:${proxy.port}`, caPem: stack.notary.caPem }]);
    const config = vscode.workspace.getConfiguration('trustlens');
    await config.update('trustServers', {
      [stack.registry.host]: stack.notary.url,
      [behindProxy]: `https://127.0.0.1:${proxy.port}`,
      // Docker Hub's notary would be asked otherwise; nothing listens on port 9, so it fails at once.
      'docker.io': 'https://127.0.0.1:9',
    }, vscode.ConfigurationTarget.Global);
    await config.update('dockerConfigDir', docker.path, vscode.ConfigurationTarget.Global);
    api = (await extension().activate()) as TrustLensApi;
    // Written into the workspace, never opened: only the view's own listing can find them.
    scratch = join(fixtureFolder().uri.fsPath, `signers-list-${process.pid}`);
    await mkdir(join(scratch, 'deploy'), { recursive: true });
    await writeFile(join(scratch, 'Dockerfile'), `FROM ${twoSigners.gun}:v1\nFROM alpine:3.19\n`);
    await writeFile(join(scratch, 'deploy', 'compose.yaml'), [
      'services:',
      `  a: { image: "${targetsOnly.gun}:multi" }`,
      '  b: { image: index.docker.io/library/alpine:3.20 }',
      '  c: { image: docker.io/alpine }',
      `  d: { image: "${behindProxy}/banner/app:1" }`,
      '',
    ].join('\n'));
  });

  after(async () => {
    const config = vscode.workspace.getConfiguration('trustlens');
    await config.update('trustServers', undefined, vscode.ConfigurationTarget.Global);
    await config.update('dockerConfigDir', undefined, vscode.ConfigurationTarget.Global);
    await rm(scratch ?? '', { recursive: true, force: true });
    await proxy?.close();
    await docker?.remove();
    await stack?.stop();
  });

  it('lists the repositories of files that are not open, each once however it is written, sorted as shown', async () => {
    const open = vscode.workspace.textDocuments.filter((d) => d.uri.fsPath.startsWith(scratch));
    assert.deepEqual(open.map((d) => d.uri.fsPath), [], 'none of the files is open');
    const wanted = [twoSigners.gun, targetsOnly.gun, 'alpine', `${behindProxy}/banner/app`];
    const repos = await repositoriesWhen(api, (r) => wanted.every((w) => r.some((n) => n.label === w)), wanted.join(', '));
    const labels = repos.map((r) => r.label);
    for (const name of wanted) assert.equal(labels.filter((l) => l === name).length, 1, `${name} once in ${labels.join(', ')}`);
    assert.deepEqual(labels, [...labels].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })), 'sorted by the name shown');
    const alpine = repos.find((r) => r.label === 'alpine')!.node as RepositoryNode;
    assert.equal(alpine.ref.key.gun, 'docker.io/library/alpine');
    assert.equal(alpine.ref.unchecked, 3, 'alpine:3.19, index.docker.io/library/alpine:3.20 and docker.io/alpine');
    assert.match(String(item(api, repos.find((r) => r.label === 'alpine')!).tooltip), /3 references in files that are not open/);
  });

  it('follows files as they are created and deleted', async () => {
    const extra = join(scratch, 'extra.Dockerfile');
    await writeFile(extra, `FROM ${behindProxy}/banner/other:1\n`);
    await repositoriesWhen(api, (r) => r.some((n) => n.label === `${behindProxy}/banner/other`), 'the repository of a new file');
    await rm(extra);
    await repositoriesWhen(api, (r) => !r.some((n) => n.label === `${behindProxy}/banner/other`), 'the repository of the deleted file gone');
  });

  it('shows the release role as such, and key IDs short, full in the tooltip and in Copy Key ID', async () => {
    const repos = await repositoriesWhen(api, (r) => r.some((n) => n.label === twoSigners.gun && (n.node as RepositoryNode).state.kind === 'loaded'), twoSigners.gun);
    const groups = await childrenOf(api, repos.find((r) => r.label === twoSigners.gun)!.node);
    const signersGroup = groups.find((g) => g.label === 'Signers')!;
    assert.equal(item(api, signersGroup).description, '2', 'alice and bob: the release role is not counted as a signer');
    const roles = await childrenOf(api, signersGroup.node);
    assert.deepEqual(roles.map((r) => r.label), ['Release role', 'alice', 'bob']);
    assert.match(String(item(api, roles[0]!).description), /^targets\/releases · threshold 1 · expires \d{4}-\d\d-\d\d$/);
    assert.equal(roles[0]!.contextValue, 'trustlens.role.release', 'the release role can be renewed, not removed as a signer');
    assert.deepEqual(roles.slice(1).map((r) => r.contextValue), ['trustlens.role.signer', 'trustlens.role.signer']);

    for (const expected of twoSigners.expected.signers) {
      const keys = await childrenOf(api, roles.find((r) => r.label === expected.name)!.node);
      assert.deepEqual(keys.map((k) => k.label), expected.keyIds.map((id) => id.slice(0, 7)));
      const full = expected.keyIds[0]!;
      assert.match(String(item(api, keys[0]!).tooltip), new RegExp(`^Key ID ${full} `));
      await vscode.commands.executeCommand('trustlens.copyKeyId', keys[0]!.node);
      assert.equal(await vscode.env.clipboard.readText(), full, 'Copy Key ID copies the full ID');
    }
    // The release role's keys are the signers' keys, named by who holds them.
    const releaseKeys = await childrenOf(api, roles[0]!.node);
    assert.deepEqual(releaseKeys.map((k) => [k.label, String(item(api, k).description).split(' · ')[0]]).sort(),
      twoSigners.expected.signers.map((s) => [s.keyIds[0]!.slice(0, 7), s.name]).sort());
    assert.ok(releaseKeys.every((k) => (k.node as KeyNode).key.id.length === 64));

    // The Keys node shows the keys on this machine the same way.
    const keysNode = (await childrenOf(api)).at(-1)!;
    for (const k of await childrenOf(api, keysNode.node)) {
      if (k.contextValue === 'trustlens.message') continue;
      assert.match(String(item(api, k).description), /^[0-9a-f]{7}( · |$)/);
    }
  });

  it('shows an unreachable trust server in the banner, and takes it away once the server answers', async () => {
    const gun = `${behindProxy}/banner/app`;
    await repositoriesWhen(api, (r) => r.some((n) => n.label === gun), gun);
    await api.signers.provider.getChildren();
    const down = await messageWhen(api, (m) => m?.includes(gun) === true, `to name ${gun}`);
    assert.match(down ?? '', /unreachable/);

    await proxy.open();
    // What a person does once the server is back: Refresh in the view's title bar.
    await vscode.commands.executeCommand('trustlens.refresh');
    await messageWhen(api, (m) => !m?.includes(gun), `to stop naming ${gun}`);
    const node = api.signers.provider.repositories.find((n) => n.ref.name === gun)!;
    assert.equal(node.state.kind === 'loaded' && node.state.outcome.kind, 'verified');
  });
});
