import * as vscode from 'vscode';
import { statusSummary, verdictCounts } from '../core/report/statusSummary';
import { readSettings } from './config';
import type { DiagnosticsManager } from './diagnostics/diagnosticsManager';
import { documentKind } from './documents';
import type { TrustLensServices } from './services';

/**
 * The Problems view's command ids in VS Code (1.100). `workbench.action.problems.focus` always opens
 * and focuses the view; `workbench.actions.view.problems` (Ctrl+Shift+M) toggles it, closing a
 * focused panel, so it is only the fallback. `problems.action.focusFilter` focuses the filter box
 * and takes no argument: no command sets the filter text.
 */
export const FOCUS_PROBLEMS = 'workbench.action.problems.focus';
export const TOGGLE_PROBLEMS = 'workbench.actions.view.problems';
export const FOCUS_PROBLEMS_FILTER = 'problems.action.focusFilter';
/** What to type in the Problems filter to see only TrustLens problems (it matches the diagnostics' source). */
export const PROBLEMS_FILTER_TEXT = 'TrustLens';
/**
 * "TrustLens: Fail — 3 signed · 1 unsigned" for the active Dockerfile or compose file (the worst verdict
 * first, coloured as VS Code colours errors and warnings), hidden for any other
 * file; a spinner while a check of it is under way. Clicking it shows the TrustLens problems.
 */
export class TrustStatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('trustlens.status', vscode.StatusBarAlignment.Left, 50);
  readonly #disposables: vscode.Disposable[] = [];
  constructor(private readonly services: TrustLensServices, private readonly diagnostics: DiagnosticsManager) {
    this.item.name = 'TrustLens';
    this.item.command = 'trustlens.showProblems';
    // The spinner follows the diagnostics manager: on from the moment a check of a document is
    // scheduled, whatever asked for it, until its latest check reports back.
    this.#disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      diagnostics.onWillCheck((uri) => this.#updateIfActive(uri)),
      diagnostics.onDidCheck((uri) => this.#updateIfActive(uri)),
      services.results.onDidChange(() => this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('trustlens')) this.update();
      }),
    );
    this.update();
  }

  #updateIfActive(uri: vscode.Uri): void {
    if (uri.toString() === vscode.window.activeTextEditor?.document.uri.toString()) this.update();
  }

  /** Shows the active document's summary, or hides the item. */
  update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || !documentKind(doc, this.services.files) || !readSettings(doc.uri).enable) {
      this.item.hide();
      return;
    }
    const checking = this.diagnostics.isChecking(doc.uri);
    const results = this.services.results.get(doc.uri);
    const summary = statusSummary(results);
    const known = results.length > 0;
    const text = known ? `TrustLens: ${summary.text}` : checking ? 'TrustLens: checking…' : `TrustLens: ${summary.text}`;
    this.item.text = checking ? `$(sync~spin) ${text}` : text;
    // The verdict at a glance, as VS Code colours items that report errors and warnings.
    const colour = summary.total === 0 ? undefined : summary.verdict === 'fail' ? 'statusBarItem.errorBackground' : summary.verdict === 'warn' ? 'statusBarItem.warningBackground' : undefined;
    this.item.backgroundColor = colour ? new vscode.ThemeColor(colour) : undefined;
    const tooltip = new vscode.MarkdownString();
    tooltip.appendText(checking ? 'TrustLens is checking this file.\n\n' : '');
    if (summary.lines.length > 0) {
      const verdicts = verdictCounts(summary.verdicts);
      tooltip.appendText(`Image references in this file: ${verdicts} (${summary.lines.join(', ')}).\n\n`);
      const schemes = Object.entries(summary.signedBy).map(([scheme, n]) => `${n} ${scheme}`);
      if (schemes.length > 0) tooltip.appendText(`Signed with: ${schemes.join(', ')}.\n\n`);
    }
    tooltip.appendText('Click to show the TrustLens problems.');
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: `${text}${checking ? ', checking' : ''}. Show TrustLens problems.` };
    this.item.show();
  }

  dispose(): void {
    for (const d of this.#disposables) d.dispose();
  }
}

/**
 * Opens the Problems view and focuses its filter box. VS Code has no command that sets the filter
 * text (`problems.action.focusFilter` takes no argument), so the status bar says what to type.
 */
export async function showTrustLensProblems(): Promise<void> {
  try {
    await vscode.commands.executeCommand(FOCUS_PROBLEMS);
  } catch {
    await vscode.commands.executeCommand(TOGGLE_PROBLEMS);
  }
  try {
    // The filter command works only while the Problems view has the focus. A view opened for the
    // first time takes it once it has rendered, which may be after the first command returns; asked
    // again, the rendered view takes it at once.
    await vscode.commands.executeCommand(FOCUS_PROBLEMS);
    await vscode.commands.executeCommand(FOCUS_PROBLEMS_FILTER);
    vscode.window.setStatusBarMessage(`Type "${PROBLEMS_FILTER_TEXT}" in the Problems filter to see only TrustLens problems.`, 8000);
  } catch {
    // An editor without the command still shows the Problems view.
  }
}

/** The status bar summary and the command it runs; `item` is what it shows. */
export function registerStatusBar(services: TrustLensServices, diagnostics: DiagnosticsManager): vscode.Disposable & { readonly item: vscode.StatusBarItem } {
  const bar = new TrustStatusBar(services, diagnostics);
  const registered = vscode.Disposable.from(bar, vscode.commands.registerCommand('trustlens.showProblems', showTrustLensProblems));
  return { item: bar.item, dispose: () => registered.dispose() };
}
