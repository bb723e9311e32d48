/// <reference types="mocha" />
/**
 * *TrustLens: Show Trust Report* on the real stack: it checks the workspace and opens the Markdown
 * report in VS Code's Markdown preview, from a read-only document (nothing written to the workspace):
 * a row per image with its verdict, and on the timeline the targets of a repository that expire in 40
 * days (a control repository signed today is in the table, not on the timeline).
 */
import * as assert from 'node:assert/strict';
import { signBackdated } from '../helpers/trust/backdatedSigning';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { escapeMarkdown } from '../../src/core/model/markdown';
import { offsetClock, systemClock, type Clock } from '../../src/core/ports';
import type { PassphraseProvider } from '../../src/core/trust/dct/keys/signingKey';
import type { TrustLensApi } from '../../src/extension';
import type { TrustReportOutcome } from '../../src/vscode/commands/trustReport';
import { getTrustFile } from '../helpers/stack/notaryHttp';
import { pushImage, type PushedImage } from '../helpers/stack/push';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';
import { scriptPrompts } from './signingPrompts';
import { extension, fixtureFolder, waitUntil } from './suite/helpers';

const DAY_MS = 86_400_000;
const passphrases: PassphraseProvider = { get: ({ role }) => Promise.resolve(role === 'root' ? 'report-root' : 'report-repository') };

describe('Show Trust Report on the real stack', function () {
  this.timeout(180_000);
  let stack: Stack;
  let docker: TestDockerConfig;
  let folder: string;
  let soon: PushedImage;
  let later: PushedImage;

  const signAt = async (repository: string, clock: Clock): Promise<PushedImage> => {
    const image = await pushImage(stack.registry, repository, 'v1');
    await signBackdated({ stack, dockerConfigDir: docker.path, passphrases, clock }, `${stack.registry.host}/${repository}:v1`);
    return image;
  };

  before(async function () {
    this.timeout(300_000);
    stack = await startStack();
    docker = await makeDockerConfig([{ host: stack.notary.host, caPem: stack.notary.caPem }]);
    // Signed as if 3 years less 40 days ago: its targets expire in 40 days.
    soon = await signAt('report/soon', offsetClock(systemClock, -(3 * 365 - 40) * DAY_MS));
    later = await signAt('report/later', systemClock);
    const config = vscode.workspace.getConfiguration('trustlens');
    await config.update('trustServers', { [stack.registry.host]: stack.notary.url }, vscode.ConfigurationTarget.Global);
    await config.update('dockerConfigDir', docker.path, vscode.ConfigurationTarget.Global);
    await extension().activate();
    folder = join(fixtureFolder().uri.fsPath, `report-${process.pid}`);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'Dockerfile'), `FROM ${stack.registry.host}/report/soon:v1\nFROM ${stack.registry.host}/report/later:v1\n`);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const config = vscode.workspace.getConfiguration('trustlens');
    await config.update('trustServers', undefined, vscode.ConfigurationTarget.Global);
    await config.update('dockerConfigDir', undefined, vscode.ConfigurationTarget.Global);
    await rm(folder ?? '', { recursive: true, force: true });
    await docker?.remove();
    await stack?.stop();
  });

  it('checks the workspace and shows the Markdown report in the preview, written nowhere in the workspace', async () => {
    const before = await readdir(fixtureFolder().uri.fsPath, { recursive: true });
    const prompts = scriptPrompts({ passphrase: () => undefined });
    let outcome: TrustReportOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<TrustReportOutcome>('trustlens.showTrustReport');
    } finally {
      prompts.restore();
    }
    assert.ok(outcome?.uri && !outcome.cancelled && outcome.files > 0 && outcome.files === outcome.found, JSON.stringify(outcome));
    const uri = vscode.Uri.parse(outcome.uri);
    assert.equal(uri.scheme, 'trustlens-report');
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === outcome!.uri);
    assert.ok(doc, 'the report is an open document');
    const text = doc.getText();

    // The same report the CLI writes: a heading, a row per image, the timeline.
    assert.match(text, new RegExp(`^# TrustLens trust report: ${escapeRegExp(escapeMarkdown(fixtureFolder().name))}\\n\\n${outcome.files} files checked on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\.\\n\\n## `));
    const api = (await extension().activate()) as TrustLensApi;
    const file = vscode.Uri.file(join(folder, 'Dockerfile'));
    assert.deepEqual(api.services.results.get(file).map((r) => r.status), ['signed', 'signed'], 'the Dockerfile was checked');
    const label = vscode.workspace.asRelativePath(file, false);
    const rowOf = (line: number, image: string, verdict: string, digest: string) =>
      `| ${escapeMarkdown(`${label}:${line}`)} | ${escapeMarkdown(image)} | ${verdict} | dct: signed, cosign: unsigned | — | ${escapeMarkdown(digest.slice(0, 19))}… |`;
    assert.ok(text.includes(rowOf(1, `${stack.registry.host}/report/soon:v1`, '✔ Pass: signed', soon.digest)), text);
    assert.ok(text.includes(rowOf(2, `${stack.registry.host}/report/later:v1`, '✔ Pass: signed', later.digest)), text);
    const expires = new Date(Date.parse((await getTrustFile(stack.notary, `${stack.registry.host}/report/soon`, 'targets')).signed.expires)).toISOString().slice(0, 10);
    const timeline = text.slice(text.indexOf('### Expiry timeline — next 90 days'));
    assert.match(timeline, new RegExp(`\\n\\| ${expires} \\(in (39|40) days\\) \\| targets \\| dct \\| ${escapeRegExp(escapeMarkdown(`${stack.registry.host}/report/soon`))} \\| ${escapeRegExp(escapeMarkdown(`${stack.registry.host}/report/soon:v1`))} \\| the repository key holder\\\\, by signing targets again as it is: \`trustlens witness ${escapeRegExp(`${stack.registry.host}/report/soon`)} targets\` \\|\\n`));
    assert.ok(!timeline.includes(escapeMarkdown(`${stack.registry.host}/report/later`)), 'the control, which expires in 3 years, is not on the timeline');

    // The preview of that document is open.
    const previews = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
      .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('markdown.preview') && t.label.includes('TrustLens Trust Report'));
    await waitUntil(() => previews().length > 0, 20_000, 'the Markdown preview of the report');
    // Nothing was written into the workspace.
    assert.deepEqual((await readdir(fixtureFolder().uri.fsPath, { recursive: true })).sort(), before.sort());
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
