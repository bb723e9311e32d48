/// <reference types="mocha" />
/**
 * Kubernetes manifests, a kustomization and Helm values in a real VS Code against a real registry and
 * notary-server: the same diagnostics as a Dockerfile naming the same signed, unsigned and wrongly
 * pinned tags, and the pin fix's exact resulting text for each kind.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TrustLensApi } from '../../src/extension';
import { useQuickFixStack } from './quickFixSuite';

const WRONG = `sha256:${'0'.repeat(64)}`;

describe('deployment files on a real trust server', function () {
  this.timeout(120_000);
  const suite = useQuickFixStack('kinds');
  const d = suite.digest;
  const open = suite.open;
  const write = suite.write;
  let api: TrustLensApi;
  let h: string;

  before(() => {
    api = suite.api;
    h = suite.stack.host;
  });

  /** `code severity "text under the range"` of each TrustLens diagnostic, in order. */
  function diagnostics(doc: vscode.TextDocument): string[] {
    return vscode.languages.getDiagnostics(doc.uri).filter((x) => x.source === 'TrustLens')
      .sort((a, b) => a.range.start.compareTo(b.range.start))
      .map((x) => `${(x.code as { value: string }).value} ${vscode.DiagnosticSeverity[x.severity]} ${doc.getText(x.range)}`);
  }

  /** Applies the preferred "Pin to signed digest" at the start of `needle`. */
  async function pinAt(doc: vscode.TextDocument, needle: string): Promise<void> {
    const at = doc.positionAt(doc.getText().indexOf(needle));
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(at, at))) ?? [];
    const pins = actions.filter((a) => /^Pin to signed digest sha256:/.test(a.title));
    const verdicts = api.services.results.get(doc.uri).map((r) => r.target.kind === 'reference'
      ? `${r.target.occurrence.text}@${r.target.occurrence.range.start.line}:${r.target.occurrence.range.start.character} ${r.status}` : r.status);
    assert.equal(pins.length, 1, `actions at ${at.line}:${at.character}: ${actions.map((a) => a.title).join(' | ') || 'none'}; verdicts: ${verdicts.join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(pins[0]!.edit!));
    // The verdicts of the edited text: a pin that adds a line moves the entries after it.
    await api.checkDocument(doc);
  }

  it('a Deployment gives the Dockerfile\'s diagnostics, and pins keeping quotes, flow style and comments', async () => {
    const images = [`${h}/trustlens/app:3.19`, `${h}/trustlens/app:3.19.5`, `${h}/trustlens/app:3.20@${WRONG}`];
    const dockerfile = await open('Dockerfile', images.map((i) => `FROM ${i}\n`).join(''));
    const expected = [
      `unsigned-tag Error ${images[1]}`,
      `digest-mismatch Error ${images[2]}`,
    ];
    assert.deepEqual(diagnostics(dockerfile), expected);
    const text = [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: app}', 'spec:', '  template:', '    spec:', '      containers:',
      `        - {name: app, image: "${images[0]}"}  # signed`, `        - name: next`, `          image: ${images[1]}`,
      `        - name: pinned`, `          image: '${images[2]}'`, '',
    ].join('\n');
    const doc = await open('k8s/deployment.yaml', text);
    assert.deepEqual(diagnostics(doc), expected);
    await pinAt(doc, images[0]!);
    await pinAt(doc, images[2]!);
    assert.equal(doc.getText(), text
      .replace(`"${images[0]}"`, `"${images[0]}@${d('app:3.19')}"`)
      .replace(`'${images[2]}'`, `'${h}/trustlens/app:3.20@${d('app:3.20')}'`));
  });

  it('a kustomization: verdicts on its entries for what kustomize resolves; the pin writes digest: and keeps newTag', async () => {
    await write('kustomize/base/deployment.yaml', 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: app:dev\n        - image: next\n        - image: pinned:1\n');
    const text = [
      'resources:', '  - base/deployment.yaml', 'images:',
      '  - name: app  # the app', `    newName: ${h}/trustlens/app`, '    newTag: "3.19"',
      '  - name: next', `    newName: ${h}/trustlens/app`, '    newTag: 3.19.5',
      '  - name: pinned', `    newName: ${h}/trustlens/app`, '    newTag: "3.20"', `    digest: ${WRONG}`, '',
    ].join('\n');
    const doc = await open('kustomize/kustomization.yaml', text);
    assert.deepEqual(diagnostics(doc), ['unsigned-tag Error next', 'digest-mismatch Error pinned']);
    await pinAt(doc, 'app  #');
    await pinAt(doc, 'pinned');
    assert.equal(doc.getText(), text
      .replace('    newTag: "3.19"\n', `    newTag: "3.19"\n    digest: ${d('app:3.19')}\n`)
      .replace(`digest: ${WRONG}`, `digest: ${d('app:3.20')}`));
  });

  it('Helm values: digest: where the map has one, else tag@sha256:, and the plain string form', async () => {
    await write('chart/Chart.yaml', 'apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: "3.19"\n');
    const text = [
      'image:', `  registry: ${h}`, '  repository: trustlens/app', '  tag: ""', '  digest: ""',
      'next:', `  image: "${h}/trustlens/app:3.19.5"`,
      'sidecarImage:', `  repository: ${h}/trustlens/app`, '  tag: "3.20@' + WRONG + '" # wrong', '',
    ].join('\n');
    const doc = await open('chart/values.yaml', text);
    assert.deepEqual(diagnostics(doc), [`unsigned-tag Error ${h}/trustlens/app:3.19.5`, `digest-mismatch Error ${h}/trustlens/app`]);
    await pinAt(doc, 'trustlens/app\n');
    await pinAt(doc, `${h}/trustlens/app\n`);
    assert.equal(doc.getText(), text
      .replace('  digest: ""', `  digest: "${d('app:3.19')}"`)
      .replace(`"3.20@${WRONG}"`, `"3.20@${d('app:3.20')}"`));
  });

  /** Resolves when the document's TrustLens diagnostics are `expected`, checked on every change of them. */
  function diagnosticsBecome(doc: vscode.TextDocument, expected: string[]): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        if (JSON.stringify(diagnostics(doc)) !== JSON.stringify(expected)) return false;
        sub.dispose();
        resolve();
        return true;
      };
      const sub = vscode.languages.onDidChangeDiagnostics(done);
      done();
    });
  }

  it('a manifest edited so that it is no Kubernetes manifest any more loses its diagnostics at once, and gets them back', async () => {
    const text = `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: ${h}/trustlens/app:3.19.5\n`;
    const doc = await open('k8s/pod.yaml', text);
    assert.deepEqual(diagnostics(doc), [`unsigned-tag Error ${h}/trustlens/app:3.19.5`]);
    const edit = new vscode.WorkspaceEdit();
    edit.delete(doc.uri, new vscode.Range(0, 0, 1, 0));
    assert.ok(await vscode.workspace.applyEdit(edit));
    await diagnosticsBecome(doc, []);
    await api.settled();
    assert.deepEqual(api.services.results.get(doc.uri), []);
    const back = new vscode.WorkspaceEdit();
    back.insert(doc.uri, new vscode.Position(0, 0), 'apiVersion: v1\n');
    assert.ok(await vscode.workspace.applyEdit(back));
    await diagnosticsBecome(doc, [`unsigned-tag Error ${h}/trustlens/app:3.19.5`]);
  });

  it('the trustlens.files settings decide: an included name is checked, an excluded manifest is not until the exclusion goes', async () => {
    const config = () => vscode.workspace.getConfiguration('trustlens');
    const defaults = config().inspect<string[]>('files.include')?.defaultValue ?? assert.fail('no default files.include');
    await config().update('files.include', [...defaults, '**/*.docker'], vscode.ConfigurationTarget.Workspace);
    await config().update('files.exclude', ['**/excluded/**'], vscode.ConfigurationTarget.Workspace);
    let excluded: vscode.TextDocument;
    try {
      const included = await open('img/app.docker', `FROM ${h}/trustlens/app:3.19.5\n`);
      assert.deepEqual(diagnostics(included), [`unsigned-tag Error ${h}/trustlens/app:3.19.5`]);
      excluded = await open('excluded/pod.yaml', `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: ${h}/trustlens/app:3.19.5\n`);
      assert.deepEqual(diagnostics(excluded), []);
      assert.deepEqual(api.services.results.get(excluded.uri), []);
    } finally {
      await config().update('files.include', undefined, vscode.ConfigurationTarget.Workspace);
      await config().update('files.exclude', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await diagnosticsBecome(excluded, [`unsigned-tag Error ${h}/trustlens/app:3.19.5`]);
  });

  it('a YAML file that is no Kubernetes manifest is not checked', async () => {
    const doc = await open('notes/notes.yaml', `services:\n  web:\n    image: ${h}/trustlens/app:3.19.5\n`);
    assert.deepEqual(diagnostics(doc), []);
    assert.deepEqual(api.services.results.get(doc.uri), []);
  });

  it('a large manifest just opened shows its first documents\' problems while the rest is read, then exactly a full read\'s; no verdict is stored from the first', async () => {
    // Both tags' trust data is cached first, as for a file opened in a workspace already checked.
    await open('k8s/warm.yaml', `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: ${h}/trustlens/app:3.19\n    - image: ${h}/trustlens/app:3.19.5\n`);
    const image = (i: number) => `${h}/trustlens/app:${i % 10 === 0 ? '3.19.5' : '3.19'}`;
    const deployments = Array.from({ length: 300 }, (_, i) => [
      'apiVersion: apps/v1', 'kind: Deployment', `metadata: {name: app${i}}`, 'spec:', '  template:', '    spec:', '      containers:',
      '        - name: app', `          image: ${image(i)}`, '          ports: [{containerPort: 8080}]',
    ].join('\n'));
    const uri = vscode.Uri.file(await write('k8s/large.yaml', `${deployments.join('\n---\n')}\n`));
    // Each Deployment is 10 lines and a separator; every tenth image is the unsigned tag.
    const expected = deployments.flatMap((_, i) => (i % 10 === 0 ? [`${i * 11 + 8}:17 unsigned-tag Error ${image(i)}`] : []));
    const located = () => vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'TrustLens')
      .map((x) => `${x.range.start.line}:${x.range.start.character} ${(x.code as { value: string }).value} ${vscode.DiagnosticSeverity[x.severity]} ${image(Math.floor(x.range.start.line / 11))}`);
    const shown: { partial: boolean; diagnostics: string[]; verdicts: number }[] = [];
    let allShown = (): void => undefined;
    const all = new Promise<void>((resolve) => {
      allShown = resolve;
    });
    const sub = api.onDidShowDiagnostics((e) => {
      if (e.uri.toString() !== uri.toString()) return;
      shown.push({ partial: e.partial, diagnostics: located(), verdicts: api.services.results.get(uri).length });
      if (!e.partial) allShown();
    });
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      await all;
      assert.deepEqual(shown.map((s) => s.partial), [true, false], 'the first documents\' diagnostics, then all of them');
      const [first, whole] = [shown[0]!, shown[1]!];
      assert.deepEqual(whole.diagnostics, expected);
      assert.ok(first.diagnostics.length > 0 && first.diagnostics.length < expected.length, `${first.diagnostics.length} of ${expected.length} shown first`);
      assert.deepEqual(first.diagnostics, expected.slice(0, first.diagnostics.length), 'the first diagnostics are the beginning of all of them');
      assert.equal(first.verdicts, 0, 'no verdict is stored from the first documents (status bar, hovers, Signers view, report)');
      assert.equal(whole.verdicts, deployments.length);
      // A full read (a forced re-check shows no first findings) gives the same diagnostics.
      await api.checkDocument(doc, true);
      assert.deepEqual(shown.map((s) => s.partial), [true, false, false]);
      assert.deepEqual(located(), expected);
    } finally {
      sub.dispose();
    }
  });
});
