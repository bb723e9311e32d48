/**
 * The Notation attack matrix, on signatures generated with a throw-away CA and timestamped by a real
 * `openssl ts` TSA: every attack comes out invalid, expired, untrusted-signer, unverifiable or not
 * verified, never signed, and each has a control that comes out signed. Revoked certificates (OCSP and
 * CRL) are in notationRevocation.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkNotation } from '../../src/core/trust/notation/checkNotation';
import type { NotationCheckResult } from '../../src/core/trust/notation/result';
import type { OciDescriptor } from '../../src/core/trust/notation/source';
import { OpensslTsa } from '../helpers/notation/opensslPki';
import { noNetwork, testPolicy, writeSignedImage, type GeneratedSignature, type PolicySpec } from '../helpers/notation/scenario';
import { EKU_OIDS, makeCert, profiles, testKey } from '../helpers/notation/testPki';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';

const name = (o: string, cn: string) => [['C', 'US'], ['ST', 'WA'], ['O', o], ['CN', cn]] as const;
const HOUR = 3_600_000;

describe('Notation attack matrix', () => {
  let tmp: TempDir;
  const root = makeCert(profiles.rootCa(name('Acme', 'Acme Root')));
  const leaf = makeCert(profiles.leafOf(root, name('Acme', 'release'), { key: testKey('rsa', 'attack-leaf') }));
  const otherRoot = makeCert(profiles.rootCa(name('Mallory', 'Mallory Root')));
  const otherLeaf = makeCert(profiles.leafOf(otherRoot, name('Mallory', 'release'), { key: testKey('rsa', 'attack-mallory') }));
  const tsaRoot = makeCert(profiles.rootCa(name('Acme TSA', 'Acme TSA Root')));
  const tsaLeaf = makeCert(profiles.tsaLeafOf(tsaRoot, name('Acme TSA', 'Acme Timestamping')));
  const rogueTsaRoot = makeCert(profiles.rootCa(name('Rogue TSA', 'Rogue TSA Root')));
  const rogueTsaLeaf = makeCert(profiles.tsaLeafOf(rogueTsaRoot, name('Rogue TSA', 'Rogue Timestamping')));
  let tsa: OpensslTsa;
  let rogueTsa: OpensslTsa;

  before(async () => {
    tmp = await makeTempDir('notation-attacks');
    tsa = new OpensslTsa(tmp.path, tsaLeaf, [tsaRoot]);
    rogueTsa = new OpensslTsa(tmp.path, rogueTsaLeaf, [rogueTsaRoot]);
  });
  after(() => tmp?.remove());

  const acmeStores: PolicySpec['stores'] = [{ type: 'ca', name: 'acme', files: [root.pem] }];
  /** With a tsa store, notation verifies the timestamp (verifyTimestamp "always" by default). */
  const withTsa: PolicySpec = { stores: [...acmeStores, { type: 'tsa', name: 'acme-tsa', files: [tsaRoot.pem] }] };

  async function check(signatures: GeneratedSignature[], spec: PolicySpec = {}, options: { at?: number; target?: (t: OciDescriptor) => OciDescriptor } = {}): Promise<NotationCheckResult> {
    const image = await writeSignedImage(signatures);
    const { policy, readTrustStore } = testPolicy({ stores: acmeStores, ...spec });
    const at = options.at;
    return checkNotation({
      repository: 'registry.example.com/acme/app',
      target: options.target ? options.target(image.target) : image.target,
      source: image.source,
      policy,
      http: noNetwork,
      readTrustStore,
      ...(at !== undefined ? { clock: { now: () => new Date(at) } } : {}),
    });
  }
  const verdict = (r: NotationCheckResult): [string, string[][]] => [r.status, r.findings.map((f) => [f.code, f.severity])];

  for (const format of ['jws', 'cose'] as const) {
    describe(`${format.toUpperCase()} envelopes`, () => {
      const good: GeneratedSignature = { format, chain: [leaf, root] };

      it('control: a signature by a trusted CA\'s code signing certificate is signed', async () => {
        const r = await check([good]);
        assert.deepEqual(verdict(r), ['signed', []]);
        assert.equal(r.signature?.signer?.subject, 'CN=release,O=Acme,ST=WA,C=US');
        assert.equal(r.signature?.signer?.issuer, 'CN=Acme Root,O=Acme,ST=WA,C=US');
      });

      it('a signature of another image\'s digest is invalid', async () => {
        const other = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'c'.repeat(64)}`, size: 1000 };
        assert.deepEqual(verdict(await check([{ ...good, target: other }])), ['invalid', [['notation-invalid', 'error']]]);
      });

      it('a size mismatch in the target descriptor is invalid', async () => {
        const r = await check([good], {}, { target: (t) => ({ ...t, size: t.size + 1 }) });
        assert.notEqual(r.status, 'signed');
        const sized = await writeSignedImage([]);
        const signedWrongSize = await check([{ ...good, target: { ...sized.target, size: sized.target.size + 1 } }]);
        assert.deepEqual(verdict(signedWrongSize), ['invalid', [['notation-invalid', 'error']]]);
      });

      it('a certificate from an untrusted CA is untrusted-signer, naming the subject and the CA', async () => {
        const r = await check([{ format, chain: [otherLeaf, otherRoot] }]);
        assert.deepEqual(verdict(r), ['untrusted-signer', [['untrusted-signer', 'error']]]);
        assert.match(r.findings[0]?.message ?? '', /CN=release,O=Mallory.*CN=Mallory Root/);
        const fix = r.findings[0]?.trustSigner;
        assert.equal(fix?.trustedIdentity, 'x509.subject: CN=release,O=Mallory,ST=WA,C=US');
        assert.equal(fix?.rootSubject, 'CN=Mallory Root,O=Mallory,ST=WA,C=US');
        assert.equal(fix?.storeType, 'ca');
        assert.match(fix?.rootCertificatePem ?? '', /^-----BEGIN CERTIFICATE-----/);
      });

      it('a leaf without the code signing EKU (a TLS server certificate) is invalid', async () => {
        const tls = makeCert(profiles.leafOf(root, name('Acme', 'www'), { extKeyUsage: { oids: [EKU_OIDS.serverAuth] } }));
        assert.deepEqual(verdict(await check([{ format, chain: [tls, root] }])), ['invalid', [['notation-invalid', 'error']]]);
      });

      it('a signature past its io.cncf.notary.expiry is expired', async () => {
        const now = Date.now();
        const r = await check([{ ...good, signingTime: new Date(now - 2 * HOUR), expiry: new Date(now - HOUR) }]);
        assert.deepEqual(verdict(r), ['expired', [['notation-expired', 'error']]]);
        const control = await check([{ ...good, signingTime: new Date(now - 2 * HOUR), expiry: new Date(now + HOUR) }]);
        assert.equal(control.status, 'signed');
        assert.ok(control.signature?.expiry);
      });

      it('a signature made after the certificate expired, without a timestamp, is expired', async () => {
        const now = Date.now();
        const expiredLeaf = makeCert(profiles.leafOf(root, name('Acme', 'old'), { notBefore: new Date(now - 48 * HOUR), notAfter: new Date(now - 24 * HOUR) }));
        const r = await check([{ format, chain: [expiredLeaf, root], signingTime: new Date(now) }]);
        assert.deepEqual(verdict(r), ['expired', [['notation-certificate-expired', 'error']]]);
      });

      it('a signature timestamped after the certificate expired is expired, even by a trusted TSA', async () => {
        const now = Date.now();
        const expiredLeaf = makeCert(profiles.leafOf(root, name('Acme', 'old'), { notBefore: new Date(now - 48 * HOUR), notAfter: new Date(now - 24 * HOUR) }));
        const r = await check([{ format, chain: [expiredLeaf, root], timestamp: (sig) => tsa.stamp(sig) }], withTsa);
        assert.deepEqual(verdict(r), ['expired', [['notation-certificate-expired', 'error']]]);
        assert.match(r.findings[0]?.message ?? '', /timestamped at .* after certificate/);
      });

      it('control: a trusted TSA\'s timestamp keeps a signature valid after its certificate expires', async () => {
        const now = Date.now();
        const shortLeaf = makeCert(profiles.leafOf(root, name('Acme', 'short'), { notBefore: new Date(now - HOUR), notAfter: new Date(now + HOUR) }));
        const r = await check([{ format, chain: [shortLeaf, root], timestamp: (sig) => tsa.stamp(sig) }], withTsa, { at: now + 3 * HOUR });
        assert.deepEqual(verdict(r), ['signed', []]);
        assert.equal(r.signature?.timeAuthenticated, true);
        assert.equal(r.signature?.timestampAuthority, 'CN=Acme Timestamping,O=Acme TSA,ST=WA,C=US');
        const without = await check([{ format, chain: [shortLeaf, root] }], {}, { at: now + 3 * HOUR });
        assert.deepEqual(verdict(without), ['expired', [['notation-certificate-expired', 'error']]], 'the same certificate, no timestamp');
        const required = await check([{ format, chain: [shortLeaf, root] }], withTsa, { at: now + 3 * HOUR });
        assert.deepEqual(verdict(required), ['invalid', [['notation-timestamp-invalid', 'error']]], 'a tsa store makes the timestamp required');
      });

      it('a timestamp from an untrusted TSA is invalid', async () => {
        const r = await check([{ ...good, timestamp: (sig) => rogueTsa.stamp(sig) }], withTsa);
        assert.deepEqual(verdict(r), ['invalid', [['notation-timestamp-invalid', 'error']]]);
        const stolen = await check([{ ...good, timestamp: () => tsa.stamp(new Uint8Array([1, 2, 3])) }], withTsa);
        assert.deepEqual(verdict(stolen), ['invalid', [['notation-timestamp-invalid', 'error']]], 'a trusted token over other bytes');
        const control = await check([{ ...good, timestamp: (sig) => tsa.stamp(sig) }], withTsa);
        assert.deepEqual(verdict(control), ['signed', []]);
      });

      it('afterCertExpiry: no timestamp is needed while the chain is valid', async () => {
        const r = await check([good], { ...withTsa, verifyTimestamp: 'afterCertExpiry' });
        assert.equal(r.status, 'signed');
        const always = await check([good], withTsa);
        assert.equal(always.status, 'invalid', 'verifyTimestamp always (the default) with a tsa store requires a timestamp');
      });

      it('an unknown critical header is invalid; the same header, not critical, is signed', async () => {
        const header = { 'com.example.policy': 'strict-mode' };
        assert.deepEqual(verdict(await check([{ ...good, extraHeaders: header, extraCrit: ['com.example.policy'] }])), ['invalid', [['notation-invalid', 'error']]]);
        assert.equal((await check([{ ...good, extraHeaders: header }])).status, 'signed');
      });

      it('a trusted identity mismatch is untrusted-signer; the matching identity is signed', async () => {
        const mismatch = await check([good], { identities: ['x509.subject: C=US, ST=WA, O=Acme, CN=nightly'] });
        assert.deepEqual(verdict(mismatch), ['untrusted-signer', [['untrusted-signer', 'error']]]);
        const match = await check([good], { identities: ['x509.subject: O=Acme, ST=WA, C=US, CN=release'] });
        assert.equal(match.status, 'signed');
      });

      it('a policy of level skip is "not verified by policy", never signed, and fetches nothing', async () => {
        const image = await writeSignedImage([good]);
        const { policy, readTrustStore } = testPolicy({ level: 'skip', stores: [] });
        const r = await checkNotation({ repository: 'registry.example.com/acme/app', target: image.target, source: image.source, policy, http: noNetwork, readTrustStore });
        assert.deepEqual(verdict(r), ['not-verified', [['notation-not-verified', 'info']]]);
        assert.deepEqual(image.source.calls, []);
        assert.equal(r.signedDigest, null);
      });

      it('audit: integrity is enforced, authenticity and expiry are only logged, and neither is signed', async () => {
        const tampered = await check([{ ...good, target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'d'.repeat(64)}`, size: 5 } }], { level: 'audit' });
        assert.deepEqual(verdict(tampered), ['invalid', [['notation-invalid', 'error']]]);
        const untrusted = await check([{ format, chain: [otherLeaf, otherRoot] }], { level: 'audit' });
        assert.deepEqual(verdict(untrusted), ['untrusted-signer', [['untrusted-signer', 'warning']]]);
        const expired = await check([{ ...good, signingTime: new Date(Date.now() - 2 * HOUR), expiry: new Date(Date.now() - HOUR) }], { level: 'audit' });
        assert.deepEqual(verdict(expired), ['expired', [['notation-expired', 'warning']]]);
        assert.equal((await check([good], { level: 'audit' })).status, 'signed');
      });

      it('the signing authority scheme: signed within the certificate\'s validity, expired outside it', async () => {
        const sa = [{ type: 'signingAuthority' as const, name: 'acme-sa', files: [root.pem] }];
        const ok = await check([{ ...good, scheme: 'notary.x509.signingAuthority' }], { stores: sa });
        assert.equal(ok.status, 'signed');
        assert.equal(ok.signature?.timeAuthenticated, true);
        const outside = await check([{ ...good, scheme: 'notary.x509.signingAuthority', signingTime: new Date(Date.now() - 400 * 24 * HOUR) }], { stores: sa });
        assert.equal(outside.status, 'expired');
        const asCa = await check([{ ...good, scheme: 'notary.x509.signingAuthority' }]);
        assert.equal(asCa.status, 'untrusted-signer', 'a CA store does not vouch for a signing authority');
      });
    });
  }

  it('one valid signature among attacks is enough (notation passes on any verified signature)', async () => {
    const r = await check([{ format: 'jws', chain: [otherLeaf, otherRoot] }, { format: 'cose', chain: [leaf, root], extraHeaders: { x: 1 }, extraCrit: ['x'] }, { format: 'jws', chain: [leaf, root] }]);
    assert.equal(r.status, 'signed');
    assert.equal(r.signatures.length, 3);
    const none = await check([{ format: 'jws', chain: [otherLeaf, otherRoot] }, { format: 'cose', chain: [leaf, root], extraHeaders: { x: 1 }, extraCrit: ['x'] }]);
    assert.equal(none.status, 'untrusted-signer', 'with no valid signature, who signed is shown');
  });

  it('more signature manifests than the limit are not all fetched; none of them verifies', async () => {
    const many = Array.from({ length: 6 }, () => ({ format: 'jws' as const, chain: [otherLeaf, otherRoot] }));
    const image = await writeSignedImage([...many, { format: 'jws', chain: [leaf, root] }]);
    const { policy, readTrustStore } = testPolicy({ stores: acmeStores });
    const r = await checkNotation({ repository: 'registry.example.com/acme/app', target: image.target, source: image.source, policy, http: noNetwork, readTrustStore, limits: { maxSignatures: 3 } });
    assert.notEqual(r.status, 'signed');
    assert.equal(image.source.calls.filter((c) => c.startsWith('manifest')).length, 3);
  });

  it('a registry that cannot list referrers makes the verdict unverifiable, not unsigned', async () => {
    const image = await writeSignedImage([{ format: 'jws', chain: [leaf, root] }]);
    image.source.referrers = () => Promise.reject(new Error('connection reset'));
    const { policy, readTrustStore } = testPolicy({ stores: acmeStores });
    const r = await checkNotation({ repository: 'registry.example.com/acme/app', target: image.target, source: image.source, policy, http: noNetwork, readTrustStore });
    assert.deepEqual(verdict(r), ['unverifiable', [['unverifiable', 'error']]]);
  });
});
