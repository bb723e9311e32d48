/// <reference types="mocha" />
/**
 * cosign signatures in the real editor, on a real docker-registry 2.8.2 with signatures the real
 * cosign 2.5.0 wrote: a reference signed by the key the workspace's `.trustlens.yaml` trusts is signed,
 * with its signer in the hover and the Signers view; one signed by another key shows the
 * `untrusted-signer` finding; one signed with a certificate of an identity no rule names offers
 * "Trust this signer", which writes the identity into `.trustlens.yaml`, and the finding goes away.
 * The registry has no trust server: only cosign can sign these images.
 */
import * as assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createPublicKey } from 'node:crypto';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { TrustLensApi } from '../../src/extension';
import { parsePublicKeyPem } from '../../src/core/trust/cosign/publicKeys';
import '../../src/core/composition/backends';
import { parsePolicy } from '../../src/core/policy/policyFile';
import { cosign } from '../helpers/sigstore/tools';
import { pushImage } from '../helpers/stack/push';
import { startRegistry, type Registry } from '../helpers/stack/registry';
import { generateCosignKeyPair } from '../../src/core/trust/cosign/cosignKeys';
import { createTestCa, issueLeaf } from '../helpers/sigstore/localCa';
import { childrenOf } from './signersTree';
import { scriptPrompts } from './signingPrompts';
import { extension, fixtureFolder, waitUntil } from './suite/helpers';

const PASSWORD = 'editor-passphrase';
const ISSUER = 'https://token.actions.githubusercontent.com';
const WORKFLOW = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4';

/** A status bar item's tooltip as a person reads it, without the escapes of `MarkdownString.appendText`. */
function tooltipText(item: vscode.StatusBarItem): string {
  const tooltip = item.tooltip;
  return (typeof tooltip === 'string' ? tooltip : tooltip?.value ?? '').replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
}

