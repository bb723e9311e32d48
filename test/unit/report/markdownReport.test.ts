/**
 * The Markdown trust report, rendered with markdown-it (the renderer of VS Code's Markdown preview,
 * with GitHub's tables and bare-link detection turned on): hostile names stay text in their cell, the
 * expiry timeline's window is exact at its edges, and one expiry shared by several references is one
 * entry naming all of them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { scanText } from '../../../src/core/parse/scanText';
import type { Finding } from '../../../src/core/model/findings';
import { formatCheckMarkdown } from '../../../src/core/report/markdownReport';
import type { CheckResult, ExpiryEvidence, SignatureResult, TrustStatus } from '../../../src/core/trust/checkResult';
import { verdictOf } from '../../../src/core/trust/verdict';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
const D1 = `sha256:${'1'.repeat(64)}`;
const md = new MarkdownIt({ html: true, linkify: true });

const at = (ms: number) => new Date(ms).toISOString();

interface Row {
  image: string;
  status?: TrustStatus;
  findings?: Finding[];
  signers?: string[];
  /** One signature per scheme, with these expiries. */
  signatures?: { scheme: string; signers?: string[]; expires?: ExpiryEvidence[]; status?: TrustStatus }[];
}

/** Results of one Dockerfile, one `FROM` line per row. */
function results(file: string, rows: Row[]): CheckResult[] {
  const scan = scanText(file, 'dockerfile', rows.map((r) => `FROM ${r.image}`).join('\n'));
  assert.equal(scan.references.length, rows.length, JSON.stringify(scan));
  return scan.references.map((occurrence, i): CheckResult => {
    const row = rows[i]!;
    const findings = row.findings ?? [];
    const signatures = (row.signatures ?? []).map((s): SignatureResult => ({
      scheme: s.scheme, status: s.status ?? 'signed', signedDigest: D1, findings: [], source: null,
      signers: (s.signers ?? []).map((name) => ({ name, keyIds: [] })), expires: s.expires ?? [],
    }));
    const expiries = signatures.flatMap((s) => s.expires.map((e) => e.expires)).sort();
    return {
      target: { kind: 'reference', occurrence }, status: row.status ?? 'signed', verdict: verdictOf(findings), signedDigest: D1, role: 'targets',
      signers: row.signers ?? [], expires: expiries[0] ?? null, findings, signatures, ...(signatures[0] ? { scheme: signatures[0].scheme } : {}),
    };
  });
}

/** The rows of the table under `heading`, as cells of rendered HTML (header row excluded). */
function tableRows(html: string, heading: string): string[][] {
  const from = heading ? html.indexOf(heading) : 0;
  assert.ok(from >= 0, `no "${heading}" in ${html}`);
  const table = /<table>[\s\S]*?<\/table>/.exec(html.slice(from))?.[0];
  assert.ok(table, `no table after "${heading}"`);
  const body = /<tbody>([\s\S]*)<\/tbody>/.exec(table)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => c[1]!));
}

const timelineHeading = 'Expiry timeline — next 90 days';

