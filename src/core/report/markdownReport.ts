/**
 * The trust report as Markdown, for a person reading a pull request, a CI job summary or the editor's
 * preview: the overall verdict and counts, one table row per image reference, the findings that fail
 * the run, and the expiries of the coming days. Everything taken from files, registries and trust
 * servers is escaped, so a hostile image or signer name can neither break the table nor add HTML or a
 * link. Pure: the clock is a parameter.
 */
import type { FileError } from '../model/occurrence';
import type { FindingCode } from '../model/findings';
import { codeSpan, escapeMarkdown } from '../model/markdown';
import { DAY_MS, utcDay } from '../model/time';
import type { CheckResult } from '../trust/checkResult';
import { glanceStatus, VERDICT_ORDER, type Verdict } from '../trust/verdict';
import { expiryTimeline, type TimelineEntry } from './expiryTimeline';
import { failingFindings, runVerdict } from './runGate';
import { findingMessage } from './schemes';
import { GLANCE_ORDER, GLANCE_SHORT, STATUS_SHORT, VERDICT_WORDS } from './statusSummary';

/** How far ahead the expiry timeline looks, in days. */
export const TIMELINE_DAYS = 90;

export interface MarkdownReportOptions {
  /** Epoch milliseconds: what "now" is for the expiry column and the timeline. */
  readonly now: number;
  /** Codes that fail the run whatever their severity (`--fail-on`). */
  readonly failOn?: ReadonlySet<FindingCode>;
  /** Files that could not be checked at all (e.g. an invalid policy file): each fails the run. */
  readonly errors?: readonly FileError[];
  /** How far ahead the timeline looks (default {@link TIMELINE_DAYS}). */
  readonly timelineDays?: number;
}

const SYMBOL: Readonly<Record<Verdict, string>> = { pass: '✔', warn: '⚠', fail: '✖' };

const esc = escapeMarkdown;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One table row: cells already escaped, pipes and newlines included. */
function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [row(headers), row(headers.map(() => '---')), ...rows.map(row)];
}

function where(result: CheckResult): string {
  const t = result.target.kind === 'reference' ? result.target.occurrence : result.target.skipped;
  return `${t.file}:${t.range.start.line + 1}`;
}

/** The image as written; with the reference it resolves to when a variable was substituted. */
function image(result: CheckResult): string {
  if (result.target.kind === 'skipped') {
    const s = result.target.skipped;
    return `${s.text ? `${esc(s.text)} ` : ''}\\(${esc(s.reason)}\\)`;
  }
  const { text, ref } = result.target.occurrence;
  return text === ref.reference || !text.includes('$') ? esc(text) : `${esc(text)} → ${esc(ref.reference)}`;
}

/** e.g. `dct`, or `dct: signed, cosign: not signed` when several schemes checked it. */
function schemes(result: CheckResult): string {
  const signatures = result.signatures ?? [];
  if (signatures.length > 1) return signatures.map((s) => `${esc(s.scheme)}: ${STATUS_SHORT[s.status]}`).join(', ');
  const scheme = result.scheme ?? signatures[0]?.scheme;
  return scheme ? esc(scheme) : '—';
}

/** Every signer name, the trusted ones of each scheme's evidence included, once each. */
function signers(result: CheckResult): string {
  const names = new Set(result.signers);
  for (const s of result.signatures ?? []) for (const g of s.signers) if (g.trusted !== false) names.add(g.name);
  return names.size > 0 ? [...names].map(esc).join(', ') : '—';
}

function shortDigest(digest: string | null): string {
  if (!digest) return '—';
  return digest.length > 19 ? `${esc(digest.slice(0, 19))}…` : esc(digest);
}

/** A time as its UTC day and the days left, e.g. `2027-01-02 (in 40 days)`; an unreadable time escaped as it is. */
function when(at: number, iso: string, now: number): string {
  if (Number.isNaN(at)) return `${esc(iso)} \\(unreadable\\)`;
  const days = Math.ceil((at - now) / DAY_MS);
  const left = at <= now ? `expired ${Math.floor((now - at) / DAY_MS)} days ago` : `in ${plural(days, 'day')}`;
  return `${utcDay(at)} (${left})`;
}

/** The earliest expiry of a result: its own `expires` and every scheme's evidence. */
function nearestExpiry(result: CheckResult, now: number): string {
  const candidates = [
    ...(result.expires ? [{ iso: result.expires, what: '' }] : []),
    ...(result.signatures ?? []).flatMap((s) => s.expires.map((e) => ({ iso: e.expires, what: e.what }))),
  ].map((c) => ({ ...c, at: Date.parse(c.iso) }));
  if (candidates.length === 0) return '—';
  // An unreadable time comes first: nothing shows it is later than the others.
  const first = candidates.reduce((a, b) => (Number.isNaN(b.at) || (!Number.isNaN(a.at) && b.at < a.at) ? b : a));
  const what = first.what || candidates.find((c) => c.at === first.at && c.what)?.what;
  return `${when(first.at, first.iso, now)}${what ? `: ${esc(what)}` : ''}`;
}

