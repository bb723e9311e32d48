import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanDockerfile } from '../../../src/core/parse/dockerfile';
import { escapeMarkdown, showSignersUri } from '../../../src/core/report/hoverText';
import { hoverMarkdown, roleExpiries, type HoverInput } from '../../../src/core/report/dct/hoverText';
import type { CheckResult } from '../../../src/core/trust/checkResult';
import { verdictOf } from '../../../src/core/trust/verdict';
import type { TrustData, VerifiedRole, VerifiedTargetsRole } from '../../../src/core/trust/dct/tuf/verifiedData';

const NOW = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
const D1 = `sha256:${'1'.repeat(64)}`;
const IMG = '127.0.0.1:5000/acme/app';

function role(name: string, days: number): VerifiedRole {
  const expiresAt = NOW.getTime() + days * DAY;
  return { name, version: 2, expires: new Date(expiresAt).toISOString(), expiresAt, keys: [], threshold: 1, signedBy: [] };
}

function targetsRole(name: string, days: number): VerifiedTargetsRole {
  return { ...role(name, days), paths: [''], targets: Object.create(null) as VerifiedTargetsRole['targets'], delegations: [] };
}

function data(days: { root?: number; targets?: number; releases?: number; alice?: number; bob?: number; snapshot?: number; timestamp?: number } = {}): TrustData {
  return {
    gun: IMG,
    root: { ...role('root', days.root ?? 3650), consistentSnapshot: false },
    timestamp: role('timestamp', days.timestamp ?? 14),
    snapshot: role('snapshot', days.snapshot ?? 1000),
    targets: targetsRole('targets', days.targets ?? 1000),
    delegations: [targetsRole('targets/releases', days.releases ?? 900), targetsRole('targets/alice', days.alice ?? 800), targetsRole('targets/bob', days.bob ?? 5)],
    problems: [],
    absent: [],
  };
}

/** `d` with targets delegating to the release role and to each signer, as docker's `signer add` leaves it. */
function delegated(d: TrustData, ...extra: string[]): TrustData {
  const names = ['targets/releases', 'targets/alice', 'targets/bob', ...extra];
  return { ...d, targets: { ...d.targets, delegations: names.map((name) => ({ name, keys: [], threshold: 1, declaredPaths: [''], paths: [''] })) } };
}

function result(text: string, rest: Partial<CheckResult> = {}): CheckResult {
  const occurrence = scanDockerfile('Dockerfile', `FROM ${text}\n`).references[0]!;
  return {
    target: { kind: 'reference', occurrence },
    status: 'signed',
    signedDigest: D1,
    role: 'targets/releases',
    signers: ['alice'],
    expires: new Date(NOW.getTime() + 800 * DAY).toISOString(),
    findings: [],
    trustServer: 'https://127.0.0.1:4443',
    ...rest,
    verdict: verdictOf(rest.findings ?? []),
  };
}

function hover(input: Partial<HoverInput> & Pick<HoverInput, 'result'>): string {
  return hoverMarkdown({ now: NOW, expiryWarningDays: 30, ...input });
}

const details = (d: TrustData = data(), rest: Partial<NonNullable<HoverInput['details']>> = {}) => ({ data: d, firstUse: false, pinnedAt: '2026-05-01T08:30:12.123Z', verifiedAt: '2026-06-01T00:00:00.000Z', ...rest });

