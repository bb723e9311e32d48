import type { CheckResult } from '../core/trust/checkResult';
import type { FileError } from '../core/model/occurrence';

const SYMBOL: Record<string, string> = {
  signed: '✔', unsigned: '✖', 'not-released': '✖', 'no-trust-data': '✖', expired: '✖', invalid: '✖',
  'digest-mismatch': '✖', unverifiable: '?', skipped: '-',
};

/** A readable report: one line per reference with its verdict, then its findings, then a summary. */
export function formatCheckText(results: readonly CheckResult[], errors: readonly FileError[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const t = r.target.kind === 'reference' ? r.target.occurrence : r.target.skipped;
    const where = `${t.file}:${t.range.start.line + 1}:${t.range.start.character + 1}`;
    const what = r.target.kind === 'reference' ? r.target.occurrence.ref.reference : `${t.text} (${r.target.skipped.reason})`;
    const extra = [
      r.signedDigest ? `signed ${r.signedDigest}` : '',
      r.role ? `in ${r.role}` : '',
      r.signers.length > 0 ? `by ${r.signers.join(', ')}` : '',
      r.expires ? `until ${r.expires.slice(0, 10)}` : '',
    ].filter(Boolean).join(' ');
    const symbol = r.findings.some((f) => f.severity === 'error') ? '✖' : (SYMBOL[r.status] ?? ' ');
    lines.push(`${symbol} ${r.status.padEnd(15)} ${where}  ${what}${extra ? `  (${extra})` : ''}`);
    for (const f of r.findings) if (f.severity !== 'ignore') lines.push(`    ${f.severity}: [${f.code}] ${f.message}`);
  }
  for (const e of errors) lines.push(`! error           ${e.file}${e.range ? `:${e.range.start.line + 1}:${e.range.start.character + 1}` : ''}  ${e.message}`);
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const summary = [...counts].map(([status, n]) => `${n} ${status}`).join(', ') || 'no references';
  const errorsFound = results.flatMap((r) => r.findings).filter((f) => f.severity === 'error').length;
  lines.push('', `${summary}; ${errorsFound} error finding${errorsFound === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}
