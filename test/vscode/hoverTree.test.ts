/// <reference types="mocha" />
/**
 * The hover and the Signers view inside a real VS Code, against the real stack: repositories signed
 * with the real notary CLI, a real registry holding an image and a multi-platform index, and a trust
 * server that cannot be reached. What the hover says and what the tree holds are read back through
 * VS Code itself (`vscode.executeHoverProvider`, the TreeView and the extension's commands).
 */
import * as assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TrustLensApi } from '../../src/extension';
import type { SignersNode } from '../../src/vscode/views/signersNodes';
import { SCENARIOS, type Scenario } from '../helpers/stack/scenarios';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';
import { verdictsWhen } from './diagnosticsHost';
import { extension } from './suite/helpers';

/** A loopback port nothing listens on: its trust server is unreachable. */
const DEAD_REGISTRY = '127.0.0.1:9';
/** Other tests may leave documents open; this name is only this file's. */
const OFFLINE_REPOSITORY = `${DEAD_REGISTRY}/hover-tree/offline`;

interface ShownItem {
  label: string;
  description: string;
  contextValue: string | undefined;
  node: SignersNode;
}

function shown(node: SignersNode, provider: vscode.TreeDataProvider<SignersNode>): ShownItem {
  const item = provider.getTreeItem(node) as vscode.TreeItem;
  const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
  return { label, description: typeof item.description === 'string' ? item.description : '', contextValue: item.contextValue, node };
}

async function children(api: TrustLensApi, node?: SignersNode): Promise<ShownItem[]> {
  const list = (await api.signers.provider.getChildren(node)) ?? [];
  return list.map((n) => shown(n, api.signers.provider));
}