void describe('hoverMarkdown', () => {
  void it('states a signed verdict with digest, index kind, role, signers, trust server and root pin', () => {
    const text = hover({ result: result(`${IMG}:v1`), details: details(), manifest: { kind: 'index', mediaType: 'application/vnd.oci.image.index.v1+json' } });
    assert.match(text, /^\*\*TrustLens\*\* · 127\\\.0\\\.0\\\.1\\:5000\\\/acme\\\/app\\:v1\n\n\*\*Pass — Signed\*\*\n/);
    assert.ok(text.includes(`Signed digest: \`${D1}\` — multi-platform index`));
    assert.ok(text.includes('Role: targets\\/releases'));
    assert.ok(text.includes('Signed by: alice'));
    assert.ok(text.includes('Trust server: https\\:\\/\\/127\\.0\\.0\\.1\\:4443'));
    assert.ok(text.includes('Root: pinned on first use on 2026-05-01 08:30 UTC (trust on first use, root version 2)'));
  });

  void it('names a platform manifest, and an unknown kind with its reason', () => {
    assert.match(hover({ result: result(`${IMG}:v1`), manifest: { kind: 'manifest', mediaType: 'application/vnd.docker.distribution.manifest.v2+json' } }), / — platform manifest {2}\n/);
    assert.match(hover({ result: result(`${IMG}:v1`), manifest: { kind: 'unknown', reason: 'unreachable', detail: 'connect ECONNREFUSED' } }), / — kind unknown \(registry unreachable\)/);
    assert.match(hover({ result: result(`${IMG}:v1`), manifest: { kind: 'unknown', reason: 'pending' } }), /kind unknown \(the registry has not answered yet\)/);
    assert.match(hover({ result: result(`${IMG}:v1`), manifest: { kind: 'unknown', reason: 'failed', detail: 'bad [link](x)' } }), /kind unknown \(bad \\\[link\\\]\\\(x\\\)\)/);
  });

  void it('lists every role used with its expiry, marks the soonest one, and says who renews each and with which command', () => {
    const text = hover({ result: result(`${IMG}:v1`, { signers: ['alice', 'bob'] }), details: details(delegated(data())) });
    const expiry = text.slice(text.indexOf('**Expiry**'), text.indexOf('[Show signers]') >= 0 ? text.indexOf('[Show signers]') : undefined).trimEnd();
    assert.deepEqual(expiry.split('\n'), [
      '**Expiry**',
      '',
      '- root: 2036-05-29 (in 3650 days)  ',
      '  Renewed by the root key holder\\, by rotating the root key: `trustlens key rotate 127.0.0.1:5000/acme/app root`',
      '- targets: 2029-02-25 (in 1000 days)  ',
      '  Renewed by the repository key holder\\, by signing targets again as it is: `trustlens witness 127.0.0.1:5000/acme/app targets`',
      '- targets\\/releases: 2028-11-17 (in 900 days)  ',
      '  Renewed by a signer of the release role \\(alice\\, bob\\)\\, by signing the tag again: `trustlens sign 127.0.0.1:5000/acme/app:v1 --signer alice`',
      '- targets\\/alice: 2028-08-09 (in 800 days)  ',
      '  Renewed by signer alice\\, by signing the tag again: `trustlens sign 127.0.0.1:5000/acme/app:v1 --signer alice`',
      '- **targets\\/bob: 2026-06-06 (in 5 days, within the warning window) — soonest**  ',
      '  Renewed by signer bob\\, by signing the tag again: `trustlens sign 127.0.0.1:5000/acme/app:v1 --signer bob`',
      '- snapshot: 2029-02-25 (in 1000 days)  ',
      "  Renewed by the trust server\\, automatically\\, when it holds the snapshot key \\(as docker trust sets it up\\)\\; else the repository owner\\'s next publish",
      '- timestamp: 2026-06-15 (in 14 days)  ',
      '  Renewed by the trust server\\, automatically',
    ]);
  });

  void it('renews targets by signing it again as it is, with or without a tag in the reference', () => {
    const line = '- **targets: 2029-02-25 (in 1000 days) — soonest**  \n  Renewed by the repository key holder\\, by signing targets again as it is: `trustlens witness 127.0.0.1:5000/acme/app targets`';
    const text = hover({ result: result(`${IMG}:v1`, { role: 'targets', signers: [] }), details: details() });
    assert.ok(text.includes(line), text);
    const byDigest = hover({ result: result(`${IMG}@${D1}`, { role: 'targets', signers: [] }), details: details() });
    assert.ok(byDigest.includes(line), byDigest);
  });

  void it('shows a command that a hostile name would break as no command, and a command with backticks safely in code', () => {
    const hostile = delegated(data(), 'targets/a`b');
    const text = hover({ result: result(`${IMG}:v1`, { signers: ['a`b'] }), details: details(hostile) });
    assert.ok(text.includes('  Renewed by a signer of the release role \\(a\\`b\\)\\, by signing the tag again\n'), text);
    assert.ok(text.includes('  Renewed by the repository key holder\\, by signing targets again as it is: `trustlens witness 127.0.0.1:5000/acme/app targets`\n'), text);
    assert.doesNotMatch(text, /--signer a`b/);
    const r = result(`${IMG}:v1`, {
      signatures: [{ scheme: 'cosign', status: 'signed', signedDigest: D1, signers: [], findings: [], source: null, expires: [
        { what: 'certificate of [x](command:evil)', expires: new Date(NOW.getTime() + 10 * DAY).toISOString(), renewedBy: 'the *signer*', renewCommand: 'cosign sign ``x`` y' },
      ] }],
    });
    const shown = hover({ result: r });
    assert.ok(shown.includes('- certificate of \\[x\\]\\(command\\:evil\\): 2026-06-11 (in 10 days, within the warning window)  \n  Renewed by the \\*signer\\*: ```cosign sign ``x`` y```'), shown);
  });

  void it('leaves out delegations the verdict did not use', () => {
    const text = hover({ result: result(`${IMG}:v1`, { role: 'targets', signers: [] }), details: details() });
    assert.doesNotMatch(text, /targets\\\/(releases|alice|bob):/);
    assert.match(text, /Signed by: the repository key \(Repo Admin\)/);
    assert.match(text, /- \*\*targets: 2029-02-25 \(in 1000 days\) — soonest\*\*/);
  });

  void it('never marks the short-lived timestamp as the soonest, but does mark the snapshot', () => {
    const expiries = roleExpiries(result(`${IMG}:v1`, { signers: [] }), data({ snapshot: 20 }), NOW.getTime(), 30);
    assert.deepEqual(expiries.filter((e) => e.soonest).map((e) => e.role), ['snapshot']);
  });

  void it('names the trust pin a pinned root matched, instead of trust on first use', () => {
    const text = hover({ result: result(`${IMG}:v1`), details: details(data(), { rootPin: 'trustPinning.certs "127.0.0.1:5000/acme/*"' }) });
    assert.ok(text.includes('Root: matches trustPinning\\.certs \\"127\\.0\\.0\\.1\\:5000\\/acme\\/\\*\\" (root version 2)'), text);
    assert.doesNotMatch(text, /trust on first use/);
  });

  void it('says when this check pinned the root', () => {
    assert.match(hover({ result: result(`${IMG}:v1`), details: details(data(), { firstUse: true }) }), /Root: pinned on first use just now/);
    assert.match(hover({ result: result(`${IMG}:v1`), details: details(data(), { pinnedAt: undefined }) }), /Root: pinned by an earlier check/);
  });

  void it('words every failed verdict, with its findings and no role list', () => {
    const r = result(`${IMG}:v2`, {
      status: 'unsigned', signedDigest: null, role: null, signers: [], expires: null,
      findings: [{ code: 'unsigned-tag', severity: 'error', message: 'acme/app:v2 is not signed in 127.0.0.1:5000/acme/app.' }],
    });
    const text = hover({ result: r });
    assert.match(text, /\*\*Fail — Not signed\*\*/);
    assert.doesNotMatch(text, /Signed digest|Signed by|Expiry/);
    assert.match(text, /\*\*Findings\*\*\n\n- Error \(unsigned\\-tag\): acme\\\/app\\:v2 is not signed in 127\\\.0\\\.0\\\.1\\:5000\\\/acme\\\/app\\\./);
    assert.match(hover({ result: { ...r, status: 'unverifiable' } }), /\*\*Fail — Unknown: the trust data could not be checked\*\*/);
    assert.match(hover({ result: { ...r, status: 'no-trust-data' } }), /\*\*Fail — Not signed: the repository has no trust data\*\*/);
    assert.match(hover({ result: { ...r, status: 'not-released' } }), /\*\*Fail — Not released/);
  });

  void it('never opens with "Signed" for a signed tag the policy fails: it says who has not signed', () => {
    const r = result(`${IMG}:v1`, {
      findings: [{ code: 'missing-required-signer', severity: 'error', message: 'Policy requires ci and qa to sign 127.0.0.1:5000/acme/app:v1, but qa has not signed' }],
      requiredSigners: ['ci', 'qa'],
      missingSigners: ['qa'],
    });
    const text = hover({ result: r, details: details() });
    assert.match(text, /\n\n\*\*Fail — Signed, but the policy requires ci and qa; qa has not signed\*\*\n/);
    assert.doesNotMatch(text, /\*\*(Pass — )?Signed\*\*/);
    const warned = hover({ result: result(`${IMG}:v1`, { findings: [{ code: 'expiring-soon', severity: 'warning', message: 'soon' }] }) });
    assert.match(warned, /\n\n\*\*Warn — Signed\*\*\n/);
  });

  void it('shows unverifiable findings at the editor\'s level and hides ignored ones', () => {
    const r = result(`${IMG}:v1`, {
      status: 'unverifiable', signedDigest: null, role: null, signers: [],
      findings: [{ code: 'unverifiable', severity: 'error', message: 'timed out' }, { code: 'implicit-latest', severity: 'ignore', message: 'latest' }],
    });
    const text = hover({ result: r, unverifiableLevel: 'info' });
    assert.match(text, /- Info \(unverifiable\): timed out/);
    assert.doesNotMatch(text, /implicit/);
  });

  void it('shows a finding\'s detail on its own line inside the finding, escaped', () => {
    const detail = 'cannot reach https://127.0.0.1:9/v2/x/_trust/tuf/root.json (GET): connect ECONNREFUSED 127.0.0.1:9';
    const r = result(`${IMG}:v1`, {
      status: 'unverifiable', signedDigest: null, role: null, signers: [],
      findings: [{ code: 'unverifiable', severity: 'error', message: 'the trust server refused the connection', detail }],
    });
    const text = hover({ result: r });
    assert.ok(text.includes(`- Error (unverifiable): the trust server refused the connection  \n  Detail: ${escapeMarkdown(detail)}`), text);
  });

  void it('escapes everything that comes from documents and servers', () => {
    const r = result(`${IMG}:v1`, { findings: [{ code: 'unsigned-tag', severity: 'warning', message: '[click](command:workbench.action.terminal.new) ![x](http://evil/) <img src=x> $(alert) `code`\nline' }] });
    const text = hover({ result: r });
    const message = text.slice(text.indexOf('(unsigned\\-tag): ') + '(unsigned\\-tag): '.length);
    assert.ok(message.startsWith('\\[click\\]'), message);
    assert.doesNotMatch(message, /(?<!\\)[[\]()<>`$!]/, 'no unescaped Markdown or HTML punctuation');
    assert.doesNotMatch(message, /\n/);
  });

  void it('adds the show-signers link only when asked, with the repository as its argument', () => {
    assert.doesNotMatch(hover({ result: result(`${IMG}:v1`) }), /command:/);
    const uri = showSignersUri(IMG);
    assert.equal(uri, `command:trustlens.showSigners?${encodeURIComponent(JSON.stringify([IMG]))}`);
    assert.match(hover({ result: result(`${IMG}:v1`), showSignersUri: uri }), /\[Show signers\]\(command:trustlens\.showSigners\?%5B%22127\.0\.0\.1%3A5000%2Facme%2Fapp%22%5D\)$/);
  });

  void it('shows a digest reference with its digest in a code span', () => {
    const text = hover({ result: result(`${IMG}@${D1}`, { signedDigest: null, status: 'unsigned' }) });
    assert.ok(text.startsWith(`**TrustLens** · 127\\.0\\.0\\.1\\:5000\\/acme\\/app@\`${D1}\`\n`), text);
  });

  void it('shortens a pinned digest in the title when it is the signed one, which follows in full', () => {
    const text = hover({ result: result(`${IMG}:v1@${D1}`) });
    assert.ok(text.startsWith(`**TrustLens** · 127\\.0\\.0\\.1\\:5000\\/acme\\/app\\:v1@\`${D1.slice(0, 19)}…\`\n`), text);
    assert.ok(text.includes(`Signed digest: \`${D1}\``), text);
    const other = hover({ result: result(`${IMG}:v1@${D1}`, { signedDigest: D1.replace(/1/g, '2') }) });
    assert.ok(other.startsWith(`**TrustLens** · 127\\.0\\.0\\.1\\:5000\\/acme\\/app\\:v1@\`${D1}\`\n`), other);
  });
});

void describe('escapeMarkdown', () => {
  void it('escapes every ASCII punctuation character and folds newlines', () => {
    assert.equal(escapeMarkdown('a*b_[c](d)\n$(e)'), 'a\\*b\\_\\[c\\]\\(d\\) \\$\\(e\\)');
    assert.equal(escapeMarkdown('plain text 123'), 'plain text 123');
  });
});
