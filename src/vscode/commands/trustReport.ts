import * as vscode from 'vscode';
import { escapeMarkdown, utcMinute } from '../../core/model/markdown';
import type { FileError } from '../../core/model/occurrence';
import type { CheckResult } from '../../core/trust/checkResult';
import type { DiagnosticsManager } from '../diagnostics/diagnosticsManager';
import { documentLabel } from '../documents';
import type { TrustLensServices } from '../services';
import { checkWorkspaceFiles } from './workspaceCheck';

/** The scheme of the read-only documents the reports are served as: nothing is written to disk. */
export const REPORT_SCHEME = 'trustlens-report';

/** How many reports are kept for their previews; an older preview then shows that it was replaced. */
const KEPT_REPORTS = 5;

/** What *Show Trust Report* did, for callers and tests. */
export interface TrustReportOutcome {
  /** The report document shown in the preview, when one was made. */
  readonly uri?: string;
  /** Files checked, and found. */
  readonly files: number;
  readonly found: number;
  readonly cancelled: boolean;
}

/** Serves each report's Markdown as a read-only document. */
class ReportDocuments implements vscode.TextDocumentContentProvider {
  readonly #reports = new Map<string, string>();
  #count = 0;

  add(markdown: string): vscode.Uri {
    this.#count += 1;
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: '/TrustLens Trust Report.md', query: `run=${this.#count}` });
    this.#reports.set(uri.toString(), markdown);
    for (const key of this.#reports.keys()) if (this.#reports.size > KEPT_REPORTS) this.#reports.delete(key);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.#reports.get(uri.toString()) ?? 'This trust report was replaced by a newer one: run **TrustLens: Show Trust Report** again.\n';
  }
}

/** *TrustLens: Show Trust Report*: checks the workspace and opens the Markdown report in the preview. */
export function registerTrustReport(services: TrustLensServices, diagnostics: DiagnosticsManager): vscode.Disposable {
  const documents = new ReportDocuments();
  return vscode.Disposable.from(
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, documents),
    vscode.commands.registerCommand('trustlens.showTrustReport', () => showTrustReport(services, diagnostics, documents)),
  );
}

async function showTrustReport(services: TrustLensServices, diagnostics: DiagnosticsManager, documents: ReportDocuments): Promise<TrustReportOutcome> {
  const check = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'TrustLens: checking the workspace for the trust report', cancellable: true },
    (progress, token) => checkWorkspaceFiles(diagnostics, services, progress, token),
  );
  if (check.cancelled) {
    void vscode.window.showInformationMessage(`TrustLens: the trust report was cancelled after ${check.files.length} of ${check.found} files; nothing was shown.`);
    return { files: check.files.length, found: check.found, cancelled: true };
  }
  const results: CheckResult[] = [];
  // Fails closed: a file whose check failed, or that an invalid policy file governs, is a failing entry, never left out.
  const errors: FileError[] = check.failed.map((f) => ({ file: documentLabel(f.uri), message: `could not be checked: ${f.message}` }));
  for (const uri of check.files) {
    if (check.failed.some((f) => f.uri.toString() === uri.toString())) continue;
    const policy = await services.policyFor(uri);
    if (policy instanceof Error) {
      errors.push({ file: documentLabel(uri), message: `not checked: the policy file is invalid: ${policy.message}` });
      continue;
    }
    results.push(...services.results.get(uri));
  }
  const now = Date.now();
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => escapeMarkdown(f.name)).join(', ');
  const header = [
    `# TrustLens trust report${folders ? `: ${folders}` : ''}`,
    '',
    `${check.files.length} ${check.files.length === 1 ? 'file' : 'files'} checked on ${utcMinute(new Date(now).toISOString())}${vscode.workspace.isTrusted ? '' : ', in an untrusted workspace \\(no credentials sent, the workspace\'s trust servers ignored\\)'}.`,
    '',
    '',
  ].join('\n');
  const markdown = `${header}${services.modules.formatCheckMarkdown(results, { now, errors })}`;
  const uri = documents.add(markdown);
  await vscode.workspace.openTextDocument(uri);
  await vscode.commands.executeCommand('markdown.showPreview', uri);
  return { uri: uri.toString(), files: check.files.length, found: check.found, cancelled: false };
}
