import * as vscode from 'vscode';
import type { Range } from '../../core/model/range';
import type { CheckResult } from '../../core/trust/checkResult';
import type { Finding, Severity } from '../../core/model/findings';
import { findingMessage } from '../../core/report/schemes';

export const DIAGNOSTIC_SOURCE = 'TrustLens';
const README = 'https://github.com/trustlens/trustlens#';

export function toVsRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

function toVsSeverity(severity: Severity): vscode.DiagnosticSeverity | undefined {
  switch (severity) {
    case 'error':
      return vscode.DiagnosticSeverity.Error;
    case 'warning':
      return vscode.DiagnosticSeverity.Warning;
    case 'info':
      return vscode.DiagnosticSeverity.Information;
    case 'hint':
      return vscode.DiagnosticSeverity.Hint;
    default:
      return undefined;
  }
}

/**
 * One diagnostic per finding, covering exactly the image text (or, for a value that is not checked or
 * a file that cannot be read, where the problem is), with the finding code as a stable code linking to
 * its README section. `unverifiable` takes the editor's own, quieter level. Where several schemes
 * checked the reference, the message ends with the scheme whose evidence the finding is, e.g.
 * `(cosign)`: the source stays `TrustLens`, which the Problems filter and the quick fixes go by.
 */
export function toDiagnostics(results: readonly CheckResult[], unverifiableLevel: Severity): vscode.Diagnostic[] {
  const out: vscode.Diagnostic[] = [];
  for (const result of results) {
    const range = toVsRange(result.target.kind === 'reference' ? result.target.occurrence.range : result.target.skipped.range);
    for (const finding of result.findings) {
      const diagnostic = toDiagnostic(range, finding, findingMessage(result, finding), unverifiableLevel);
      if (diagnostic) out.push(diagnostic);
    }
  }
  return out;
}

function toDiagnostic(range: vscode.Range, finding: Finding, message: string, unverifiableLevel: Severity): vscode.Diagnostic | undefined {
  const severity = toVsSeverity(finding.code === 'unverifiable' ? unverifiableLevel : finding.severity);
  if (severity === undefined) return undefined;
  const d = new vscode.Diagnostic(range, message, severity);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = { value: finding.code, target: vscode.Uri.parse(`${README}${finding.code}`) };
  return d;
}

/** The finding code of a TrustLens diagnostic, or undefined for anyone else's. */
export function diagnosticCode(d: vscode.Diagnostic): string | undefined {
  if (d.source !== DIAGNOSTIC_SOURCE) return undefined;
  return typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code);
}
