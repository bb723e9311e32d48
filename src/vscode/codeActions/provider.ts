import * as vscode from 'vscode';
import { pinAllFixes } from '../../core/fixes/pinFix';
import type { CheckResult } from '../../core/trust/checkResult';
import { diagnosticCode, toVsRange } from '../diagnostics/convert';
import { documentKind, TRUSTLENS_DOCUMENTS } from '../documents';
import type { ResultsStore } from '../results';
import type { FileSelection } from '../fileSelection';
import type { TrustLensServices } from '../services';
import { cosignSignAction, ignoreAction, pinAction, showSignersAction, signAction, switchTagAction, trustSignerAction, type Candidate } from './actions';
import { replacementsEdit, textAtOf } from './edits';

/** The kind of "pin all signed references", runnable on save with `editor.codeActionsOnSave`. */
export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('trustlens');

const PIN_ALL_TITLE = 'Pin all signed references in this file';

/**
 * Quick fixes for TrustLens verdicts. VS Code hands providers copies of diagnostics, so verdicts are
 * looked up in the results store by position (never by re-parsing): under the cursor, under each
 * TrustLens diagnostic, and for an ARG default, the references that take their image from it.
 */
export class TrustLensCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND],
  };

  constructor(private readonly results: ResultsStore, private readonly files: FileSelection) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (!documentKind(doc, this.files)) return [];
    const out: vscode.CodeAction[] = [];
    const pinAll = pinAllFixes(this.results.get(doc.uri), textAtOf(doc));
    if (!context.only || context.only.intersects(vscode.CodeActionKind.QuickFix)) {
      const candidates = this.#candidates(doc, range, context);
      const seen = new Set<string>();
      const ignores: vscode.CodeAction[] = [];
      const add = (list: vscode.CodeAction[], action: vscode.CodeAction | undefined) => {
        if (!action || seen.has(keyOf(action))) return;
        seen.add(keyOf(action));
        list.push(action);
      };
      for (const c of candidates) {
        for (const action of [pinAction(doc, c), switchTagAction(doc, c), signAction(c), cosignSignAction(c), trustSignerAction(doc, c), showSignersAction(c)]) add(out, action);
        add(ignores, ignoreAction(doc, c));
      }
      if (pinAll.length > 1 && out.some((a) => a.isPreferred)) {
        const action = new vscode.CodeAction(PIN_ALL_TITLE, vscode.CodeActionKind.QuickFix);
        action.edit = replacementsEdit(doc.uri, pinAll);
        out.push(action);
      }
      // Ignoring is the way out, not a fix: after every fix, and never preferred.
      out.push(...ignores);
    }
    if (pinAll.length > 0 && context.only?.intersects(FIX_ALL_KIND)) {
      const action = new vscode.CodeAction(PIN_ALL_TITLE, FIX_ALL_KIND);
      action.edit = replacementsEdit(doc.uri, pinAll);
      out.push(action);
    }
    return out;
  }

  /** The verdicts the request is about, each once, with the TrustLens diagnostics shown on it. */
  #candidates(doc: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): Candidate[] {
    const byResult = new Map<CheckResult, Candidate>();
    const add = (result: CheckResult | undefined): Candidate | undefined => {
      if (!result || result.target.kind !== 'reference') return undefined;
      let c = byResult.get(result);
      if (!c) {
        c = { result, occurrence: result.target.occurrence, diagnostics: [] };
        byResult.set(result, c);
      }
      return c;
    };
    for (const diagnostic of context.diagnostics) {
      const code = diagnosticCode(diagnostic);
      if (code === undefined) continue;
      add(this.results.at(doc.uri, diagnostic.range.start))?.diagnostics.push({ diagnostic, code });
    }
    add(this.results.at(doc.uri, range.start));
    for (const result of this.results.get(doc.uri)) {
      const source = result.target.kind === 'reference' ? result.target.occurrence.argSource : undefined;
      if (source && toVsRange(source.range).contains(range.start)) add(result);
    }
    return [...byResult.values()];
  }
}

/** What makes two actions the same (one ARG default feeds several references). */
function keyOf(action: vscode.CodeAction): string {
  const edits = action.edit?.entries().flatMap(([, list]) => list.map((e) => [e.range.start.line, e.range.start.character, e.newText])) ?? [];
  return JSON.stringify([action.title, action.command?.arguments ?? null, edits]);
}

/** Registers the quick fixes for Dockerfiles and compose files, by language and by file name. */
export function registerCodeActions(services: TrustLensServices): vscode.Disposable {
  const provider = new TrustLensCodeActionProvider(services.results, services.files);
  return vscode.languages.registerCodeActionsProvider(TRUSTLENS_DOCUMENTS, provider, TrustLensCodeActionProvider.metadata);
}