void describe('the Markdown trust report', () => {
  void it('keeps a hostile image name and signer in their cells as text: no column, tag or link added (control: a plain name)', () => {
    const hostile = 'evil</td><img src=x onerror=alert(1)>|`code`|[link](https://evil.example)*x*_y_ https://bare.example www.evil.example &amp; \\|';
    const rows = [
      { image: '127.0.0.1:5000/acme/app:1', signatures: [{ scheme: 'dct', signers: ['alice'] }], signers: ['alice'] },
      { image: '127.0.0.1:5000/acme/evil:1', signatures: [{ scheme: 'cosign|<b>x</b>', signers: [hostile] }] },
    ];
    const text = formatCheckMarkdown(results('Dockerfile', rows), { now: NOW });
    const html = md.render(text);
    const cells = tableRows(html, '');
    // Both rows have exactly the seven columns of the header.
    assert.deepEqual(cells.map((c) => c.length), [7, 7]);
    // The control's signer is shown as written.
    assert.equal(cells[0]![4], 'alice');
    assert.equal(cells[0]![1], '127.0.0.1:5000/acme/app:1');
    // The hostile signer is one cell of plain text: every character as written, HTML-escaped.
    const decoded = cells[1]![4]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    assert.equal(decoded, hostile);
    assert.equal(cells[1]![3]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>'), 'cosign|<b>x</b>');
    // Nothing in the document is markup the report did not write itself.
    for (const tag of ['<img', '<a ', '<code', '<em', '<strong', '<b>']) assert.ok(!html.includes(tag), `${tag} in ${html}`);
    // Control: the same renderer does make these from the same text when it is not escaped.
    const raw = md.render(hostile);
    for (const tag of ['<img', '<a ', '<code', '<em']) assert.ok(raw.includes(tag), `control: ${tag} rendered from unescaped text`);
    const [unescaped] = tableRows(md.render(`| a | b |\n| --- | --- |\n| ${hostile} | end |\n`), '');
    assert.notEqual(unescaped![1], 'end', 'control: an unescaped pipe starts a new cell');
  });

  void it('escapes a hostile file name and finding message in the list of failing findings', () => {
    const finding: Finding = { code: 'unsigned-tag', severity: 'error', message: 'not signed <script>alert(1)</script> [x](javascript:alert(1))' };
    const html = md.render(formatCheckMarkdown(results('<img src=x>/Dockerfile', [{ image: '127.0.0.1:5000/acme/app:1', status: 'unsigned', findings: [finding] }]), { now: NOW }));
    assert.ok(!/<script|<img|<a /.test(html), html);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /&lt;img src=x&gt;\/Dockerfile:1/);
  });

  void it('lists every expiry from now up to exactly 90 days ahead, sorted, and none a millisecond later', () => {
    const rows: Row[] = [
      { image: '127.0.0.1:5000/acme/a:1', signatures: [{ scheme: 'dct', expires: [{ what: 'targets', expires: at(NOW + 90 * DAY + 1) }, { what: 'targets/releases', expires: at(NOW + 90 * DAY) }] }] },
      { image: '127.0.0.1:5000/acme/b:1', signatures: [{ scheme: 'dct', expires: [{ what: 'targets', expires: at(NOW + 3 * DAY) }] }] },
      { image: '127.0.0.1:5000/acme/c:1', signatures: [{ scheme: 'cosign', expires: [{ what: 'certificate of ci@example.com', expires: at(NOW) }] }] },
    ];
    const html = md.render(formatCheckMarkdown(results('Dockerfile', rows), { now: NOW }));
    const timeline = tableRows(html, timelineHeading);
    assert.deepEqual(timeline.map((c) => [c[0], c[1], c[2], c[3], c[4]]), [
      ['2026-06-01 (expired 0 days ago)', 'certificate of ci@example.com', 'cosign', '127.0.0.1:5000/acme/c', '127.0.0.1:5000/acme/c:1'],
      ['2026-06-04 (in 3 days)', 'targets', 'dct', '127.0.0.1:5000/acme/b', '127.0.0.1:5000/acme/b:1'],
      ['2026-08-30 (in 90 days)', 'targets/releases', 'dct', '127.0.0.1:5000/acme/a', '127.0.0.1:5000/acme/a:1'],
    ]);
    // The nearest expiry of each row is its earliest, whether or not the timeline shows it.
    assert.deepEqual(tableRows(html, '').map((c) => c[6]), ['2026-08-30 (in 90 days): targets/releases', '2026-06-04 (in 3 days): targets', '2026-06-01 (expired 0 days ago): certificate of ci@example.com']);
  });

  void it('says who renews each expiry and the command, as code; a hostile renewer stays text and a pipe in a command stays in its cell', () => {
    const rows: Row[] = [
      { image: '127.0.0.1:5000/acme/a:1', signatures: [{ scheme: 'dct', expires: [{ what: 'targets/releases', expires: at(NOW + 5 * DAY), renewedBy: 'the signer alice', renewCommand: 'trustlens sign 127.0.0.1:5000/acme/a:1 --signer alice' }] }] },
      { image: '127.0.0.1:5000/acme/b:1', signatures: [{ scheme: 'dct', expires: [{ what: 'timestamp', expires: at(NOW + 6 * DAY), renewedBy: 'the trust server' }] }] },
      { image: '127.0.0.1:5000/acme/c:1', signatures: [{ scheme: 'notation', expires: [{ what: 'signature', expires: at(NOW + 7 * DAY), renewedBy: '<img src=x> | [x](http://evil)', renewCommand: 'a | b `c`' }] }] },
      { image: '127.0.0.1:5000/acme/d:1', signatures: [{ scheme: 'dct', expires: [{ what: 'root', expires: at(NOW + 8 * DAY) }] }] },
    ];
    const html = md.render(formatCheckMarkdown(results('Dockerfile', rows), { now: NOW }));
    const timeline = tableRows(html, timelineHeading);
    assert.deepEqual(timeline.map((c) => c.length), [6, 6, 6, 6], 'no cell added or lost');
    assert.deepEqual(timeline.map((c) => c[5]), [
      'the signer alice: <code>trustlens sign 127.0.0.1:5000/acme/a:1 --signer alice</code>',
      'the trust server',
      '&lt;img src=x&gt; | [x](http://evil): <code>a | b `c`</code>',
      '',
    ]);
    assert.doesNotMatch(html, /<img|<a /, 'no tag or link from a renewer');
  });

  void it('says so when nothing expires within 90 days', () => {
    const rows: Row[] = [{ image: '127.0.0.1:5000/acme/a:1', signatures: [{ scheme: 'dct', expires: [{ what: 'targets', expires: at(NOW + 91 * DAY) }] }] }];
    const text = formatCheckMarkdown(results('Dockerfile', rows), { now: NOW });
    assert.match(text, /### Expiry timeline — next 90 days\n\nNothing the checked images depend on expires within the next 90 days\.\n$/);
    // One day later, it does.
    assert.match(formatCheckMarkdown(results('Dockerfile', rows), { now: NOW + DAY }), /\| 2026-08-31 \(in 90 days\) \| targets \|/);
  });

  void it('lists an expiry several references and files share once, naming every image; the same role of another repository apart', () => {
    const shared = { what: 'targets', expires: at(NOW + 10 * DAY) };
    const all = [
      ...results('Dockerfile', [
        { image: '127.0.0.1:5000/acme/app:1', signatures: [{ scheme: 'dct', expires: [shared] }] },
        { image: '127.0.0.1:5000/acme/app:2', signatures: [{ scheme: 'dct', expires: [shared] }] },
        { image: '127.0.0.1:5000/acme/app:1', signatures: [{ scheme: 'dct', expires: [shared] }] },
      ]),
      ...results('other/Dockerfile', [
        { image: '127.0.0.1:5000/acme/app:1', signatures: [{ scheme: 'dct', expires: [shared] }] },
        { image: '127.0.0.1:5000/acme/db:1', signatures: [{ scheme: 'dct', expires: [shared] }] },
      ]),
    ];
    const timeline = tableRows(md.render(formatCheckMarkdown(all, { now: NOW })), timelineHeading);
    assert.deepEqual(timeline.map((c) => [c[3], c[4]]), [
      ['127.0.0.1:5000/acme/app', '127.0.0.1:5000/acme/app:1, 127.0.0.1:5000/acme/app:2'],
      ['127.0.0.1:5000/acme/db', '127.0.0.1:5000/acme/db:1'],
    ]);
  });

  void it('heads the report with the overall verdict and counts, and lists the findings that fail, --fail-on ones marked', () => {
    const soon: Finding = { code: 'expiring-soon', severity: 'warning', message: 'The targets signature expires in 3 days.' };
    const rows: Row[] = [
      { image: '127.0.0.1:5000/acme/a:1', findings: [soon], signatures: [{ scheme: 'dct' }] },
      { image: '127.0.0.1:5000/acme/b:1', signatures: [{ scheme: 'dct' }] },
    ];
    const plain = formatCheckMarkdown(results('Dockerfile', rows), { now: NOW });
    assert.match(plain, /^## ⚠ TrustLens: Warn\n\n2 image references: 1 warn · 1 pass — 2 signed — 0 findings fail the run\.\n/);
    assert.doesNotMatch(plain, /Findings that fail the run/);
    const gated = formatCheckMarkdown(results('Dockerfile', rows), { now: NOW, failOn: new Set(['expiring-soon']) });
    assert.match(gated, /^## ✖ TrustLens: Fail\n\n2 image references: 1 fail · 1 pass — 2 signed — 1 finding fails the run\.\n/);
    const html = md.render(gated);
    assert.deepEqual(tableRows(html, '').map((c) => c[2]), ['✖ Fail: signed', '✔ Pass: signed']);
    assert.match(html, /<h3>Findings that fail the run<\/h3>\n<ul>\n<li>✖ Dockerfile:1 127\.0\.0\.1:5000\/acme\/a:1: <strong>expiring-soon<\/strong> The targets signature expires in 3 days\. — fails the run because of --fail-on expiring-soon \(severity warning\)<\/li>\n<\/ul>/);
  });
});