describe('cosign signatures in the editor', function () {
  this.timeout(180_000);
  let api: TrustLensApi;
  let registry: Registry;
  let dir: string;
  let doc: vscode.TextDocument;
  let keyId: string;

  before(async () => {
    api = (await extension().activate()) as TrustLensApi;
    registry = await startRegistry();
    // In the workspace, so that saving its policy file re-checks the Dockerfile beside it.
    dir = join(fixtureFolder().uri.fsPath, `cosign-${process.pid}`);
    const keys = join(dir, 'keys');
    await mkdir(keys, { recursive: true });
    for (const name of ['cosign', 'other']) await cosign(['generate-key-pair', '--output-key-prefix', join(keys, name)], { password: PASSWORD, cwd: dir });
    keyId = parsePublicKeyPem(await readFile(join(keys, 'cosign.pub')), 'cosign.pub').id;
    for (const [name, key] of [['signed', 'cosign'], ['stranger', 'other']] as const) {
      const image = await pushImage(registry, `team/${name}`, 'v1');
      await cosign(['sign', '--key', join(keys, `${key}.key`), '--tlog-upload=false', '--allow-insecure-registry', '-y', `${registry.host}/team/${name}@${image.digest}`], { password: PASSWORD });
    }
    // A workflow identity with a certificate from the team's CA, which the policy names for another identity.
    const root = createTestCa('Team Root CA');
    const ca = join(dir, 'team-root.pem');
    await writeFile(ca, root.pem);
    const pair = await generateCosignKeyPair(PASSWORD);
    await writeFile(join(keys, 'workflow.key'), pair.privateKeyPem);
    await writeFile(join(keys, 'workflow.crt'), issueLeaf(root, { subject: WORKFLOW, issuer: ISSUER, publicKey: createPublicKey(pair.publicKeyPem), notAfter: new Date(Date.now() + 400 * 86_400_000) }).pem);
    await writeFile(join(keys, 'chain.pem'), root.pem);
    const ci = await pushImage(registry, 'team/ci', 'v1');
    await cosign(['sign', '--key', join(keys, 'workflow.key'), '--certificate', join(keys, 'workflow.crt'), '--certificate-chain', join(keys, 'chain.pem'),
      '--tlog-upload=false', '--allow-insecure-registry', '-y', `${registry.host}/team/ci@${ci.digest}`], { password: PASSWORD });
    await writeFile(join(dir, '.trustlens.yaml'), [
      '# Team policy.',
      'rules:',
      `  - images: ["${registry.host}/team/*"]`,
      '    cosign:',
      '      keys: [keys/cosign.pub]   # the release key',
      '      identities:',
      '        - {issuer: "https://accounts.example.com", subject: release@example.com, ca: team-root.pem}',
      '',
    ].join('\n'));
    const file = join(dir, 'Dockerfile');
    await writeFile(file, `FROM ${registry.host}/team/signed:v1\nFROM ${registry.host}/team/stranger:v1\nFROM ${registry.host}/team/ci:v1\n`);
    doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
    await api.checkDocument(doc, true);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads the cosign-signed reference as signed by cosign, and the other as signed by a signer no rule trusts', () => {
    const results = api.services.results.get(doc.uri);
    assert.deepEqual(results.map((r) => [r.status, r.verdict, r.scheme]), [['signed', 'pass', 'cosign'], ['invalid', 'fail', 'cosign'], ['invalid', 'fail', 'cosign']]);
    const diagnostics = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'TrustLens');
    assert.deepEqual(diagnostics.map((d) => [d.range.start.line, (d.code as { value: string }).value, d.severity]), [
      [1, 'untrusted-signer', vscode.DiagnosticSeverity.Error],
      [2, 'untrusted-signer', vscode.DiagnosticSeverity.Error],
    ]);
    // Docker Content Trust checked them too, so each diagnostic names the scheme whose evidence it is.
    assert.deepEqual(results.map((r) => r.signatures?.map((s) => s.scheme)), [['dct', 'cosign'], ['dct', 'cosign'], ['dct', 'cosign']]);
    assert.match(diagnostics[0]!.message, /none of the trusted keys .* verifies.* \(cosign\)$/);
    assert.equal(diagnostics[1]!.message, `signed by ${WORKFLOW} via token.actions.githubusercontent.com; no rule in .trustlens.yaml trusts this identity (cosign)`);
  });

  it('counts the cosign-signed reference in the status bar\'s tooltip', () => {
    assert.match(api.statusBar.text, /TrustLens: Fail — 1 signed · 2 invalid$/);
    assert.match(tooltipText(api.statusBar), /^Image references in this file: 2 fail · 1 pass \(1 signed, 2 invalid\)\.$/m);
    assert.match(tooltipText(api.statusBar), /^Signed with: 1 cosign\.$/m);
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

  it('pins the digest that carries the trusted cosign signature', async () => {
    const digest = api.services.results.get(doc.uri)[0]!.signedDigest;
    assert.match(digest ?? '', /^sha256:[0-9a-f]{64}$/);
    const at = doc.positionAt(doc.getText().indexOf('/team/signed:v1'));
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(at, at))) ?? [];
    const pin = actions.filter((a) => a.title.startsWith('Pin to signed digest '));
    assert.equal(pin.length, 1, actions.map((a) => a.title).join(' | '));
    assert.ok(await vscode.workspace.applyEdit(pin[0]!.edit!));
    assert.equal(doc.lineAt(0).text, `FROM ${registry.host}/team/signed:v1@${digest}`);
    // Saved, so that nothing writes the file again once the suite has removed it.
    assert.ok(await doc.save());
    await waitUntil(() => api.services.results.get(doc.uri)[0]?.target.kind === 'reference' && api.services.results.get(doc.uri)[0]!.status === 'signed'
      && (api.services.results.get(doc.uri)[0]!.target as { occurrence: { ref: { digest: string | null } } }).occurrence.ref.digest === digest, 30_000, 'the pinned reference to be checked, and signed');
  });

  it('is offered on the untrusted identity, writes it into .trustlens.yaml keeping the comments, and the finding goes away', async () => {
    const at = doc.positionAt(doc.getText().indexOf('/team/ci:v1'));
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(at, at))) ?? [];
    const trust = actions.filter((a) => a.title.startsWith('Trust this signer for '));
    assert.equal(trust.length, 1, actions.map((a) => a.title).join(' | '));
    assert.match(trust[0]!.title, /^Trust this signer for 127\.0\.0\.1:\d+\/team\/ci…$/);
    const prompts = scriptPrompts({ passphrase: () => undefined, warning: () => 'Trust This Signer' });
    try {
      assert.equal(await vscode.commands.executeCommand(trust[0]!.command!.command, ...(trust[0]!.command!.arguments ?? [])), true);
    } finally {
      prompts.restore();
    }
    const confirm = prompts.asked.find((a) => a.kind === 'warning');
    const expected = `Certificate identity: ${WORKFLOW}\nOIDC issuer: ${ISSUER}\nCertificate from a CA in team-root.pem.`;
    assert.ok(confirm?.detail?.includes(expected), confirm?.detail);
    const policy = await readFile(join(doc.fileName, '..', '.trustlens.yaml'), 'utf8');
    assert.match(policy, /^# Team policy\.$/m);
    assert.match(policy, /# the release key/);
    const written = parsePolicy(policy, '.trustlens.yaml', { baseDir: dirname(doc.fileName) });
    const repository = trust[0]!.title.replace('Trust this signer for ', '').replace(/…$/, '');
    // The new rule keeps what the team's rule trusted (the release key and identity), and adds the workflow's identity.
    const base = dirname(doc.fileName);
    assert.deepEqual(written.rules.map((r) => [r.images, r.sections?.cosign]).slice(1), [[[repository], {
      keys: [join(base, 'keys', 'cosign.pub')],
      identities: [
        { issuer: 'https://accounts.example.com', subject: 'release@example.com', ca: [join(base, 'team-root.pem')] },
        { issuer: ISSUER, subject: WORKFLOW, ca: [join(base, 'team-root.pem')] },
      ],
      baseDir: base,
    }]]);
    assert.match(policy, /keys:\n\s+- keys\/cosign\.pub/, 'paths are written relative to the policy file');
    const signed = () => api.services.results.get(doc.uri)[2]?.status === 'signed';
    await waitUntil(signed, 30_000, 'the re-check after the policy file was saved to trust the identity');
    assert.deepEqual(vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'TrustLens').map((d) => d.range.start.line), [1]);
  });

  it('"Sign image with cosign…" on an image cosign has not signed signs it with the chosen key, and the diagnostic goes away', async () => {
    const sub = join(dir, 'sign');
    await mkdir(sub, { recursive: true });
    await writeFile(join(sub, '.trustlens.yaml'), `rules:\n  - images: ["${registry.host}/team/fresh"]\n    require: [cosign]\n    cosign:\n      keys: [../keys/cosign.pub]\n`);
    const image = await pushImage(registry, 'team/fresh', 'v1');
    await writeFile(join(sub, 'Dockerfile'), `FROM ${registry.host}/team/fresh:v1\n`);
    const fresh = await vscode.workspace.openTextDocument(vscode.Uri.file(join(sub, 'Dockerfile')));
    await vscode.window.showTextDocument(fresh);
    await api.checkDocument(fresh, true);
    const ours = () => vscode.languages.getDiagnostics(fresh.uri).filter((d) => d.source === 'TrustLens');
    assert.deepEqual(ours().map((d) => [d.range.start.line, (d.code as { value: string }).value]), [[0, 'no-signature']]);
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', fresh.uri, new vscode.Range(0, 8, 0, 8))) ?? [];
    const sign = actions.filter((a) => a.title === 'Sign image with cosign…');
    assert.equal(sign.length, 1, actions.map((a) => a.title).join(' | '));
    const prompts = scriptPrompts({
      passphrase: () => PASSWORD,
      open: () => vscode.Uri.file(join(dir, 'keys', 'cosign.key')),
      pick: (labels) => labels.find((l) => l.startsWith('Signature tag')),
    });
    let outcome: unknown;
    try {
      outcome = await vscode.commands.executeCommand(sign[0]!.command!.command, ...(sign[0]!.command!.arguments ?? []));
    } finally {
      prompts.restore();
    }
    assert.deepEqual(outcome, { repository: `${registry.host}/team/fresh`, digest: image.digest, format: 'legacy', written: true });
    assert.match(prompts.asked.find((a) => a.kind === 'info')?.text ?? '', /Nothing was uploaded to a transparency log/);
    await waitUntil(() => ours().length === 0 && api.services.results.get(fresh.uri)[0]?.status === 'signed', 30_000, 'the re-check after signing to find the signature');
    const verified = await cosign(['verify', '--key', join(dir, 'keys', 'cosign.pub'), '--insecure-ignore-tlog', '--allow-insecure-registry', `${registry.host}/team/fresh:v1`]);
    assert.match(verified.stdout, new RegExp(`"docker-manifest-digest":"${image.digest}"`));
  });
});
