/// <reference types="mocha" />
/**
 * cosign signatures in the real editor, on a real docker-registry 2.8.2 with signatures the real
 * cosign 2.5.0 wrote: a reference signed by the key the workspace's `.trustlens.yaml` trusts is signed,
 * with its signer in the hover and the Signers view; one signed by another key shows the
 * `untrusted-signer` finding. The registry has no trust server: only cosign can sign these images.
 */
import * as assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TrustLensApi } from '../../src/extension';
import { parsePublicKeyPem } from '../../src/core/trust/cosign/publicKeys';
import { cosign } from '../helpers/sigstore/tools';
import { pushImage } from '../helpers/stack/push';
import { startRegistry, type Registry } from '../helpers/stack/registry';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { childrenOf } from './signersTree';
import { extension } from './suite/helpers';

const PASSWORD = 'editor-passphrase';

describe('cosign signatures in the editor', function () {
  this.timeout(180_000);
  let api: TrustLensApi;
  let registry: Registry;
  let dir: TempDir;
  let doc: vscode.TextDocument;
  let keyId: string;

  before(async () => {
    api = (await extension().activate()) as TrustLensApi;
    registry = await startRegistry();
    dir = await makeTempDir('cosign-editor');
    const keys = join(dir.path, 'keys');
    await mkdir(keys);
    for (const name of ['cosign', 'other']) await cosign(['generate-key-pair', '--output-key-prefix', join(keys, name)], { password: PASSWORD, cwd: dir.path });
    keyId = parsePublicKeyPem(await readFile(join(keys, 'cosign.pub')), 'cosign.pub').id;
    for (const [name, key] of [['signed', 'cosign'], ['stranger', 'other']] as const) {
      const image = await pushImage(registry, `team/${name}`, 'v1');
      await cosign(['sign', '--key', join(keys, `${key}.key`), '--tlog-upload=false', '--allow-insecure-registry', '-y', `${registry.host}/team/${name}@${image.digest}`], { password: PASSWORD });
    }
    await writeFile(join(dir.path, '.trustlens.yaml'), `rules:\n  - images: ["${registry.host}/team/*"]\n    cosign:\n      keys: [keys/cosign.pub]\n`);
    const file = join(dir.path, 'Dockerfile');
    await writeFile(file, `FROM ${registry.host}/team/signed:v1\nFROM ${registry.host}/team/stranger:v1\n`);
    doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
    await api.checkDocument(doc, true);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await registry?.stop();
    await dir?.remove();
  });

  it('reads the cosign-signed reference as signed by cosign, and the other as signed by a signer no rule trusts', () => {
    const results = api.services.results.get(doc.uri);
    assert.deepEqual(results.map((r) => [r.status, r.verdict, r.scheme]), [['signed', 'pass', 'cosign'], ['invalid', 'fail', 'cosign']]);
    const diagnostics = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'TrustLens');
    assert.deepEqual(diagnostics.map((d) => [d.range.start.line, (d.code as { value: string }).value, d.severity]), [[1, 'untrusted-signer', vscode.DiagnosticSeverity.Error]]);
    assert.match(diagnostics[0]!.message, /none of the trusted keys .* verifies/);
  });

  it('hovers the signed reference with its scheme and its signer\'s key', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 8));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).find((t) => t.startsWith('**TrustLens**')) ?? '';
    assert.match(text, /\*\*Pass — Signed\*\*/);
    assert.match(text, /Verified with: cosign/);
    assert.match(text, new RegExp(`- cosign: signed\\n {2}- ecdsa\\\\-p256 key ${keyId.slice(0, 12)}`));
  });

  it('lists the repository\'s cosign signer in the Signers view', async () => {
    await api.signers.provider.whenListed();
    const repository = (await childrenOf(api)).find((r) => r.label.includes('team/signed'));
    assert.ok(repository, 'the repository is listed');
    const groups = await childrenOf(api, repository.node);
    const signersGroup = groups.find((g) => g.label.startsWith('cosign signers'));
    assert.ok(signersGroup, `groups: ${groups.map((g) => g.label).join(', ')}`);
    const signers = await childrenOf(api, signersGroup.node);
    assert.ok(signers.some((s) => s.label.includes(keyId.slice(0, 12))), `signers: ${signers.map((s) => s.label).join(', ')}`);
  });
});