async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  // The registry is asked once per digest; a first hover may come back before it answers.
  for (let attempt = 0; ; attempt += 1) {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
    const text = hovers
      .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
      .find((t) => t.startsWith('**TrustLens**')) ?? '';
    if (!text.includes('has not answered yet') || attempt >= 5) return text;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

describe('hover and Signers view on the real stack', function () {
  this.timeout(300_000);
  let stack: Stack;
  let docker: TestDockerConfig;
  let dir: TempDir;
  let api: TrustLensApi;
  let twoSigners: Scenario;
  let targetsOnly: Scenario;
  let doc: vscode.TextDocument;

  before(async () => {
    stack = await startStack();
    twoSigners = await SCENARIOS['two-signers'](stack);
    targetsOnly = await SCENARIOS['targets-only'](stack);
    docker = await makeDockerConfig([{ host: stack.notary.host, caPem: stack.notary.caPem }]);
    const config = vscode.workspace.getConfiguration('trustlens');
    await config.update('trustServers', { [stack.registry.host]: stack.notary.url, [DEAD_REGISTRY]: `https://${DEAD_REGISTRY}` }, vscode.ConfigurationTarget.Global);
    await config.update('dockerConfigDir', docker.path, vscode.ConfigurationTarget.Global);
    api = (await extension().activate()) as TrustLensApi;
    // Outside the fixture workspace, so nothing is left behind in it.
    dir = await makeTempDir('hover-tree');
    const file = join(dir.path, 'Dockerfile');
    await writeFile(file, [
      `FROM ${twoSigners.gun}:v1`,
      `FROM ${targetsOnly.gun}:multi`,
      `FROM ${twoSigners.gun}:never-signed`,
      `FROM ${OFFLINE_REPOSITORY}:1.0`,
      '',
    ].join('\n'));
    doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
    await api.checkDocument(doc, true);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const config = vscode.workspace.getConfiguration('trustlens');
    await config.update('trustServers', undefined, vscode.ConfigurationTarget.Global);
    await config.update('dockerConfigDir', undefined, vscode.ConfigurationTarget.Global);
    await docker?.remove();
    await dir?.remove();
    await stack?.stop();
  });

  it('checks every reference of the document', () => {
    assert.deepEqual(api.services.results.get(doc.uri).map((r) => r.status), ['signed', 'signed', 'unsigned', 'unverifiable']);
  });

  it('hovers a signed tag with its platform manifest, signers, every role\'s expiry and the root pin', async () => {
    const text = await hoverText(doc.uri, new vscode.Position(0, 8));
    assert.match(text, /\n\*\*Pass — Signed\*\*\n/);
    assert.ok(text.includes(`Signed digest: \`${twoSigners.images.v1!.digest}\` — platform manifest`), text);
    assert.match(text, /Role: targets\\\/releases/);
    assert.match(text, /Signed by: alice, bob/);
    assert.ok(text.includes(`Trust server: ${stack.notary.url.replace(/[!-/:-@[-`{-~]/g, '\\$&')}`), text);
    assert.match(text, /Root: pinned on first use (just now|on \d{4}-\d\d-\d\d \d\d:\d\d UTC) \(trust on first use, root version 2\)/);
    for (const role of ['root', 'targets', 'targets\\\\\\/releases', 'targets\\\\\\/alice', 'targets\\\\\\/bob', 'snapshot', 'timestamp']) {
      assert.match(text, new RegExp(`\\n- (\\*\\*)?${role}: \\d{4}-\\d\\d-\\d\\d \\(in \\d+ days`), `${role} in\n${text}`);
    }
    assert.equal(text.match(/ — soonest\*\*/g)?.length, 1, text);
    // Under each expiry, who renews it, and the command in code.
    const gun = twoSigners.gun;
    for (const line of [
      `  Renewed by the root key holder\\, by rotating the root key: \`trustlens key rotate ${gun} root\``,
      `  Renewed by the repository key holder\\, by signing targets again as it is: \`trustlens witness ${gun} targets\``,
      `  Renewed by a signer of the release role \\(alice\\, bob\\)\\, by signing the tag again: \`trustlens sign ${gun}:v1 --signer alice\``,
      `  Renewed by signer bob\\, by signing the tag again: \`trustlens sign ${gun}:v1 --signer bob\``,
      "  Renewed by the trust server\\, automatically\\, when it holds the snapshot key \\(as docker trust sets it up\\)\\; else the repository owner\\'s next publish",
      '  Renewed by the trust server\\, automatically',
    ]) assert.ok(text.includes(`  \n${line}\n`), `${line}\nin\n${text}`);
    assert.match(text, /\[Show signers\]\(command:trustlens\.showSigners\?/);
  });

  it('hovers a multi-platform index signed by the repository key', async () => {
    const text = await hoverText(doc.uri, new vscode.Position(1, 8));
    assert.ok(text.includes(`Signed digest: \`${targetsOnly.images.multi!.digest}\` — multi-platform index`), text);
    assert.match(text, /Role: targets {2}\n/);
    assert.match(text, /Signed by: the repository key \(Repo Admin\)/);
  });

  it('hovers an unsigned tag and an unreachable trust server with their findings', async () => {
    const unsigned = await hoverText(doc.uri, new vscode.Position(2, 8));
    assert.match(unsigned, /\n\*\*Fail — Not signed\*\*\n/);
    assert.doesNotMatch(unsigned, /Signed digest/);
    assert.match(unsigned, /\*\*Findings\*\*\n\n- Error \(unsigned\\-tag\): /);
    const offline = await hoverText(doc.uri, new vscode.Position(3, 8));
    assert.match(offline, /\*\*Fail — Unknown: the trust data could not be checked\*\*/);
    assert.match(offline, /- Info \(unverifiable\): Could not verify .* refused the connection\\\. .* {2}\n {2}Detail: cannot reach https\\:\\\/\\\/127\\\.0\\\.0\\\.1\\:9\\\/v2\\\/.*ECONNREFUSED/);
  });

  it('gives no hover outside an image reference', async () => {
    assert.equal(await hoverText(doc.uri, new vscode.Position(0, 1)), '');
  });

  it('lists each repository with its signers, signed tags and administrative keys', async () => {
    const root = await children(api);
    // The repositories, then the Keys node (the keys on this machine).
    assert.deepEqual(root.slice(-1).map((n) => [n.label, n.contextValue]), [['Keys', 'trustlens.keys']]);
    const repos = root.slice(0, -1);
    const labels = repos.map((r) => r.label);
    for (const name of [OFFLINE_REPOSITORY, targetsOnly.gun, twoSigners.gun]) assert.equal(labels.filter((l) => l === name).length, 1, name);
    assert.deepEqual(labels, [...labels].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })), 'sorted by name');
    assert.ok(repos.every((r) => r.contextValue === 'trustlens.repository'));

    const repo = repos.find((r) => r.label === twoSigners.gun)!;
    const groups = await children(api, repo.node);
    assert.deepEqual(groups.map((g) => [g.label, g.description]), [['Signers', '2'], ['Signed tags', '1'], ['Administrative keys', '2']]);
    // The worst verdict of its references first: `never-signed` fails.
    assert.match(shown(repo.node, api.signers.provider).description, /^Fail — expires \d{4}-\d\d-\d\d$/);
    assert.match(shown(repos.find((r) => r.label === targetsOnly.gun)!.node, api.signers.provider).description, /^Pass — expires \d{4}-\d\d-\d\d$/);

    const signers = await children(api, groups[0]!.node);
    assert.deepEqual(signers.map((s) => s.label), ['Release role', 'alice', 'bob']);
    for (const s of signers) assert.match(s.description, /^(targets\/releases · )?threshold 1 · expires \d{4}-\d\d-\d\d$/);
    for (const expected of twoSigners.expected.signers) {
      const keys = await children(api, signers.find((s) => s.label === expected.name)!.node);
      assert.deepEqual(keys.map((k) => k.label), expected.keyIds.map((id) => id.slice(0, 7)));
      assert.ok(keys.every((k) => k.contextValue === 'trustlens.key.keyId'));
    }

    const tags = await children(api, groups[1]!.node);
    assert.deepEqual(tags.map((t) => [t.label, t.contextValue]), [['v1', 'trustlens.tag.digest']]);
    assert.equal(tags[0]!.description, `${twoSigners.images.v1!.digest.slice(0, 19)}… · alice, bob`);

    const admin = await children(api, groups[2]!.node);
    assert.deepEqual(admin.map((a) => a.label), ['Root', 'Repository']);

    const index = repos.find((r) => r.label === targetsOnly.gun)!;
    const indexTags = await children(api, (await children(api, index.node))[1]!.node);
    assert.deepEqual(indexTags.map((t) => t.label), ['multi', 'v1']);
    assert.ok(indexTags.every((t) => t.description.endsWith(' · Repo Admin')));
  });

  it('shows an unreachable trust server as a node and in the view message, never as signers', async () => {
    const offline = (await children(api)).find((r) => r.label === OFFLINE_REPOSITORY)!;
    const nodes = await children(api, offline.node);
    assert.equal(nodes.length, 1);
    assert.match(nodes[0]!.label, /^trust server unreachable: /);
    assert.equal(nodes[0]!.contextValue, 'trustlens.message');
    assert.equal(shown(offline.node, api.signers.provider).description, 'Fail — trust server unreachable');
    // One unreachable repository is named with the reason; several (other tests' too) by name.
    const message = api.signers.treeView.message ?? '';
    assert.ok(message.startsWith(`${OFFLINE_REPOSITORY}: trust server unreachable: `) || (message.startsWith('Trust server unreachable for ') && message.includes(OFFLINE_REPOSITORY)), message);
  });

  it('reveals a repository with trustlens.showSigners, by name or as a quick fix passes it', async () => {
    assert.equal(await vscode.commands.executeCommand('trustlens.showSigners', twoSigners.gun), true);
    assert.equal(shown(api.signers.treeView.selection[0]!, api.signers.provider).label, twoSigners.gun);
    assert.equal(api.signers.treeView.visible, true);
    assert.equal(await vscode.commands.executeCommand('trustlens.showSigners', { repository: targetsOnly.gun, server: stack.notary.url }), true);
    assert.equal(shown(api.signers.treeView.selection[0]!, api.signers.provider).label, targetsOnly.gun);
    assert.equal(await vscode.commands.executeCommand('trustlens.showSigners', 'docker.io/library/not-open'), false);
    assert.match(api.signers.treeView.message ?? '', /not referenced by a Dockerfile or compose file of this workspace, nor by an open one/);
  });

  it('refreshes one repository from the trust server', async () => {
    const repo = (await children(api)).find((r) => r.label === twoSigners.gun)!;
    await vscode.commands.executeCommand('trustlens.refreshRepository', repo.node);
    const groups = await children(api, (await children(api)).find((r) => r.label === twoSigners.gun)!.node);
    assert.deepEqual(groups.map((g) => g.label), ['Signers', 'Signed tags', 'Administrative keys']);
  });

  it('opens the Problems view from the status bar command', async () => {
    await vscode.commands.executeCommand('trustlens.showProblems');
  });

  it('never calls a signed tag that misses a required signer signed: the hover and the Signers view lead with Fail', async () => {
    await mkdir(join(dir.path, 'policy'), { recursive: true });
    await writeFile(join(dir.path, 'policy', '.trustlens.yaml'), `rules:\n  - images: ["${twoSigners.gun}"]\n    requireSigners: [alice, qa]\n`);
    await writeFile(join(dir.path, 'policy', 'Dockerfile'), `FROM ${twoSigners.gun}:v1\n`);
    const policyDoc = await vscode.workspace.openTextDocument(vscode.Uri.file(join(dir.path, 'policy', 'Dockerfile')));
    await vscode.window.showTextDocument(policyDoc);
    const [result] = await verdictsWhen(api, policyDoc.uri, (statuses) => statuses.length === 1, 'the verdict under the policy');
    assert.deepEqual([result!.status, result!.verdict, result!.findings.map((f) => f.code)], ['signed', 'fail', ['missing-required-signer']]);

    const text = await hoverText(policyDoc.uri, new vscode.Position(0, 8));
    assert.match(text, /\n\*\*Fail — Signed, but the policy requires alice and qa; qa has not signed\*\*\n/);

    const repo = (await children(api)).find((r) => r.label === twoSigners.gun)!;
    assert.match(repo.description, /^Fail — expires /, 'the repository leads with the worst verdict of its references');
    const item = api.signers.provider.getTreeItem(repo.node) as vscode.TreeItem;
    assert.match(String(item.tooltip), /^Fail: 3 references: 1 signed, 1 policy not met, 1 unsigned$/m);
    assert.match(String(item.tooltip), /:v1: Signed, but the policy requires alice and qa; qa has not signed$/m);
    const tags = await children(api, (await children(api, repo.node))[1]!.node);
    assert.match(tags.find((t) => t.label === 'v1')!.description, / · alice, bob · Fail — Signed, but the policy requires alice and qa; qa has not signed$/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('lists the repositories of verdicts that have just arrived, never an older list', async () => {
    const late = `${DEAD_REGISTRY}/hover-tree/late`;
    await mkdir(join(dir.path, 'late'), { recursive: true });
    await writeFile(join(dir.path, 'late', 'Dockerfile'), `FROM ${late}:1.0\n`);
    const lateDoc = await vscode.workspace.openTextDocument(vscode.Uri.file(join(dir.path, 'late', 'Dockerfile')));
    await verdictsWhen(api, lateDoc.uri, (statuses) => statuses.join() === 'unverifiable', 'the verdict of the new document');
    // At once: the view batches bursts of verdicts, but must not answer from the list before them.
    const labels = (await children(api)).map((r) => r.label);
    assert.ok(labels.includes(late), `${late} in ${labels.join(', ')}`);
    assert.equal(await vscode.commands.executeCommand('trustlens.showSigners', late), true);
  });
});
