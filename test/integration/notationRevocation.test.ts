/**
 * Revocation for real: `openssl ocsp` answering from a CA database on loopback, and CRLs that
 * `openssl ca -gencrl` issues from the same database, served over local HTTP. Outcomes good, revoked
 * and unknown; strict makes revoked `invalid` and an unreachable responder `unverifiable`, permissive
 * logs both as warnings; OCSP falls back to the CRL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UndiciHttpClient } from '../../src/core/net/undiciHttpClient';
import { checkNotation } from '../../src/core/trust/notation/checkNotation';
import type { NotationCheckResult } from '../../src/core/trust/notation/result';
import { LocalFileServer, OpensslCa } from '../helpers/notation/opensslPki';
import { testPolicy, writeSignedImage, type PolicySpec } from '../helpers/notation/scenario';
import { makeCert, profiles, testKey, type CertSpec, type TestCert } from '../helpers/notation/testPki';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { freePort } from '../helpers/stack/ports';
import type { ManagedProcess } from '../helpers/stack/childProcess';

const ROOT = [['C', 'US'], ['ST', 'WA'], ['O', 'Revocation Test'], ['CN', 'Revocation Test Root']] as const;
const leafName = (cn: string) => [['C', 'US'], ['ST', 'WA'], ['O', 'Revocation Test'], ['CN', cn]] as const;

describe('Notation revocation against openssl OCSP and CRLs', () => {
  let tmp: TempDir;
  let ca: OpensslCa;
  let root: TestCert;
  let ocsp: { url: string; process: ManagedProcess };
  const crls = new LocalFileServer();
  const http = new UndiciHttpClient({ retry: { attempts: 1 }, timeoutMs: 5_000 });
  let closedPort: number;
  const leaves: Record<string, TestCert> = {};

  before(async () => {
    tmp = await makeTempDir('notation-revocation');
    root = makeCert(profiles.rootCa(ROOT));
    ca = new OpensslCa(tmp.path, root);
    await crls.start();
    closedPort = await freePort();
    const crlUrl = `${crls.url}/ca.crl`;
    const ocspPort = await freePort();
    const ocspUrl = `http://127.0.0.1:${ocspPort}`;
    const leaf = (cn: string, extra: Partial<CertSpec>): TestCert => (leaves[cn] = makeCert(profiles.leafOf(root, leafName(cn), { key: testKey('rsa', 'revocation-leaf'), ...extra })));
    ca.issued(leaf('ocsp-good', { ocspUrls: [ocspUrl] }));
    ca.revoked(leaf('ocsp-revoked', { ocspUrls: [ocspUrl] }), 'keyCompromise');
    ca.issued(leaf('crl-good', { crlUrls: [crlUrl] }));
    ca.revoked(leaf('crl-revoked', { crlUrls: [crlUrl] }), 'keyCompromise');
    ca.revoked(leaf('crl-on-hold', { crlUrls: [crlUrl] }), 'certificateHold');
    leaf('ocsp-unreachable', { ocspUrls: [`http://127.0.0.1:${closedPort}`] });
    ca.issued(leaf('ocsp-unreachable-crl-good', { ocspUrls: [`http://127.0.0.1:${closedPort}`], crlUrls: [crlUrl] }));
    ca.revoked(leaf('ocsp-unreachable-crl-revoked', { ocspUrls: [`http://127.0.0.1:${closedPort}`], crlUrls: [crlUrl] }));
    leaf('ocsp-unknown', { ocspUrls: [ocspUrl] });
    crls.files.set('/ca.crl', await ca.crl());
    ocsp = await ca.startOcspResponder(tmp.path, ocspPort);
    assert.equal(ocsp.url, ocspUrl);
  });

  after(async () => {
    await ocsp?.process.stop();
    await crls.stop();
    await http.close();
    await tmp?.remove();
  });

  async function check(cn: string, spec: Omit<PolicySpec, 'stores'> = {}, at?: Date): Promise<NotationCheckResult> {
    const leaf = leaves[cn] as TestCert;
    const image = await writeSignedImage([{ format: 'jws', chain: [leaf, root] }]);
    const { policy, readTrustStore } = testPolicy({ ...spec, stores: [{ type: 'ca', name: 'revocation', files: [root.pem] }] });
    return checkNotation({ repository: 'registry.example.com/revocation/app', target: image.target, source: image.source, policy, http, readTrustStore, ...(at ? { clock: { now: () => at } } : {}) });
  }
  const codes = (r: NotationCheckResult): string[][] => r.findings.map((f) => [f.code, f.severity]);

  it('OCSP good: signed, revocation good (control)', async () => {
    const r = await check('ocsp-good');
    assert.equal(r.status, 'signed', JSON.stringify(r.findings));
    assert.equal(r.signature?.revocation, 'good');
  });

  it('OCSP revoked: strict → invalid; permissive → a warning, never signed', async () => {
    const strict = await check('ocsp-revoked');
    assert.equal(strict.status, 'invalid');
    assert.deepEqual(codes(strict), [['notation-revoked', 'error']]);
    assert.equal(strict.signature?.revocation, 'revoked');
    const permissive = await check('ocsp-revoked', { level: 'permissive' });
    assert.deepEqual(codes(permissive), [['notation-revoked', 'warning']]);
    assert.notEqual(permissive.status, 'signed');
  });

  it('CRL good (no OCSP URL): signed (control)', async () => {
    const r = await check('crl-good');
    assert.equal(r.status, 'signed', JSON.stringify(r.findings));
    assert.equal(r.signature?.revocation, 'good');
  });

  it('CRL revoked: strict → invalid; a certificate on hold is revoked too', async () => {
    for (const cn of ['crl-revoked', 'crl-on-hold']) {
      const r = await check(cn);
      assert.equal(r.status, 'invalid', cn);
      assert.deepEqual(codes(r), [['notation-revoked', 'error']], cn);
    }
  });

  it('OCSP responder unreachable and no CRL: strict → unverifiable; permissive → a warning', async () => {
    const strict = await check('ocsp-unreachable');
    assert.equal(strict.status, 'unverifiable');
    assert.deepEqual(codes(strict), [['notation-revocation-unknown', 'error']]);
    assert.match(strict.findings[0]?.message ?? '', new RegExp(`127\\.0\\.0\\.1:${closedPort}`));
    const permissive = await check('ocsp-unreachable', { level: 'permissive' });
    assert.deepEqual(codes(permissive), [['notation-revocation-unknown', 'warning']]);
    assert.equal(permissive.signature?.revocation, 'unknown');
  });

  it('OCSP unreachable falls back to the CRL: good is signed, revoked is invalid', async () => {
    const before = crls.hits.get('/ca.crl') ?? 0;
    const good = await check('ocsp-unreachable-crl-good');
    assert.equal(good.status, 'signed', JSON.stringify(good.findings));
    assert.ok((crls.hits.get('/ca.crl') ?? 0) > before, 'the CRL was fetched');
    const revoked = await check('ocsp-unreachable-crl-revoked');
    assert.equal(revoked.status, 'invalid');
  });

  it('six signatures by one certificate whose responder cannot be reached ask it once; the same with a live responder is signed (control)', async () => {
    const asked: string[] = [];
    const counting = new UndiciHttpClient({ retry: { attempts: 1 }, timeoutMs: 5_000, onRequest: (e) => asked.push(e.url) });
    try {
      const { policy, readTrustStore } = testPolicy({ stores: [{ type: 'ca', name: 'revocation', files: [root.pem] }] });
      const sixOf = async (cn: string) => {
        const image = await writeSignedImage(Array.from({ length: 6 }, () => ({ format: 'jws' as const, chain: [leaves[cn] as TestCert, root] })));
        assert.equal(image.signatureManifests.length, 6);
        return checkNotation({ repository: 'registry.example.com/revocation/app', target: image.target, source: image.source, policy, http: counting, readTrustStore });
      };
      const unreachable = await sixOf('ocsp-unreachable');
      assert.equal(unreachable.status, 'unverifiable');
      assert.equal(asked.filter((u) => u.includes(`127.0.0.1:${closedPort}`)).length, 1, asked.join('\n'));
      asked.length = 0;
      const control = await sixOf('ocsp-good');
      assert.equal(control.status, 'signed', JSON.stringify(control.findings));
      assert.equal(asked.length, 1, 'one OCSP request for the signature that verified');
    } finally {
      await counting.close();
    }
  });

  it('a certificate the responder does not know: unknown, so strict → unverifiable', async () => {
    const r = await check('ocsp-unknown');
    assert.equal(r.status, 'unverifiable');
    assert.match(r.findings[0]?.message ?? '', /does not know the certificate/);
  });

  it('a stale OCSP response or CRL (checked two days later) is no answer: unverifiable', async () => {
    const later = new Date(Date.now() + 2 * 86_400_000);
    for (const cn of ['ocsp-good', 'crl-good']) {
      const r = await check(cn, {}, later);
      assert.equal(r.status, 'unverifiable', cn);
      assert.match(r.findings[0]?.message ?? '', /expired/, cn);
    }
  });

  it('revocation: skip in the policy checks nothing and signs a revoked certificate, as notation does', async () => {
    const r = await check('ocsp-revoked', { override: { revocation: 'skip' } });
    assert.equal(r.status, 'signed');
    assert.equal(r.signature?.revocation, 'not-checked');
  });
});
