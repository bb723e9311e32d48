import * as vscode from 'vscode';
import type { CheckResult } from '../core/trust/checkResult';

/** The latest verdicts per document, shared by diagnostics, quick fixes, hovers and the status bar. */
export class ResultsStore implements vscode.Disposable {
  readonly #byUri = new Map<string, readonly CheckResult[]>();
  readonly #changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires after a document's verdicts change. */
  readonly onDidChange = this.#changed.event;

  get(uri: vscode.Uri): readonly CheckResult[] {
    return this.#byUri.get(uri.toString()) ?? [];
  }

  set(uri: vscode.Uri, results: readonly CheckResult[]): void {
    this.#byUri.set(uri.toString(), results);
    this.#changed.fire(uri);
  }

  delete(uri: vscode.Uri): void {
    if (this.#byUri.delete(uri.toString())) this.#changed.fire(uri);
  }

  /** Every document with verdicts. */
  entries(): [vscode.Uri, readonly CheckResult[]][] {
    return [...this.#byUri].map(([key, results]) => [vscode.Uri.parse(key), results]);
  }

  /** The verdict for the reference at a position, if any. */
  at(uri: vscode.Uri, position: vscode.Position): CheckResult | undefined {
    return this.get(uri).find((r) => {
      if (r.target.kind !== 'reference') return false;
      const { start, end } = r.target.occurrence.range;
      return new vscode.Range(start.line, start.character, end.line, end.character).contains(position);
    });
  }

  dispose(): void {
    this.#changed.dispose();
  }
}
