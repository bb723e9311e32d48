import * as vscode from 'vscode';
import { describeError, TrustLensError } from '../../core/errors';
import type { Severity } from '../../core/model/findings';
import type { ScanResult } from '../../core/model/occurrence';
import { PolicyFileError } from '../../core/policy/policyError';
import { affectsTrustLens, readSettings } from '../config';
import { documentKind, scanDocument } from '../documents';
import type { TrustLensServices } from '../services';
import { toDiagnostics } from './convert';

interface Pending {
  timer?: ReturnType<typeof setTimeout>;
  controller?: AbortController;
  /** The document's version when the check was asked for. */
  version: number;
}

/** Diagnostics a check set: all of the document's, or (`partial`) those of a large file's first documents only. */
export interface ShownDiagnostics {
  uri: vscode.Uri;
  partial: boolean;
}

/**
 * Owns the `TrustLens` diagnostic collection: checks each Dockerfile and compose document debounced
 * after edits, at once on open, save and focus, and again when settings, workspace trust or a policy
 * file change. A newer check cancels the document's older one; verdicts already shown stay until the
 * new ones arrive.
 *
 * A large Kubernetes file with nothing shown yet (just opened) shows the problems of its first
 * documents as soon as the reader has them, checked like any others, and then all of them. Those first
 * diagnostics are all they are: the verdicts that the status bar, hovers, quick fixes, the Signers view
 * and the report read are stored only from the whole file, so until then they say it is being checked.
 */
