/**
 * Helpers for the diagnostics, untrusted-workspace and measurement tests inside the extension host:
 * waiting for a document's diagnostics through `vscode.languages.onDidChangeDiagnostics`, describing
 * them exactly, applying user settings, observing TrustLens's HTTP requests, and the main fixture
 * stack shared by the test files of one pass.
 */
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TrustLensApi } from '../../src/extension';
import type { RequestEvent } from '../../src/core/net/http';
import type { CheckResult } from '../../src/core/trust/checkResult';
import { makeTempDir } from '../helpers/stack/tempDir';
import { startFixtureStack, writeMarkerHelper, type FixtureStack } from './diagnosticsStack';
import { BIN_ENV } from './protocol';
import { extension, fixtureFolder } from './suite/helpers';

/** Every TrustLens setting the tests change; `clearSettings()` resets them all. */
export const TOUCHED_SETTINGS = [
  'trustServers', 'dockerConfigDir', 'debounceMs', 'severity', 'unverifiableLevel', 'cacheTtlSeconds',
] as const;

/** Sets `trustlens.*` user settings, e.g. `{ 'trustlens.debounceMs': 0 }`; `undefined` removes one. */
export async function applySettings(settings: Record<string, unknown>): Promise<void> {
  for (const [key, value] of Object.entries(settings)) {
    const name = key.replace(/^trustlens\./, '');
    await vscode.workspace.getConfiguration('trustlens').update(name, value, vscode.ConfigurationTarget.Global);
  }
}

/** Removes every user setting in {@link TOUCHED_SETTINGS}. */
export async function clearSettings(): Promise<void> {
  await applySettings(Object.fromEntries(TOUCHED_SETTINGS.map((k) => [k, undefined])));
}

/** The extension's API, activating it if an earlier test has not. */
export async function trustLens(): Promise<TrustLensApi> {
  return (await extension().activate()) as TrustLensApi;
}

/** A file of the fixture workspace, e.g. `fixtureUri('verdicts/Dockerfile.verdicts')`. */
export function fixtureUri(relativePath: string): vscode.Uri {
  return vscode.Uri.joinPath(fixtureFolder().uri, relativePath);
}

const SEVERITY_NAMES = ['Error', 'Warning', 'Information', 'Hint'] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];

/**
 * One TrustLens diagnostic as a line that names everything the tests check, e.g.
 * `2:5-2:41 Error unsigned-tag TrustLens` (0-based line:character of start and end).
 */
export function describeDiagnostic(d: vscode.Diagnostic): string {
  const code = typeof d.code === 'object' ? String(d.code.value) : String(d.code);
  const { start, end } = d.range;
  return `${start.line}:${start.character}-${end.line}:${end.character} ${SEVERITY_NAMES[d.severity]} ${code} ${d.source}`;
}

/** The TrustLens diagnostics of a document, in position order. */
export function trustDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'TrustLens')
    .sort((a, b) => a.range.start.compareTo(b.range.start) || describeDiagnostic(a).localeCompare(describeDiagnostic(b)));
}

/** {@link describeDiagnostic} of every TrustLens diagnostic of a document. */
export function described(uri: vscode.Uri): string[] {
  return trustDiagnostics(uri).map(describeDiagnostic);
}

/** What a test expects: the image text exactly as written in the document, its finding code and severity. */
export interface Expected {
  image: string;
  code: string;
  severity: SeverityName;
}

