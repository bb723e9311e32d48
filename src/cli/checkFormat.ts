import type { CheckResult } from '../core/trust/checkResult';
import type { FileError } from '../core/model/occurrence';
import type { FindingCode } from '../core/model/findings';
import { failReason, runVerdict } from '../core/report/runGate';
import { GLANCE_ORDER, GLANCE_SHORT, VERDICT_WORDS, verdictCounts } from '../core/report/statusSummary';
import { glanceStatus, type GlanceStatus, type Verdict } from '../core/trust/verdict';

const SYMBOL: Readonly<Record<Verdict, string>> = { pass: '✔', warn: '!', fail: '✖' };

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Per-verdict and per-status counts of some results. */
class Tally {
  readonly verdicts: Partial<Record<Verdict, number>> = {};
  readonly statuses: Partial<Record<GlanceStatus, number>> = {};
  results = 0;
  fileErrors = 0;

  add(r: CheckResult, verdict: Verdict): void {
    this.results += 1;
    this.verdicts[verdict] = (this.verdicts[verdict] ?? 0) + 1;
    const s = glanceStatus(r);
    this.statuses[s] = (this.statuses[s] ?? 0) + 1;
  }

  /** e.g. `2 fail · 1 pass`, `1 file error`. */
  verdictText(): string {
    return [verdictCounts(this.verdicts), this.fileErrors > 0 ? plural(this.fileErrors, 'file error') : ''].filter(Boolean).join('; ') || 'no references';
  }
}

/**
 * A readable report: one line per reference that leads with its verdict and how it counts (a signed
 * tag the policy fails is "policy not met", never "signed"), then its findings, each with its detail
 * when it has one; at the end the counts
 * per verdict and per status, and per file when there are several. A finding that fails the run only
 * because its code is in `failOn` (`--fail-on`) says so, and makes its reference's verdict `fail`.
 */
export function formatCheckText(results: readonly CheckResult[], errors: readonly FileError[], options: { failOn?: ReadonlySet<FindingCode> } = {}): string {
  const failOn = options.failOn ?? new Set<FindingCode>();
  const lines: string[] = [];
  const total = new Tally();
  const perFile = new Map<string, Tally>();
  const fileTally = (file: string): Tally => {
    let t = perFile.get(file);
    if (!t) perFile.set(file, (t = new Tally()));
    return t;
  };
  for (const r of results) {
    const t = r.target.kind === 'reference' ? r.target.occurrence : r.target.skipped;
    const where = `${t.file}:${t.range.start.line + 1}:${t.range.start.character + 1}`;
    const what = r.target.kind === 'reference' ? r.target.occurrence.ref.reference : `${t.text ? `${t.text} ` : ''}(${r.target.skipped.reason})`;
    const extra = [
      r.signedDigest ? `digest ${r.signedDigest.slice(0, 19)}…` : '',
      r.role ? `in ${r.role}` : '',
      r.signers.length > 0 ? `by ${r.signers.join(', ')}` : '',
      r.expires ? `until ${r.expires.slice(0, 10)}` : '',
    ].filter(Boolean).join(' ');
    const verdict = runVerdict(r, failOn);
    const symbol = r.status === 'skipped' && verdict === 'pass' ? '-' : SYMBOL[verdict];
    lines.push(`${symbol} ${VERDICT_WORDS[verdict]}  ${GLANCE_SHORT[glanceStatus(r)].padEnd(15)} ${where}  ${what}${extra ? `  (${extra})` : ''}`);
    for (const f of r.findings) {
      const byFailOn = failReason(f, failOn) === 'fail-on';
      if (f.severity === 'ignore' && !byFailOn) continue;
      lines.push(`    ${f.severity}: [${f.code}] ${f.message}${byFailOn ? ` — fails the run (--fail-on ${f.code})` : ''}`);
      if (f.detail) lines.push(`      detail: ${f.detail}`);
    }
    total.add(r, verdict);
    fileTally(t.file).add(r, verdict);
  }
  for (const e of errors) {
    lines.push(`✖ error ${e.file}${e.range ? `:${e.range.start.line + 1}:${e.range.start.character + 1}` : ''}  ${e.message}`);
    total.fileErrors += 1;
    fileTally(e.file).fileErrors += 1;
  }
  lines.push('');
  if (perFile.size > 1) {
    lines.push('Per file:');
    for (const [file, t] of perFile) lines.push(`  ${file}: ${t.verdictText()}`);
  }
  const statuses = GLANCE_ORDER.filter((s) => total.statuses[s]).map((s) => `${total.statuses[s]} ${GLANCE_SHORT[s]}`).join(' · ');
  const findings = results.flatMap((r) => r.findings);
  const errorFindings = findings.filter((f) => f.severity === 'error').length;
  const failOnFindings = findings.filter((f) => failReason(f, failOn) === 'fail-on').length;
  const summary = total.results === 0 ? 'no references' : `${plural(total.results, 'result')}: ${verdictCounts(total.verdicts)} — ${statuses}`;
  lines.push([
    summary,
    plural(errorFindings, 'error finding'),
    failOnFindings > 0 ? `${plural(failOnFindings, 'finding')} failing the run by --fail-on` : '',
    total.fileErrors > 0 ? plural(total.fileErrors, 'file error') : '',
  ].filter(Boolean).join('; '));
  return `${lines.join('\n')}\n`;
}
