/// <reference types="mocha" />
/**
 * Signing from the editor on the real stack: "Sign image…" from a quick fix and from the palette,
 * the Signers view's Add Signer / Remove Signer / Revoke Signature / Generate Key / Load Key, and
 * remembered passphrases. Prompts are answered by script (an input box cannot be typed into from
 * the extension host; the UI check `ui/signImage.ui.ts` types into the real ones); everything else
 * is real: the key files, the registry, notary-server, diagnostics and the view, whose updates are
 * awaited through their events. Last, everything the editor wrote is searched for secrets.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { TrustLensApi } from '../../src/extension';
import type { SignImageOutcome } from '../../src/vscode/dct/signImage';
import type { LocalKeyNode } from '../../src/vscode/dct/localKeysNodes';
import { getTrustFile } from '../helpers/stack/notaryHttp';
import { pushImage, pushIndex, type PushedManifest } from '../helpers/stack/push';
import { addSigner, createSigner } from '../helpers/stack/signers';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';
import { findSecrets, keyMaterialSecrets, passphraseSecrets } from '../helpers/trust/secrets';
import { scriptPrompts, type Answers } from './signingPrompts';
import { childrenOf, waitForRepository } from './signersTree';
import { extension, nextEvent, waitUntil } from './suite/helpers';

const PASS = { root: 'editor-root-Vb61q', repository: 'editor-repo-Zr94k' };
const SETTINGS = ['trustServers', 'dockerConfigDir', 'debounceMs', 'rememberPassphrases'] as const;

describe('signing from the editor on the real stack', function () {
  this.timeout(120_000);
  let stack: Stack;
  let docker: TestDockerConfig;
  let dir: TempDir;
  let api: TrustLensApi;
  let doc: vscode.TextDocument;
  let gun: string;
  const images: Record<string, PushedManifest> = {};
  const answers: Answers = { passphrase: (prompt) => (/root key/.test(prompt) ? PASS.root : PASS.repository) };
  let prompts: ReturnType<typeof scriptPrompts>;

  const trustDiagnostics = (line: number) => vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'TrustLens' && d.range.start.line === line);
  /** Resolves when the TrustLens diagnostics of `line` (are / are not) there. */
  const diagnosticsOf = (line: number, present: boolean, what: string) => nextEvent(
    vscode.languages.onDidChangeDiagnostics, (e) => e.uris.some((u) => u.toString() === doc.uri.toString()) && (trustDiagnostics(line).length > 0) === present, 60_000, what);
  const passphrasePrompts = () => prompts.asked.filter((a) => a.kind === 'input' && a.password);
  /** What the user saw, for failure messages. */
  const shown = () => JSON.stringify(prompts.asked);

  before(async function () {
    this.timeout(300_000);
    stack = await startStack();
    gun = `${stack.registry.host}/editor/app`;
    images.v1 = await pushImage(stack.registry, 'editor/app', 'v1');
    images.multi = await pushIndex(stack.registry, 'editor/app', 'multi');
    docker = await makeDockerConfig([{ host: stack.notary.host, caPem: stack.notary.caPem }]);
    dir = await makeTempDir('sign-editor');
    const config = vscode.workspace.getConfiguration('trustlens');
    await config.update('trustServers', { [stack.registry.host]: stack.notary.url }, vscode.ConfigurationTarget.Global);
    await config.update('dockerConfigDir', docker.path, vscode.ConfigurationTarget.Global);
    await config.update('debounceMs', 0, vscode.ConfigurationTarget.Global);
    api = (await extension().activate()) as TrustLensApi;
    const file = join(dir.path, 'Dockerfile');
    await writeFile(file, `FROM ${gun}:v1\nFROM ${gun}:multi AS multi\n`);
    doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
    await api.checkDocument(doc, true);
  });
  beforeEach(() => (prompts = scriptPrompts(answers)));
  afterEach(() => prompts.restore());
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const config = vscode.workspace.getConfiguration('trustlens');
    for (const key of SETTINGS) await config.update(key, undefined, vscode.ConfigurationTarget.Global);
    await Promise.all([docker?.remove(), dir?.remove()]);
    await stack?.stop();
  });

  it('signs an unsigned reference from its quick fix: the diagnostic goes, the Signers view shows the tag', async () => {
    assert.ok(trustDiagnostics(0).length > 0, 'v1 starts with a finding');
    const at = new vscode.Range(0, 8, 0, 8);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, at);
    const sign = actions.find((a) => a.title === 'Sign image…');
    assert.ok(sign?.command, `no Sign image… among ${actions.map((a) => a.title).join(' | ')}`);
    const cleared = diagnosticsOf(0, false, 'the finding on v1 to go');
    const outcome = await vscode.commands.executeCommand<SignImageOutcome>(sign.command.command, ...(sign.command.arguments ?? []));
    assert.deepEqual(outcome, { gun, tag: 'v1', digest: images.v1!.digest, isIndex: false, signedRoles: ['targets'], initialized: true });
    // docker's prompts for a new repository: a new root key and a new repository key, each typed twice, hidden.
    assert.deepEqual(passphrasePrompts().map((a) => a.text.replace(/ [0-9a-f]{7}\b/, ' <id>')), [
      'Choose a passphrase for the new root key <id>: it protects your most sensitive key and cannot be recovered',
      'Repeat the passphrase for the new root key <id>',
      `Choose a passphrase for the new repository key <id> (${gun})`,
      `Repeat the passphrase for the new repository key <id> (${gun})`,
    ]);
    assert.ok(prompts.asked.every((a) => a.kind !== 'pick'), 'no signer keys yet, so no signer choice');
    assert.match(prompts.asked.find((a) => a.kind === 'info')?.text ?? '', new RegExp(`^TrustLens: signed ${gun}:v1: manifest ${images.v1!.digest} in targets\\. Created the trust data`));
    await cleared;
    await waitForRepository(api, gun, (v) => v.tags.some((t) => t.label === 'v1'), 30_000, 'the signed tag v1');
  });

  it('signs from the palette with the reference under the cursor prefilled, as a new signer, an index', async () => {
    const generated = await vscode.commands.executeCommand<{ keyId: string; publicKeyPath: string }>('trustlens.generateKey', { name: 'alice', algorithm: 'ecdsa', dir: dir.path });
    assert.equal(generated?.publicKeyPath, join(dir.path, 'alice.pub'));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(1, 10, 1, 10);
    prompts.restore();
    prompts = scriptPrompts({ ...answers, pick: (labels) => labels.find((l) => l === 'alice' || l === 'Docker Content Trust') });
    const cleared = diagnosticsOf(1, false, 'the finding on multi to go');
    const outcome = await vscode.commands.executeCommand<SignImageOutcome>('trustlens.signImage');
    assert.equal(prompts.asked[0]?.value, `${gun}:multi`, 'the reference under the cursor is prefilled');
    assert.deepEqual(prompts.asked.filter((a) => a.kind === 'pick').map((a) => a.value), ['Docker Content Trust | Sigstore cosign', 'Repository key | alice'], 'the scheme, then the key');
    assert.deepEqual(outcome && [outcome.digest, outcome.isIndex, outcome.initialized], [images.multi!.digest, true, false]);
    assert.deepEqual([...(outcome?.signedRoles ?? [])].sort(), ['targets/alice', 'targets/releases']);
    assert.match(prompts.asked.find((a) => a.kind === 'info')?.text ?? '', /: multi-platform index sha256:/);
    await cleared;
    await waitForRepository(api, gun, (v) => v.signers.some((s) => s.label === 'alice') && v.tags.some((t) => t.label === 'multi'), 30_000, 'alice and multi');
  });

  it('adds, removes and revokes from the Signers view, with the modal for the last releases signer', async () => {
    await vscode.commands.executeCommand('trustlens.generateKey', { name: 'bob', algorithm: 'ecdsa', dir: dir.path });
    const view = await waitForRepository(api, gun, () => true, 30_000, 'the repository');
    prompts.restore();
    prompts = scriptPrompts({ ...answers, input: () => 'bob', open: () => vscode.Uri.file(join(dir.path, 'bob.pub')), warning: () => undefined });
    assert.equal(await vscode.commands.executeCommand('trustlens.addSigner', view.repository.node), true, shown());
    let now = await waitForRepository(api, gun, (v) => v.signers.some((s) => s.label === 'bob'), 30_000, 'signer bob');
    const bob = now.signers.find((s) => s.label === 'bob')!;
    assert.equal(bob.contextValue, 'trustlens.role.signer');
    assert.equal(await vscode.commands.executeCommand('trustlens.removeSigner', bob.node), true, shown());
    now = await waitForRepository(api, gun, (v) => !v.signers.some((s) => s.label === 'bob'), 30_000, 'bob gone');

    // docker's rule: with delegations, only they are signable, so revoking multi takes it out of releases and alice.
    const back = diagnosticsOf(1, true, 'the finding on multi to come back');
    assert.equal(await vscode.commands.executeCommand('trustlens.revokeSignature', now.tags.find((t) => t.label === 'multi')!.node), true, shown());
    await back;
    now = await waitForRepository(api, gun, (v) => !v.tags.some((t) => t.label === 'multi'), 30_000, 'multi gone');

    // alice signed targets/releases last: removing her asks first, modally; cancelled, nothing changes.
    assert.equal(await vscode.commands.executeCommand('trustlens.removeSigner', now.signers.find((s) => s.label === 'alice')!.node), false);
    const warning = prompts.asked.find((a) => a.kind === 'warning');
    assert.equal(warning?.modal, true);
    assert.match(warning?.text ?? '', /^The signer "alice" signed the last released version of .*\. Removing this signer will make .* unpullable/);
    assert.ok((await waitForRepository(api, gun, () => true, 30_000, 'the repository')).signers.some((s) => s.label === 'alice'));
  });

  it('loads a key; remembers passphrases only when asked to, until they are forgotten', async () => {
    const file = join(dir.path, 'carol.pem');
    await writeFile(file, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const keyId = await vscode.commands.executeCommand<string>('trustlens.loadKey', { file, name: 'carol' });
    assert.match(keyId ?? '', /^[0-9a-f]{64}$/);

    const config = vscode.workspace.getConfiguration('trustlens');
    await config.update('rememberPassphrases', true, vscode.ConfigurationTarget.Global);
    const signV1 = () => vscode.commands.executeCommand<SignImageOutcome>('trustlens.signImage', { reference: `${gun}:v1`, signer: 'alice' });
    assert.deepEqual((await signV1())?.signedRoles, ['targets/releases', 'targets/alice']);
    const typed = passphrasePrompts().length;
    assert.ok(typed >= 1, 'the first use asks');
    assert.ok(await vscode.commands.executeCommand('trustlens.revokeSignature', { repository: gun, tag: 'v1' }));
    assert.ok(await signV1());
    assert.equal(passphrasePrompts().length, typed, 'remembered: not asked again');

    assert.ok((await vscode.commands.executeCommand<number>('trustlens.forgetPassphrases')) >= 1);
    assert.ok(await vscode.commands.executeCommand('trustlens.revokeSignature', { repository: gun, tag: 'v1' }));
    assert.ok(passphrasePrompts().length > typed, 'forgotten: asked again');
    await config.update('rememberPassphrases', false, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('trustlens.forgetPassphrases');
  });

  it('lists the keys on this machine under the Keys node, where Generate Key and Load Key are offered', async () => {
    await waitForRepository(api, gun, () => true, 30_000, 'the repository');
    const root = await childrenOf(api);
    const keysNode = root.at(-1);
    assert.deepEqual([keysNode?.label, keysNode?.contextValue], ['Keys', 'trustlens.keys'], 'the Keys node comes after the repositories');
    const keys = await childrenOf(api, keysNode!.node);
    const files = (await readdir(join(docker.path, 'trust', 'private'))).filter((f) => f.endsWith('.key')).sort();
    const ids = keys.map((k) => (k.node as LocalKeyNode).key.keyId);
    assert.deepEqual([...ids].sort(), files.map((f) => f.slice(0, -'.key'.length)), 'one node per key file');
    assert.ok(keys.every((k) => k.contextValue === 'trustlens.localKey.keyId'), 'each offers Copy Key ID');
    // Signer keys first, by name; then the repository key; the root key last.
    assert.deepEqual(keys.map((k) => k.label), ['alice', 'bob', 'carol', 'repository key', 'root key']);
    const repositoryKey = keys.find((k) => k.label === 'repository key')!;
    assert.equal((repositoryKey.node as LocalKeyNode).key.gun, gun);
    // Copy Key ID copies the key's full ID.
    const carol = keys.find((k) => k.label === 'carol')!;
    await vscode.commands.executeCommand('trustlens.copyKeyId', carol.node);
    assert.equal(await vscode.env.clipboard.readText(), (carol.node as LocalKeyNode).key.keyId);
  });

  it('names who can sign when no key on this machine can, offering Load Key…, Add Signer… and the signer add command', async () => {
    // Another owner's repository, delegated to dave, whose key this machine does not hold.
    const other = `${stack.registry.host}/editor/others`;
    const pushed = await pushImage(stack.registry, 'editor/others', 'v1');
    await stack.cli.init(other);
    await stack.cli.publish(other);
    const dave = await createSigner(stack, 'dave');
    await addSigner(stack.cli, other, dave);
    prompts.restore();
    prompts = scriptPrompts({ ...answers, pick: () => 'Repository key', message: (_text, items) => items.find((i) => i === 'Load Key…') });
    const outcome = await vscode.commands.executeCommand<SignImageOutcome>('trustlens.signImage', { reference: `${other}:v1` });
    assert.equal(outcome, undefined);
    const error = prompts.asked.find((a) => a.kind === 'error');
    assert.equal(error?.text, `TrustLens: cannot sign ${other}:v1: no key on this machine can sign ${other}, and its signer is dave (key ${dave.keyId.slice(0, 7)}). `
      + `Load one of their keys, or have the repository owner add you as a signer (trustlens signer add NAME ${other} --key NAME.pub).`);
    assert.deepEqual(error?.items, ['Load Key…', 'Add Signer…', 'Copy signer add Command']);
    // Load Key… opens the key file dialog.
    await waitUntil(() => prompts.asked.some((a) => a.kind === 'open' && a.text === 'TrustLens: private key to load'), 20_000, 'the Load Key dialog');
    assert.ok(pushed.digest.startsWith('sha256:'));
  });

  it('renews targets and a signer\'s role from the Signers view, after a modal: a new version of the same content', async () => {
    const view = await waitForRepository(api, gun, (v) => v.signers.some((s) => s.label === 'alice'), 30_000, 'signer alice');
    const repositoryRole = (await childrenOf(api, view.groups.find((g) => g.label === 'Administrative keys')!.node)).find((r) => r.label === 'Repository')!;
    const alice = view.signers.find((s) => s.label === 'alice')!;
    const before = { targets: await getTrustFile(stack.notary, gun, 'targets'), alice: await getTrustFile(stack.notary, gun, 'targets/alice') };

    // Closed without choosing: nothing is asked or published.
    prompts.restore();
    prompts = scriptPrompts({ ...answers, warning: () => undefined });
    assert.equal(await vscode.commands.executeCommand('trustlens.renewRole', repositoryRole.node), false);
    const modal = prompts.asked.find((a) => a.kind === 'warning');
    assert.deepEqual([modal?.modal, modal?.text, modal?.items], [true, `Renew targets of ${gun}?`, ['Renew']]);
    assert.match(modal?.detail ?? '', /^TrustLens re-signs targets as it is, with the repository key \(you need it, and its passphrase\): the same tags and keys, a new version and a fresh expiry\./);
    assert.deepEqual(passphrasePrompts(), []);
    assert.equal((await getTrustFile(stack.notary, gun, 'targets')).signed.version, before.targets.signed.version);

    prompts.restore();
    prompts = scriptPrompts({ ...answers, warning: (message) => (message.startsWith('Renew ') ? 'Renew' : undefined) });
    assert.equal(await vscode.commands.executeCommand('trustlens.renewRole', repositoryRole.node), true, shown());
    const targets = await getTrustFile(stack.notary, gun, 'targets');
    assert.equal(targets.signed.version, before.targets.signed.version + 1);
    assert.deepEqual([targets.signed.targets, targets.signed.delegations], [before.targets.signed.targets, before.targets.signed.delegations], 'the same content');
    assert.ok(Date.parse(targets.signed.expires) >= Date.parse(before.targets.signed.expires));
    assert.equal(prompts.asked.find((a) => a.kind === 'info')?.text, `TrustLens: renewed targets of ${gun}: version ${targets.signed.version}, expires ${targets.signed.expires}.`);

    assert.equal(await vscode.commands.executeCommand('trustlens.renewRole', alice.node), true, shown());
    assert.match(prompts.asked.filter((a) => a.kind === 'warning').at(-1)?.detail ?? '', /with a key of signer alice held on this machine/);
    const renewed = await getTrustFile(stack.notary, gun, 'targets/alice');
    assert.equal(renewed.signed.version, before.alice.signed.version + 1);
    assert.deepEqual(renewed.signed.targets, before.alice.signed.targets, 'the same tags');
    // The editor verifies the renewed data: the signed tag stays signed, with no finding.
    await api.checkDocument(doc, true);
    assert.deepEqual(trustDiagnostics(0).map((d) => d.message), []);
  });

  it('rotates the repository key and the root key from the Signers view, each after a modal saying when to use it', async () => {
    const adminRoles = async () => {
      const view = await waitForRepository(api, gun, () => true, 30_000, 'the repository');
      return childrenOf(api, view.groups.find((g) => g.label === 'Administrative keys')!.node);
    };
    const roleNode = async (label: string) => (await adminRoles()).find((r) => r.label === label)!;
    assert.deepEqual((await adminRoles()).map((r) => [r.label, r.contextValue]), [['Root', 'trustlens.role.root'], ['Repository', 'trustlens.role.repository']]);
    const before = await getTrustFile(stack.notary, gun, 'root');
    const ids = (prompts2: typeof prompts) => prompts2.asked.filter((a) => a.kind === 'input' && a.password).map((a) => a.text.replace(/ [0-9a-f]{7}\b/, ' <id>'));

    // Closed without choosing: nothing is asked or published.
    prompts.restore();
    prompts = scriptPrompts({ ...answers, warning: () => undefined });
    assert.equal(await vscode.commands.executeCommand('trustlens.rotateRepositoryKey', (await roleNode('Repository')).node), false);
    const modal = prompts.asked.find((a) => a.kind === 'warning');
    assert.deepEqual([modal?.modal, modal?.text, modal?.items], [true, `Rotate the repository key of ${gun}?`, ['Rotate Repository Key']]);
    assert.match(modal?.detail ?? '', /^Use this when the repository key has leaked, or may have\. .*signed with your root key \(you need it, and its passphrase\)/);
    assert.deepEqual(ids(prompts), []);
    assert.equal((await getTrustFile(stack.notary, gun, 'root')).signed.version, before.signed.version);

    prompts.restore();
    prompts = scriptPrompts({ ...answers, warning: (message) => (message.startsWith('Rotate the repository key') ? 'Rotate Repository Key' : undefined) });
    assert.equal(await vscode.commands.executeCommand('trustlens.rotateRepositoryKey', (await roleNode('Repository')).node), true, shown());
    assert.deepEqual(ids(prompts), [
      'Enter the passphrase of the root key <id>',
      `Choose a passphrase for the new repository key <id> (${gun})`,
      `Repeat the passphrase for the new repository key <id> (${gun})`,
    ]);
    const rotated = await getTrustFile(stack.notary, gun, 'root');
    const newTargets = rotated.signed.roles!.targets!.keyids[0]!;
    assert.notEqual(newTargets, before.signed.roles!.targets!.keyids[0]);
    assert.match(prompts.asked.find((a) => a.kind === 'info')?.text ?? '', new RegExp(`^TrustLens: rotated the repository key of ${gun}: it is now ${newTargets.slice(0, 7)}\\. The old key [0-9a-f]{7} was deleted from this machine\\.$`));
    await waitForRepository(api, gun, (v) => v.adminKeys.Repository?.[0] === newTargets.slice(0, 7), 30_000, 'the new repository key');

    prompts.restore();
    prompts = scriptPrompts({ ...answers, warning: (message) => (message.startsWith('Rotate the root key') ? 'Rotate Root Key' : undefined) });
    assert.equal(await vscode.commands.executeCommand('trustlens.rotateRootKey', (await roleNode('Root')).node), true, shown());
    assert.match(prompts.asked.find((a) => a.kind === 'warning')?.detail ?? '', /^Use this when the root key has leaked, or may have, or to retire it\./);
    assert.deepEqual(ids(prompts), [
      'Enter the passphrase of the root key <id>',
      'Choose a passphrase for the new root key <id>: it protects your most sensitive key and cannot be recovered',
      'Repeat the passphrase for the new root key <id>',
    ]);
    const newRoot = await getTrustFile(stack.notary, gun, 'root');
    assert.equal(newRoot.signed.version, rotated.signed.version + 1);
    assert.deepEqual(newRoot.signatures.map((sig) => sig.keyid).sort(), [rotated.signed.roles!.root!.keyids[0]!, newRoot.signed.roles!.root!.keyids[0]!].sort());
    // The editor, which pinned the old root, follows: the view shows the new root key.
    const newRootId = newRoot.signed.roles!.root!.keyids[0]!;
    await waitForRepository(api, gun, (v) => v.adminKeys.Root?.[0] === newRootId.slice(0, 7), 30_000, 'the new root key');
  });

  it('writes no passphrase and no private key material to logs, settings or the metadata cache', async () => {
    // The extension's storage is <user-data-dir>/User/globalStorage/trustlens.trustlens/trust-metadata.
    const cacheDir = (api.services.store as unknown as { root: string }).root;
    const userDataDir = dirname(dirname(dirname(dirname(cacheDir))));
    const marker = `no-secrets-check-${process.pid}`;
    api.services.log.channel.info(marker);
    const logs = join(userDataDir, 'logs');
    // The log service writes to disk on its own schedule and raises no event for it.
    await waitUntil(() => spawnSync('grep', ['-rlq', marker, logs]).status === 0, 20_000, 'the TrustLens log on disk');
    // It is the log the signing went to.
    assert.ok((await findSecrets(logs, [{ name: 'the signing log line', value: `signed ${gun}:multi` }])).length > 0);
    const secrets = [
      ...passphraseSecrets(PASS),
      ...await keyMaterialSecrets(join(docker.path, 'trust', 'private'), [PASS.root, PASS.repository]),
    ];
    const found = [
      ...await findSecrets(logs, secrets),
      ...await findSecrets(join(userDataDir, 'User'), secrets),
      ...await findSecrets(docker.path, secrets, (path) => path === join(docker.path, 'trust', 'private')),
      ...await findSecrets(dir.path, secrets, (path) => path.endsWith('carol.pem')),
    ];
    assert.deepEqual(found, []);
  });
});
