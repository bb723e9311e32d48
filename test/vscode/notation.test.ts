/// <reference types="mocha" />
/**
 * Notation signatures in the editor, on the Notation project's own signature (`e2e-valid-signature`)
 * loaded into a real registry with oras inside the extension host: a rule requiring notation without a
 * trust store makes it `untrusted-signer` with *Trust this signer…*; applying the fix (confirmed in its
 * dialog) writes the CA and the rule, and the finding goes; the hover and the Signers view then show
 * the signer, its issuer, the signing scheme and time, expiry and revocation.
 */
import * as assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TrustLensApi } from '../../src/extension';
import type { SignersNode } from '../../src/vscode/views/signersNodes';
import { loadE2eLayouts } from '../helpers/notation/registryFixtures';
import { startRegistry, type Registry } from '../helpers/stack/registry';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { scriptPrompts } from './signingPrompts';
import { extension } from './suite/helpers';

const SUBJECT = 'CN=e2e,O=Notary,L=Seattle,ST=WA,C=US';
const DIGEST = 'sha256:b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9';

function label(node: SignersNode, api: TrustLensApi): string {
  const item = api.signers.provider.getTreeItem(node) as vscode.TreeItem;
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

describe('Notation signatures in the editor', function () {
  this.timeout(180_000);
  let api: TrustLensApi;
  let registry: Registry;
  let dir: TempDir;
  let doc: vscode.TextDocument;
  let repository: string;

  before(async () => {
    api = (await extension().activate()) as TrustLensApi;
    registry = await startRegistry();
    const images = await loadE2eLayouts(registry, ['e2e-valid-signature'], { root: extension().extensionPath });
    repository = images['e2e-valid-signature'].replace(/:v1$/, '');
    dir = await makeTempDir('notation-editor');
    await writeFile(join(dir.path, '.trustlens.yaml'), `# Notation only for this registry\nrules:\n  - images: ["${registry.host}/**"]\n    require: [notation]\n`);
    await writeFile(join(dir.path, 'Dockerfile'), `FROM ${images['e2e-valid-signature']}\n`);
    doc = await vscode.workspace.openTextDocument(vscode.Uri.file(join(dir.path, 'Dockerfile')));
    await vscode.window.showTextDocument(doc);
    await api.checkDocument(doc, true);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await registry?.stop();
    await dir?.remove();
  });

  const status = () => api.services.results.get(doc.uri).map((r) => r.status);
  const trustDiagnostics = () => vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'TrustLens' && String(typeof d.code === 'object' ? d.code.value : d.code) === 'untrusted-signer');

  it('a real signature no rule trusts is untrusted-signer, naming the subject and the CA, with Trust this signer…', async () => {
    assert.deepEqual(status(), ['untrusted-signer']);
    const [diagnostic] = trustDiagnostics();
    assert.ok(diagnostic, 'an untrusted-signer diagnostic');
    assert.match(diagnostic.message, /CN=e2e,O=Notary,L=Seattle,ST=WA,C=US/);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diagnostic.range);
    assert.ok(actions.some((a) => a.title.startsWith('Trust this signer for ')), actions.map((a) => a.title).join(', '));
  });

  it('applying the fix, once confirmed, trusts the signer: the finding goes and the reference is signed', async () => {
    const [diagnostic] = trustDiagnostics();
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diagnostic!.range);
    const fix = actions.find((a) => a.title.startsWith('Trust this signer for '));
    const prompts = scriptPrompts({ passphrase: () => undefined, warning: () => 'Trust This Signer' });
    try {
      assert.equal(await vscode.commands.executeCommand(fix!.command!.command, ...(fix!.command!.arguments ?? [])), true);
    } finally {
      prompts.restore();
    }
    const confirm = prompts.asked.find((a) => a.kind === 'warning');
    assert.match(confirm?.text ?? '', /Trust CN=e2e,O=Notary,L=Seattle,ST=WA,C=US/);
    assert.match(confirm?.detail ?? '', /SHA-256 fingerprint of CN=e2e,O=Notary,L=Seattle,ST=WA,C=US: [0-9a-f]{64}/);
    const policy = await readFile(join(dir.path, '.trustlens.yaml'), 'utf8');
    assert.ok(policy.startsWith('# Notation only for this registry\n'), policy);
    assert.match(policy, /x509\.subject: CN=e2e,O=Notary,L=Seattle,ST=WA,C=US/);
    await api.checkDocument(doc, true);
    assert.deepEqual(status(), ['signed']);
    assert.deepEqual(trustDiagnostics(), []);
    assert.deepEqual(api.services.results.get(doc.uri).map((r) => [r.signedDigest, r.signers]), [[DIGEST, [SUBJECT]]]);
  });

  it('hovers the reference with the signer, issuer, signing scheme and time, expiry and revocation', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 8));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).find((t) => t.startsWith('**TrustLens**')) ?? '';
    assert.match(text, /\*\*Pass — Signed\*\*/);
    // What a person reads: the Markdown escapes undone.
    const plain = text.replace(/\\(.)/g, '$1');
    for (const line of [
      `Signer: ${SUBJECT}`, `Issuer: ${SUBJECT}`, 'Signing scheme: notary.x509',
      'Signing time: 2023-06-27 05:30 UTC, as the signer claims (no trusted timestamp)', 'Expiry: none set by the signer', 'Revocation: good',
    ]) {
      assert.ok(plain.includes(line), `${line} in\n${plain}`);
    }
  });

  it('lists the repository\'s Notation signer in the Signers view', async () => {
    await api.signers.provider.whenListed();
    const node = api.signers.provider.find(repository, `http://${repository}`);
    assert.ok(node, 'the repository is listed with its Notation signatures');
    await node.ensureLoaded();
    const groups = await node.children();
    assert.deepEqual(groups.map((g) => label(g, api)), ['Notation signers', 'Notation-signed tags']);
    const signers = await groups[0]!.children();
    assert.deepEqual(signers.map((s) => label(s, api)), ['e2e']);
  });
});