/** The described diagnostics `expected` stands for in `doc`: each image must occur exactly once in it. */
export function expectedIn(doc: vscode.TextDocument, expected: readonly Expected[]): string[] {
  const text = doc.getText();
  return expected
    .map((e) => {
      const at = text.indexOf(e.image);
      assert.ok(at >= 0, `${e.image} is not in ${doc.uri.fsPath}`);
      // The image must be followed by the end of the name, so `app:3.19` does not match `app:3.19.5`.
      const all = [...text.matchAll(new RegExp(`${escapeRegExp(e.image)}(?=[\\s"'#]|$)`, 'gm'))];
      assert.equal(all.length, 1, `${e.image} occurs ${all.length} times in ${doc.uri.fsPath}`);
      const start = doc.positionAt(all[0]!.index);
      const end = doc.positionAt(all[0]!.index + e.image.length);
      return { start, line: `${start.line}:${start.character}-${end.line}:${end.character} ${e.severity} ${e.code} TrustLens` };
    })
    .sort((a, b) => a.start.compareTo(b.start) || a.line.localeCompare(b.line))
    .map((e) => e.line);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Resolves with a document's TrustLens diagnostics once they satisfy `matches`: at once if they
 * already do, else on the `onDidChangeDiagnostics` event that makes them. Rejects after `timeoutMs`
 * with the diagnostics last seen.
 */
export function diagnosticsWhen(
  uri: vscode.Uri,
  matches: (described: string[], diagnostics: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const test = (): boolean => {
      const diagnostics = trustDiagnostics(uri);
      if (!matches(diagnostics.map(describeDiagnostic), diagnostics)) return false;
      clearTimeout(timer);
      sub.dispose();
      resolve(diagnostics);
      return true;
    };
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} in ${vscode.workspace.asRelativePath(uri)}; last seen:\n${described(uri).join('\n') || '(none)'}`));
    }, timeoutMs);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) test();
    });
    test();
  });
}

/** Waits until a document's TrustLens diagnostics are exactly `expected` (as {@link describeDiagnostic} lines). */
export async function diagnosticsEqual(uri: vscode.Uri, expected: readonly string[], what: string, timeoutMs?: number): Promise<vscode.Diagnostic[]> {
  const want = JSON.stringify(expected);
  return diagnosticsWhen(uri, (lines) => JSON.stringify(lines) === want, `${what}:\n${expected.join('\n') || '(none)'}`, timeoutMs);
}

/**
 * Resolves with a document's verdicts (the results its diagnostics are made from) once it has some
 * that satisfy `matches`: for documents whose diagnostics stay empty, where no diagnostics event tells
 * that the check is done.
 */
export function verdictsWhen(
  api: TrustLensApi,
  uri: vscode.Uri,
  matches: (statuses: string[]) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<readonly CheckResult[]> {
  return new Promise((resolve, reject) => {
    const statuses = () => api.services.results.get(uri).map((r) => r.status);
    const test = (): void => {
      const results = api.services.results.get(uri);
      if (results.length === 0 || !matches(statuses())) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(results);
    };
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(statuses())}`));
    }, timeoutMs);
    const sub = api.services.results.onDidChange((changed) => {
      if (changed.toString() === uri.toString()) test();
    });
    test();
  });
}

/** Opens a document in an editor; TrustLens checks it because it opened. */
export async function show(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

/** Replaces the first occurrence of `from` with `to` through a WorkspaceEdit, as typing would. */
export async function replaceText(doc: vscode.TextDocument, from: string, to: string): Promise<void> {
  const at = doc.getText().indexOf(from);
  assert.ok(at >= 0, `${from} is not in ${doc.uri.fsPath}`);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + from.length)), to);
  assert.ok(await vscode.workspace.applyEdit(edit), `could not edit ${doc.uri.fsPath}`);
}

