/**
 * `trustPinning` in `.trustlens.yaml`, read as notary reads `trust_pinning` (`cmd/notary/tuf.go`
 * `getTrustPinning`) and applied with notary's precedence (`trustpinning/trustpin.go`
 * `NewTrustPinChecker`, `wildcardMatch`, `getPinnedCAFilepathByPrefix`).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustLensError } from '../../../src/core/errors';
import { mergePolicy } from '../../../src/core/policy/policy';
import { parsePolicy } from '../../../src/core/policy/policyFile';
import { rootPinFor } from '../../../src/core/trust/dct/trustPinning';
import { TufError } from '../../../src/core/trust/dct/tuf/tufErrors';
import { testCa } from '../../helpers/tufRepo';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);
const NOW = Date.parse('2026-03-01T12:00:00Z');

const invalid = (text: string, ...words: string[]) =>
  assert.throws(() => parsePolicy(text, '/p/.trustlens.yaml'), (e: unknown) => {
    assert.ok(TrustLensError.is(e, 'invalid-config'), String(e));
    for (const w of words) assert.ok((e as Error).message.includes(w), `"${(e as Error).message}" should mention "${w}"`);
    return true;
  });

void describe('trustPinning in .trustlens.yaml', () => {
  void it('reads certs, ca (relative to the policy file) and disableTOFU', () => {
    const policy = parsePolicy([
      'trustPinning:',
      '  certs:',
      `    registry.example.com/acme/app: [${A}]`,
      `    "registry.example.com/acme/*": [${B}, ${C}]`,
      '  ca:',
      '    registry.example.com/: ca/acme.pem',
      '    ghcr.io/: /etc/ssl/ghcr.pem',
      '  disableTOFU: true',
      '',
    ].join('\n'), '.trustlens.yaml', { baseDir: '/work/repo' });
    assert.deepEqual(policy.trustPinning, {
      certs: { 'registry.example.com/acme/app': [A], 'registry.example.com/acme/*': [B, C] },
      ca: { 'registry.example.com/': '/work/repo/ca/acme.pem', 'ghcr.io/': '/etc/ssl/ghcr.pem' },
      disableTOFU: true,
    });
    assert.equal(parsePolicy('expiryWarningDays: 3\n').trustPinning, undefined);
  });

  void it('refuses what notary could not use, naming the line', () => {
    invalid('trustPinning:\n  certs:\n    x: [abc]\n', '.trustlens.yaml:3:9', '"abc" is not a root certificate key ID');
    invalid(`trustPinning:\n  certs:\n    "a*b": [${A}]\n`, 'a * may only end a trustPinning.certs key');
    invalid(`trustPinning:\n  certs:\n    x: ${A}\n`, 'must be a list');
    invalid('trustPinning:\n  disableTOFU: "yes"\n', 'must be true or false');
    invalid('trustPinning:\n  tofu: false\n', 'unknown key "trustPinning.tofu"');
    invalid('trustPinning: [x]\n', '"trustPinning" must be a mapping');
  });

  void it('comes through the editor settings merge, in Restricted Mode too (a pin only ever refuses)', () => {
    const file = parsePolicy(`trustPinning:\n  certs:\n    x: [${A}]\n`);
    const settings = { trustServers: {}, severity: {}, expiryWarningDays: 30 };
    assert.deepEqual(mergePolicy(file, settings, false).trustPinning?.certs, { x: [A] });
  });
});

void describe('rootPinFor: notary\'s precedence', () => {
  let dir: string;
  let caFile: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'trustlens-pin-'));
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, testCa('Pinned CA', new Date(NOW)).pem);
    writeFileSync(join(dir, 'expired.pem'), testCa('Old CA', new Date(NOW - 800 * 86_400_000), { notAfter: new Date(NOW - 86_400_000) }).pem);
    writeFileSync(join(dir, 'garbage.pem'), 'not a certificate\n');
    mkdirSync(join(dir, 'directory.pem'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const config = (over: { certs?: Record<string, string[]>; ca?: Record<string, string>; disableTOFU?: boolean } = {}) => ({ certs: {}, ca: {}, disableTOFU: false, ...over });

  void it('takes the GUN\'s own certs entry before any wildcard, then the longest wildcard', async () => {
    const c = config({ certs: { 'r.io/acme/app': [A], 'r.io/acme/*': [B], 'r.io/*': [C] }, ca: { 'r.io/': caFile } });
    assert.deepEqual(await rootPinFor(c, 'r.io/acme/app', NOW), { kind: 'certs', ids: [A], source: 'trustPinning.certs "r.io/acme/app"' });
    assert.deepEqual(await rootPinFor(c, 'r.io/acme/web', NOW), { kind: 'certs', ids: [B], source: 'trustPinning.certs "r.io/acme/*"' });
    assert.deepEqual(await rootPinFor(c, 'r.io/other', NOW), { kind: 'certs', ids: [C], source: 'trustPinning.certs "r.io/*"' });
  });

  void it('takes the longest CA prefix when no certs entry matches, with the bundle\'s valid certificates', async () => {
    const c = config({ certs: { 'r.io/acme/*': [A] }, ca: { 'r.io/': join(dir, 'expired.pem'), 'r.io/team/': caFile } });
    const pin = await rootPinFor(c, 'r.io/team/app', NOW);
    assert.equal(pin?.kind, 'ca');
    assert.equal(pin?.kind === 'ca' ? pin.cas.map((x) => x.commonName).join() : '', 'Pinned CA');
    assert.equal(pin?.source, `trustPinning.ca "r.io/team/" (${caFile})`);
  });

  void it('fails as notary does when the CA bundle is missing, unreadable or holds no valid certificate', async () => {
    for (const [file, words] of [
      [join(dir, 'missing.pem'), 'could not load root cert from CA path'],
      [join(dir, 'directory.pem'), 'not a regular file'],
      [join(dir, 'garbage.pem'), 'holds no PEM certificates'],
      [join(dir, 'expired.pem'), 'invalid CA certs provided'],
    ] as const) {
      await assert.rejects(rootPinFor(config({ ca: { 'r.io/': file } }), 'r.io/app', NOW), (e: unknown) => {
        assert.ok(TufError.isTuf(e, 'root-invalid'), String(e));
        assert.ok((e as Error).message.includes(words) && (e as Error).message.includes(file), (e as Error).message);
        return true;
      });
    }
  });

  void it('refuses a GUN nothing names when disableTOFU is set, and trusts it on first use otherwise', async () => {
    assert.deepEqual(await rootPinFor(config({ certs: { 'r.io/x': [A] }, disableTOFU: true }), 'r.io/app', NOW), {
      kind: 'refuse', source: 'trustPinning.disableTOFU is true and neither trustPinning.certs nor trustPinning.ca names r.io/app',
    });
    assert.equal(await rootPinFor(config({ certs: { 'r.io/x': [A] } }), 'r.io/app', NOW), undefined);
    assert.equal(await rootPinFor(undefined, 'r.io/app', NOW), undefined);
  });
});
