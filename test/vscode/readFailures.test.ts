/// <reference types="mocha" />
/**
 * What TrustLens cannot read is shown, never passed over, and never blocks the editor: an invalid
 * reference and a file buildkit or compose would refuse are Error diagnostics at the problem; a
 * merge-key bomb is read off the extension host's thread, so other commands keep answering.
 * None of these files has a reference to verify, so no trust server is involved.
 */
import * as assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { TrustLensApi } from '../../src/extension';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { clearSettings, closeEditorsWithoutSaving, diagnosticsEqual, diagnosticsWhen, show, trustLens } from './diagnosticsHost';

/** Merge keys nested six deep, each merging ten aliases of the level below: a million nodes expanded. */
function mergeBomb(): string {
  let text = 'l0: &l0 {image: nginx}\n';
  for (let level = 1; level <= 6; level += 1) text += `l${level}: &l${level} {<<: [${Array(10).fill(`*l${level - 1}`).join(', ')}]}\n`;
  return `${text}services:\n  s: *l6\n`;
}

describe('files TrustLens cannot read', function () {
  this.timeout(120_000);
  let api: TrustLensApi;
  let temp: TempDir;

  before(async () => {
    api = await trustLens();
    await clearSettings();
    temp = await makeTempDir('vscode-read-failures');
  });

  afterEach(closeEditorsWithoutSaving);

  after(async () => {
    await temp?.remove();
  });

  async function write(name: string, text: string): Promise<vscode.Uri> {
    const file = join(temp.path, name);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, text);
    return vscode.Uri.file(file);
  }

  it('an invalid reference is an Error diagnostic on exactly its text, with the exact reason', async () => {
    const doc = await show(await write('invalid/Dockerfile', 'FROM 127.0.0.1:5000/Demo/web:1.0\n'));
    const [d] = await diagnosticsEqual(doc.uri, ['0:5-0:32 Error invalid-reference TrustLens'], 'the invalid reference');
    assert.equal(d!.message, '127.0.0.1:5000/Demo/web:1.0 is not a valid image reference: invalid reference "127.0.0.1:5000/Demo/web:1.0": repository name must be lowercase');
  });

  it('an image that is invalid without a variable\'s value says which variable to set', async () => {
    const doc = await show(await write('unset/compose.yaml', 'services:\n  web:\n    image: node:${UNSET_FOR_TEST}\n'));
    const [d] = await diagnosticsEqual(doc.uri, ['2:11-2:33 Error variable-unresolved TrustLens'], 'the unresolved variable');
    assert.match(d!.message, /UNSET_FOR_TEST is not set; set it in the environment or in the \.env file/);
  });

  it('a compose file that is not valid YAML, and a Dockerfile buildkit rejects, are unparsable-file Errors at the problem', async () => {
    const compose = await show(await write('broken/compose.yaml', 'services:\n  web:\n    image: nginx:1.25\n   bad: [unclosed\n'));
    const [yaml] = await diagnosticsEqual(compose.uri, ['3:0-3:1 Error unparsable-file TrustLens'], 'the YAML error');
    assert.match(yaml!.message, /^invalid YAML: /);
    const dockerfile = await show(await write('broken/Dockerfile', 'FROM scratch\nFOO bar\n'));
    const [instruction] = await diagnosticsEqual(dockerfile.uri, ['1:0-1:7 Error unparsable-file TrustLens'], 'the unknown instruction');
    assert.equal(instruction!.message, 'buildkit refuses this Dockerfile: unknown instruction: FOO');
  });

  it('a merge-key bomb does not block the extension host: it never stalls 100 ms, other commands answer meanwhile, and the file is an unparsable-file Error', async () => {
    const doc = await vscode.workspace.openTextDocument(await write('bomb/compose.yaml', mergeBomb()));
    // What decides whether another command answers within 100 ms is the extension host's event loop:
    // a read on its thread stalls it for as long as the read takes. That stall is measured here, in
    // the extension host itself, so a busy machine slowing the workbench's side does not count.
    const stalls = monitorEventLoopDelay({ resolution: 5 });
    stalls.enable();
    let reading = true;
    const check = api.checkDocument(doc).finally(() => {
      reading = false;
    });
    const latencies: number[] = [];
    try {
      do {
        const started = performance.now();
        await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
        latencies.push(performance.now() - started);
      } while (reading);
      await check;
    } finally {
      stalls.disable();
    }
    const longestStallMs = stalls.max / 1e6;
    assert.ok(latencies.length > 0, 'no command answered while the bomb was read');
    assert.ok(longestStallMs < 100, `the extension host stalled ${longestStallMs.toFixed(0)} ms while the bomb was read (command round trips: ${latencies.map((ms) => ms.toFixed(0)).join(', ')} ms)`);
    const [d] = await diagnosticsWhen(doc.uri, (lines) => lines.length > 0, 'the bomb\'s diagnostic');
    assert.equal(d!.severity, vscode.DiagnosticSeverity.Error);
    assert.equal((d!.code as { value: string }).value, 'unparsable-file');
    assert.match(d!.message, /^not read: YAML aliases and merge keys expand to [\d,]+ nodes, .*"document contains excessive aliasing"/);
  });
});