/**
 * The columns of the expiry timeline: a header and how each entry fills it. A column (such as who
 * renews it) is one more line here.
 */
const TIMELINE_COLUMNS: readonly { readonly header: string; readonly cell: (e: TimelineEntry, now: number) => string }[] = [
  { header: 'Expires', cell: (e, now) => when(e.at, e.evidence.expires, now) },
  { header: 'What expires', cell: (e) => esc(e.evidence.what) },
  { header: 'Scheme', cell: (e) => esc(e.scheme) },
  { header: 'Repository', cell: (e) => esc(e.repository) },
  { header: 'Images that depend on it', cell: (e) => e.images.map(esc).join(', ') },
  { header: 'Renewed by', cell: (e) => renewal(e.evidence.renewedBy, e.evidence.renewCommand) },
];

/** Who renews an expiry, and the command that does when there is one (a pipe in a table cell is escaped even in code). */
function renewal(by: string | undefined, command: string | undefined): string {
  const who = by ? esc(by) : '';
  const run = command ? codeSpan(command).replace(/\|/g, '\\|') : '';
  return [who, run].filter(Boolean).join(': ');
}

/** The report of a check, as Markdown. */
export function formatCheckMarkdown(results: readonly CheckResult[], options: MarkdownReportOptions): string {
  const failOn = options.failOn ?? new Set<FindingCode>();
  const errors = options.errors ?? [];
  const days = options.timelineDays ?? TIMELINE_DAYS;
  const failing = failingFindings(results, failOn);
  const verdicts: Partial<Record<Verdict, number>> = {};
  const statuses: Partial<Record<string, number>> = {};
  for (const r of results) {
    const v = runVerdict(r, failOn);
    verdicts[v] = (verdicts[v] ?? 0) + 1;
    const s = glanceStatus(r);
    statuses[s] = (statuses[s] ?? 0) + 1;
  }
  const overall: Verdict = failing.length > 0 || errors.length > 0 ? 'fail' : (verdicts.warn ? 'warn' : 'pass');

  const lines: string[] = [`## ${SYMBOL[overall]} TrustLens: ${VERDICT_WORDS[overall]}`, ''];
  const counts = [
    results.length === 0 ? 'no image references' : `${plural(results.length, 'image reference')}: ${VERDICT_ORDER.filter((v) => verdicts[v]).map((v) => `${verdicts[v]} ${v}`).join(' · ')}`,
    GLANCE_ORDER.filter((s) => statuses[s]).map((s) => `${statuses[s]} ${GLANCE_SHORT[s]}`).join(' · '),
    plural(failing.length, 'finding') + (failing.length === 1 ? ' fails' : ' fail') + ' the run',
    errors.length > 0 ? plural(errors.length, 'file') + ' not checked' : '',
  ].filter(Boolean);
  lines.push(`${counts.join(' — ')}.`, '');

  if (results.length > 0) {
    lines.push(...table(
      ['File', 'Image', 'Verdict', 'Scheme', 'Signers', 'Signed digest', 'Nearest expiry'],
      results.map((r) => {
        const v = runVerdict(r, failOn);
        return [esc(where(r)), image(r), `${SYMBOL[v]} ${VERDICT_WORDS[v]}: ${GLANCE_SHORT[glanceStatus(r)]}`, schemes(r), signers(r), shortDigest(r.signedDigest), nearestExpiry(r, options.now)];
      }),
    ), '');
  }

  if (failing.length > 0 || errors.length > 0) {
    lines.push('### Findings that fail the run', '');
    for (const e of errors) lines.push(`- ✖ ${esc(e.file)}${e.range ? `:${e.range.start.line + 1}` : ''}: ${esc(e.message)}`);
    for (const { result, finding, reason } of failing) {
      const because = reason === 'fail-on' ? ` — fails the run because of --fail-on ${esc(finding.code)} \\(severity ${finding.severity}\\)` : '';
      lines.push(`- ✖ ${esc(where(result))} ${image(result)}: **${esc(finding.code)}** ${esc(findingMessage(result, finding))}${because}`);
    }
    lines.push('');
  }

  lines.push(`### Expiry timeline — next ${days} days`, '');
  const timeline = expiryTimeline(results, { now: options.now, days });
  if (timeline.length === 0) {
    lines.push(`Nothing the checked images depend on expires within the next ${days} days.`);
  } else {
    lines.push(...table(TIMELINE_COLUMNS.map((c) => c.header), timeline.map((e) => TIMELINE_COLUMNS.map((c) => c.cell(e, options.now)))));
  }
  return `${lines.join('\n')}\n`;
}
