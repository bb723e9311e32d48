/**
 * Revocation through `trustlens check`: signatures whose leaves a real `openssl ocsp` responder, or a
 * CRL from `openssl ca -gencrl` served over local HTTP, says are good or revoked, pushed into a real
 * docker-registry with the real `oras cp -r`, and checked under a strict `.trustlens.yaml` notation
 * section. Revoked is `invalid` with the notation-revoked finding; a responder that cannot be reached
 * is `unverifiable`; the good ones are `signed`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkWithNotationRule, notationOf } from '../helpers/notation/cliCheck';
import { LocalFileServer, OpensslCa } from '../helpers/notation/opensslPki';
import { pushSignedImage } from '../helpers/notation/registryFixtures';
import { makeCert, profiles, testKey, type CertSpec, type TestCert } from '../helpers/notation/testPki';
import type { ManagedProcess } from '../helpers/stack/childProcess';
import { freePort } from '../helpers/stack/ports';
import { startRegistry, type Registry } from '../helpers/stack/registry';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';

const ROOT = [['C', 'US'], ['ST', 'WA'], ['O', 'Revocation Check'], ['CN', 'Revocation Check Root']] as const;
const leafName = (cn: string) => [['C', 'US'], ['ST', 'WA'], ['O', 'Revocation Check'], ['CN', cn]] as const;

describe('Notation revocation through a real registry and trustlens check', () => {
  let registry: Registry;
  let tmp: TempDir;
  let root: TestCert;
  let ocsp: { url: string; process: ManagedProcess } | undefined;
  const crls = new LocalFileServer();
  let closedPort: number;
  const images: Record<string, string> = {};

  before(async () => {
    registry = await startRegistry();
    tmp = await makeTempDir('notation-revocation-check');
    root = makeCert(profiles.rootCa(ROOT));
    const ca = new OpensslCa(tmp.path, root);
    await crls.start();
    const crlUrl = `${crls.url}/ca.crl`;
    const ocspPort = await freePort();
    const ocspUrl = `http://127.0.0.1:${ocspPort}`;
    closedPort = await freePort();
    const leaves: Record<string, TestCert> = {};
    const leaf = (cn: string, extra: Partial<CertSpec>): TestCert => (leaves[cn] = makeCert(profiles.leafOf(root, leafName(cn), { key: testKey('rsa', 'revocation-check-leaf'), ...extra })));
    ca.issued(leaf('ocsp-good', { ocspUrls: [ocspUrl] }));
    ca.revoked(leaf('ocsp-revoked', { ocspUrls: [ocspUrl] }), 'keyCompromise');
    ca.issued(leaf('crl-good', { crlUrls: [crlUrl] }));
    ca.revoked(leaf('crl-revoked', { crlUrls: [crlUrl] }), 'keyCompromise');
    ca.issued(leaf('ocsp-unreachable', { ocspUrls: [`http://127.0.0.1:${closedPort}`] }));
    crls.files.set('/ca.crl', await ca.crl());
    ocsp = await ca.startOcspResponder(tmp.path, ocspPort);
    for (const [cn, cert] of Object.entries(leaves)) {
      images[cn] = (await pushSignedImage(registry.host, `revocation/${cn}`, [{ format: 'jws', chain: [cert, root] }])).image;
    }
  });

  after(async () => {
    await ocsp?.process.stop();
    await crls.stop();
    await registry?.stop();
    await tmp?.remove();
  });

  it('strict: OCSP and CRL revoked are invalid (notation-revoked), an unreachable responder is unverifiable, the good ones are signed', async () => {
    const order = ['ocsp-good', 'ocsp-revoked', 'crl-good', 'crl-revoked', 'ocsp-unreachable'];
    const { exit, results, stderr } = await checkWithNotationRule(tmp.path, order.map((cn) => images[cn]!), {
      images: `${registry.host}/revocation/**`,
      ca: [root.pem],
      identities: ['*'],
    });
    const outcome = results.map((r) => [r.reference, r.status, r.verdict, notationOf(r)?.status, (notationOf(r)?.findings ?? []).map((f) => `${f.code}/${f.severity}`)]);
    assert.deepEqual(outcome, [
      [images['ocsp-good'], 'signed', 'pass', 'signed', []],
      [images['ocsp-revoked'], 'invalid', 'fail', 'invalid', ['notation-revoked/error']],
      [images['crl-good'], 'signed', 'pass', 'signed', []],
      [images['crl-revoked'], 'invalid', 'fail', 'invalid', ['notation-revoked/error']],
      [images['ocsp-unreachable'], 'unverifiable', 'fail', 'unverifiable', ['notation-revocation-unknown/error']],
    ], stderr);
    assert.equal(exit, 1);
    assert.deepEqual(results.map((r) => r.signedDigest === null), [false, true, false, true, true]);
    assert.match(notationOf(results[1]!)!.findings[0]!.message, /revoked/);
    assert.match(notationOf(results[4]!)!.findings[0]!.message, new RegExp(`127\\.0\\.0\\.1:${closedPort}`));
    assert.ok((crls.hits.get('/ca.crl') ?? 0) > 0, 'the CRL was fetched');
  });
});