export class DiagnosticsManager implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('TrustLens');
  readonly #pending = new Map<string, Pending>();
  readonly #policyErrors = new Set<string>();
  readonly #disposables: vscode.Disposable[] = [];
  readonly #started = new vscode.EventEmitter<vscode.Uri>();
  readonly #completed = new vscode.EventEmitter<vscode.Uri>();
  readonly #shownEvent = new vscode.EventEmitter<ShownDiagnostics>();
  /** Fires when a check of a document is scheduled or started, whatever asked for it. */
  readonly onWillCheck = this.#started.event;
  /** Fires when the document's latest check finished or was dropped (whether or not anything changed). */
  readonly onDidCheck = this.#completed.event;
  /** Fires right after a check sets a document's diagnostics (the first documents' of a large file, or all). */
  readonly onDidShowDiagnostics = this.#shownEvent.event;

  constructor(private readonly services: TrustLensServices) {
    const policyWatcher = vscode.workspace.createFileSystemWatcher('**/.trustlens.yaml');
    const onPolicy = () => {
      services.invalidatePolicies();
      this.recheckAll();
    };
    this.#disposables.push(
      this.collection,
      this.#started,
      this.#completed,
      this.#shownEvent,
      policyWatcher,
      policyWatcher.onDidChange(onPolicy),
      policyWatcher.onDidCreate(onPolicy),
      policyWatcher.onDidDelete(onPolicy),
      vscode.workspace.onDidOpenTextDocument((doc) => this.#scheduleShown(doc)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.schedule(e.document, readSettings(e.document.uri).debounceMs);
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => this.schedule(doc, 0)),
      vscode.window.onDidChangeActiveTextEditor((editor) => editor && this.#scheduleShown(editor.document)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.forget(doc.uri)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!affectsTrustLens(e)) return;
        services.reset();
        this.recheckAll();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        services.reset();
        services.invalidatePolicies();
        this.recheckAll();
      }),
    );
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0);
  }

  /** Checks a document after `delayMs`, replacing any check scheduled or running for it. */
  schedule(doc: vscode.TextDocument, delayMs: number, force = false): void {
    if (!this.#checked(doc)) return;
    const key = doc.uri.toString();
    this.#cancel(key);
    const pending: Pending = { version: doc.version };
    pending.timer = setTimeout(() => {
      pending.timer = undefined;
      void this.#run(doc, pending, force);
    }, delayMs);
    this.#pending.set(key, pending);
    this.#started.fire(doc.uri);
  }

  /**
   * Checks a document that opened or took the focus at once, unless a check of its current text is
   * already running: opening a file in an editor does both, and the second check would wait for the
   * first one's reader to finish.
   */
  #scheduleShown(doc: vscode.TextDocument): void {
    const pending = this.#pending.get(doc.uri.toString());
    if (pending && pending.timer === undefined && pending.version === doc.version) return;
    this.schedule(doc, 0);
  }

  /**
   * Checks a document now and resolves when its diagnostics are set: by this check, or by the newer
   * one that replaced it meanwhile (an edit, a focus, a settings or policy change).
   */
  async checkNow(doc: vscode.TextDocument, force = false): Promise<void> {
    if (!this.#checked(doc)) return;
    const key = doc.uri.toString();
    this.#cancel(key);
    const pending: Pending = { version: doc.version };
    this.#pending.set(key, pending);
    this.#started.fire(doc.uri);
    await this.#run(doc, pending, force);
    await this.#settledFor(key);
  }

  /** Resolves once no check of the document `key` names is scheduled or running. */
  async #settledFor(key: string): Promise<void> {
    while (this.#pending.has(key)) {
      await new Promise<void>((resolve) => {
        const sub = this.onDidCheck((uri) => {
          if (uri.toString() !== key) return;
          sub.dispose();
          resolve();
        });
      });
    }
  }

  /** Whether a check of the document is scheduled or running. */
  isChecking(uri: vscode.Uri): boolean {
    return this.#pending.has(uri.toString());
  }

  /** Resolves once no check of any document is scheduled or running. */
  async settled(): Promise<void> {
    for (let key = this.#pending.keys().next(); !key.done; key = this.#pending.keys().next()) await this.#settledFor(key.value);
  }

  /** Re-checks every open document (optionally bypassing the cache TTL). */
  recheckAll(force = false): void {
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0, force);
  }

  /**
   * Whether TrustLens checks the document. One it checked before and no longer does (a YAML file
   * edited so that it is no Kubernetes manifest any more, or settings that now leave it out) loses
   * its diagnostics and verdicts at once.
   */
  #checked(doc: vscode.TextDocument): boolean {
    if (documentKind(doc, this.services.files)) return true;
    if (this.collection.has(doc.uri) || this.#pending.has(doc.uri.toString()) || this.services.results.get(doc.uri).length > 0) this.forget(doc.uri);
    return false;
  }

  forget(uri: vscode.Uri): void {
    const dropped = this.#pending.has(uri.toString());
    this.#cancel(uri.toString());
    this.#pending.delete(uri.toString());
    this.#hide(uri);
    this.services.scanner.forget(uri.toString());
    if (dropped) this.#completed.fire(uri);
  }

  #cancel(key: string): void {
    const pending = this.#pending.get(key);
    if (!pending) return;
    if (pending.timer) clearTimeout(pending.timer);
    pending.controller?.abort();
  }

  async #run(doc: vscode.TextDocument, pending: Pending, force: boolean): Promise<void> {
    const kind = documentKind(doc, this.services.files);
    const settings = readSettings(doc.uri);
    const controller = new AbortController();
    pending.controller = controller;
    const key = doc.uri.toString();
    let ended = false;
    let first: Promise<void> | undefined;
    try {
      if (doc.isClosed) return;
      if (!kind || !settings.enable) {
        this.#hide(doc.uri);
        return;
      }
      const version = doc.version;
      // A document with nothing shown yet shows its first problems while the rest is read (never
      // for a forced re-check, which must not show verdicts from before it).
      const onFirst = !force && !this.collection.has(doc.uri)
        ? (found: ScanResult) => {
          // Whatever fails here (a cancelled check included) fails the whole file's check too, which says so.
          first = this.#showFirst(doc, version, found, controller.signal, settings.unverifiableLevel, () => ended).catch(() => undefined);
        }
        : undefined;
      // Keyed by the document, so that the reader re-parses only what this edit changed.
      const scan = await scanDocument(doc, kind, this.services.scanner, key, onFirst);
      const policy = await this.services.policyFor(doc.uri);
      if (policy instanceof Error) {
        this.#showPolicyError(policy);
        return;
      }
      this.#clearPolicyErrors();
      const results = await this.services.trust.check(scan, { policy, signal: controller.signal, force });
      // The first problems are shown (or dropped) before all of them are.
      await first;
      if (controller.signal.aborted || doc.isClosed || doc.version !== version) return;
      ended = true;
      this.services.results.set(doc.uri, results);
      this.collection.set(doc.uri, toDiagnostics(results, settings.unverifiableLevel));
      this.#shownEvent.fire({ uri: doc.uri, partial: false });
    } catch (e) {
      if (TrustLensError.is(e, 'aborted')) return;
      // A check must never take the editor down; the log says why it failed.
      this.services.log.logger.error(`checking ${doc.uri.fsPath} failed: ${describeError(e)}`);
    } finally {
      ended = true;
      // The document's latest check reports back whatever became of it, so that waiting for it ends.
      const latest = this.#pending.get(key) === pending;
      if (latest) this.#pending.delete(key);
      if (latest || !controller.signal.aborted) this.#completed.fire(doc.uri);
    }
  }

  /**
   * Shows the diagnostics of a large file's first documents, checked like any others, unless the
   * check they are part of has ended (all of them shown, or dropped) or was cancelled. No verdict is
   * stored: only the whole file's are.
   */
  async #showFirst(
    doc: vscode.TextDocument, version: number, found: ScanResult, signal: AbortSignal, level: Severity, ended: () => boolean,
  ): Promise<void> {
    const policy = await this.services.policyFor(doc.uri);
    // A broken policy file is shown by the check itself.
    if (policy instanceof Error) return;
    const results = await this.services.trust.check(found, { policy, signal });
    if (signal.aborted || ended() || doc.isClosed || doc.version !== version) return;
    this.collection.set(doc.uri, toDiagnostics(results, level));
    this.#shownEvent.fire({ uri: doc.uri, partial: true });
  }

  /** Drops a document's diagnostics and verdicts. */
  #hide(uri: vscode.Uri): void {
    this.collection.delete(uri);
    this.services.results.delete(uri);
  }

  /** Shows a broken `.trustlens.yaml` where it is broken, from the error's file, line and column. */
  #showPolicyError(error: Error): void {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!PolicyFileError.isPolicyFileError(error) || !folder) {
      this.services.log.logger.error(error.message);
      return;
    }
    const uri = error.file.startsWith('/') ? vscode.Uri.file(error.file) : vscode.Uri.joinPath(folder.uri, error.file);
    const pos = new vscode.Position(error.line - 1, error.column - 1);
    const d = new vscode.Diagnostic(new vscode.Range(pos, pos.translate(0, 1)), error.detail, vscode.DiagnosticSeverity.Error);
    d.source = 'TrustLens';
    this.collection.set(uri, [d]);
    this.#policyErrors.add(uri.toString());
  }

  #clearPolicyErrors(): void {
    for (const key of this.#policyErrors) this.collection.delete(vscode.Uri.parse(key));
    this.#policyErrors.clear();
  }

  dispose(): void {
    for (const key of [...this.#pending.keys()]) this.#cancel(key);
    for (const d of this.#disposables) d.dispose();
  }
}
