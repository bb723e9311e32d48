import type * as vscode from 'vscode';

/** Composition root. Nothing is checked at activation: checks are lazy and per document. */
export function activate(_context: vscode.ExtensionContext): void {
  // Editor features are registered here as they land.
}

export function deactivate(): void {
  // Nothing to release yet.
}
