import * as vscode from 'vscode';
import type { TextAt } from '../../core/fixes/editTarget';
import type { TextReplacement } from '../../core/fixes/pinFix';
import { toVsRange } from '../diagnostics/convert';

/** Reads a document's current text by core range, for the pure fix planners. */
export function textAtOf(doc: vscode.TextDocument): TextAt {
  return (range) => doc.getText(doc.validateRange(toVsRange(range)));
}

/** One WorkspaceEdit applying every replacement to a document (undone in one step). */
export function replacementsEdit(uri: vscode.Uri, replacements: readonly TextReplacement[]): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const r of replacements) edit.replace(uri, toVsRange(r.range), r.newText);
  return edit;
}

/** Command arguments that name one checked reference: its document and where its image text starts. */
export interface ReferenceArgs {
  /** The document URI as a string. */
  uri: string;
  line: number;
  character: number;
}

/** The arguments naming the reference whose image text starts at `range`. */
export function referenceArgs(doc: vscode.TextDocument, range: vscode.Range): ReferenceArgs {
  return { uri: doc.uri.toString(), line: range.start.line, character: range.start.character };
}

/** The document and position named by command arguments, or the active editor's cursor without them. */
export async function locateReference(args: ReferenceArgs | undefined): Promise<{ doc: vscode.TextDocument; position: vscode.Position } | undefined> {
  if (args && typeof args.uri === 'string') {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri));
    return { doc, position: new vscode.Position(args.line, args.character) };
  }
  const editor = vscode.window.activeTextEditor;
  return editor ? { doc: editor.document, position: editor.selection.active } : undefined;
}