/** Saves nothing: reverts and closes every editor, so fixtures stay as committed. */
export async function closeEditorsWithoutSaving(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    if (!doc.isDirty) continue;
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Every HTTP request TrustLens made since {@link observeRequests} was first called in this host. */
export interface RequestLog {
  readonly events: readonly RequestEvent[];
}

const REQUEST_LOG = Symbol.for('trustlens.test.requestLog');

/**
 * Records every request the trust engine and registry client make (the events behind the `TrustLens`
 * log channel's request lines). The engine takes its request hook when it is built, so this rebuilds it.
 */
export function observeRequests(api: TrustLensApi): RequestLog {
  const holder = api.services.log as { logRequest(e: RequestEvent): void; [REQUEST_LOG]?: RequestEvent[] };
  let events = holder[REQUEST_LOG];
  if (!events) {
    const recorded: RequestEvent[] = [];
    const original = holder.logRequest;
    holder.logRequest = (e) => {
      recorded.push(e);
      original(e);
    };
    holder[REQUEST_LOG] = events = recorded;
    api.services.reset();
  }
  const list = events;
  return { get events() { return list; } };
}

const SHARED_STACK = Symbol.for('trustlens.test.fixtureStack');
type Shared = { [SHARED_STACK]?: Promise<FixtureStack> };

/**
 * The main fixture stack, started once per extension host and shared by every test file that asks for
 * it; it stops after the last test of the run (a root-level `after` hook each asking file registers).
 */
export function sharedFixtureStack(): Promise<FixtureStack> {
  const shared = globalThis as Shared;
  shared[SHARED_STACK] ??= startFixtureStack();
  return shared[SHARED_STACK];
}

/** Registers the root-level hook that stops the shared stack; call at the top level of a test file. */
export function stopSharedFixtureStackAfterRun(): void {
  after(async () => {
    const shared = globalThis as Shared;
    const running = shared[SHARED_STACK];
    delete shared[SHARED_STACK];
    await (await running?.catch(() => undefined))?.stop();
  });
}

/** The committed fixture files and the verdicts they must show against the fixture stacks. */
export const FIXTURES = {
  dockerfile: 'verdicts/Dockerfile.verdicts',
  compose: 'verdicts/compose.verdicts.yaml',
  policy: 'policy/Dockerfile.policy',
  servers: 'servers/Dockerfile.servers',
  private: 'credentials/Dockerfile.private',
} as const;

const R = '127.0.0.1:15080/trustlens';

/** `verdicts/Dockerfile.verdicts`: one diagnostic per finding; the released tag has none. */
export function dockerfileVerdicts(unverifiable: SeverityName = 'Information'): Expected[] {
  return [
    { image: `${R}/app:3.19.5`, code: 'unsigned-tag', severity: 'Error' },
    { image: `${R}/signers:beta`, code: 'not-released', severity: 'Error' },
    { image: `${R}/app:3.20@sha256:${'0'.repeat(64)}`, code: 'digest-mismatch', severity: 'Error' },
    { image: `${R}/empty:1.0`, code: 'no-trust-data', severity: 'Error' },
    { image: `${R}/app`, code: 'implicit-latest', severity: 'Warning' },
    { image: '127.0.0.1:9/team/app:1.0', code: 'unverifiable', severity: unverifiable },
  ];
}

/** `verdicts/compose.verdicts.yaml`: the image compose builds is only information. */
export function composeVerdicts(unverifiable: SeverityName = 'Information'): Expected[] {
  return [
    { image: `${R}/app:3.19.5`, code: 'unsigned-tag', severity: 'Error' },
    { image: `${R}/built:dev`, code: 'no-trust-data', severity: 'Information' },
    { image: '127.0.0.1:9/team/cache:7', code: 'unverifiable', severity: unverifiable },
  ];
}

/**
 * A directory on the extension host's PATH to put executables in: the one the launcher created and
 * put first on PATH ({@link BIN_ENV}), or, under a launcher that has none, a temporary one this puts
 * first on PATH. `dispose()` undoes what this did.
 */
export async function hostBinDir(): Promise<{ path: string; dispose(): Promise<void> }> {
  const given = process.env[BIN_ENV];
  if (given && (process.env.PATH ?? '').split(':')[0] === given) return { path: given, dispose: async () => undefined };
  const dir = await makeTempDir('vscode-bin');
  const before = process.env.PATH;
  process.env.PATH = `${dir.path}:${before ?? ''}`;
  return {
    path: dir.path,
    async dispose() {
      process.env.PATH = before;
      await dir.remove();
    },
  };
}

/** A real `docker-credential-<name>` on the extension host's PATH that records each run. */
export interface MarkerHelper {
  /** The file each run of the helper appends `<action> <server>` to; absent until it first runs. */
  readonly marker: string;
  /** Removes the helper and the marker, and restores PATH. */
  dispose(): Promise<void>;
}

/** Installs {@link writeMarkerHelper}'s script as `docker-credential-<name>` (see {@link MarkerHelper}). */
export async function installMarkerHelper(name: string): Promise<MarkerHelper> {
  const temp = await makeTempDir('vscode-helper-marker');
  const marker = join(temp.path, 'helper-ran');
  const bin = await hostBinDir();
  const helper = await writeMarkerHelper(bin.path, name, marker);
  return {
    marker,
    async dispose() {
      await rm(helper, { force: true });
      await bin.dispose();
      await temp.remove();
    },
  };
}
