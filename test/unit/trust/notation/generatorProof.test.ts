/**
 * Proves the test signature generator before the attack tests rely on it: it re-creates the real
 * `e2e-valid-signature` layout (same image, same subject DN, same certificate profile, same envelope,
 * payload, manifest and referrers-index structure), and the verifier treats the copy exactly as it
 * treats the original, case by case.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { checkNotation } from '../../../../src/core/trust/notation/checkNotation';
import type { NotationCheckResult } from '../../../../src/core/trust/notation/result';
import { OciLayoutSource } from '../../../helpers/notation/ociLayout';
import { noNetwork, notationFixture, readNotationFixture, testPolicy, writeSignedImage, type PolicySpec } from '../../../helpers/notation/scenario';
import { makeCert, profiles, testKey, type TestCert } from '../../../helpers/notation/testPki';

const E2E_SUBJECT = [['C', 'US'], ['ST', 'WA'], ['L', 'Seattle'], ['O', 'Notary'], ['CN', 'e2e']] as const;
const LAYOUT = 'e2e-valid-signature';

function json(bytes: Uint8Array): Record<string, unknown> {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
}
function b64json(text: unknown): Record<string, unknown> {
  return JSON.parse(Buffer.from(String(text), 'base64url').toString('utf8')) as Record<string, unknown>;
}
const keys = (o: unknown): string[] => Object.keys(o as object);

describe('the signature generator re-creates a real Notation signature', () => {
  const real = new OciLayoutSource(notationFixture('oci_layout', LAYOUT));
  const realTarget = real.resolve('v1');
  const realImage = json(real.blobBytes(realTarget.digest)) as { config: { digest: string; mediaType: string }; layers: { digest: string; mediaType: string }[] };
  const e2eCert: TestCert = makeCert(
    profiles.selfSignedLeaf(E2E_SUBJECT, { key: testKey('rsa', 'generated-e2e'), notBefore: new Date('2022-12-19T02:43:39Z'), notAfter: new Date('2122-12-19T02:43:39Z') }),
  );
  let copy: Awaited<ReturnType<typeof writeSignedImage>>;
  before(async () => {
    copy = await writeSignedImage([{ format: 'jws', chain: [e2eCert], signingTime: new Date('2023-06-27T05:30:33Z') }], undefined, {
    manifest: real.blobBytes(realTarget.digest),
      blobs: [realImage.config, ...realImage.layers].map((d) => ({ bytes: real.blobBytes(d.digest), mediaType: d.mediaType })),
    });
  });

  it('signs the same image digest', () => {
    assert.deepEqual(copy.target, realTarget);
  });

  it('writes the same certificate profile: subject, key usage, extended key usage, self-signed', () => {
    const a = new X509Certificate(readNotationFixture('config', 'localkeys', 'e2e.crt'));
    const b = new X509Certificate(e2eCert.der);
    assert.equal(b.subject, a.subject);
    assert.equal(b.issuer, a.issuer);
    assert.deepEqual(b.keyUsage, a.keyUsage);
    assert.equal(b.ca, a.ca);
    assert.equal(b.publicKey.asymmetricKeyDetails?.modulusLength, a.publicKey.asymmetricKeyDetails?.modulusLength);
    assert.equal(b.validTo, a.validTo);
  });

  it('writes the same envelope, protected header, payload, manifest and referrers index structure', async () => {
    const realManifestDesc = (await real.referrers(realTarget))[0]!;
    const copyManifestDesc = (await copy.source.referrers(copy.target))[0]!;
    const [rm, cm] = [json(real.blobBytes(realManifestDesc.digest)), json(copy.source.blobBytes(copyManifestDesc.digest))];
    assert.deepEqual(keys(cm), keys(rm));
    assert.deepEqual(cm.config, rm.config);
    assert.deepEqual(cm.subject, rm.subject);
    assert.deepEqual(keys(cm.annotations), keys(rm.annotations));
    const [rl, cl] = [(rm.layers as { mediaType: string; digest: string }[])[0]!, (cm.layers as { mediaType: string; digest: string }[])[0]!];
    assert.equal(cl.mediaType, rl.mediaType);
    const [re, ce] = [json(real.blobBytes(rl.digest)), json(copy.source.blobBytes(cl.digest))];
    assert.deepEqual(keys(ce), keys(re));
    assert.deepEqual(keys(ce.header), keys(re.header));
    assert.equal((ce.header as { x5c: string[] }).x5c.length, (re.header as { x5c: string[] }).x5c.length);
    const [rp, cp] = [b64json(re.protected), b64json(ce.protected)];
    assert.deepEqual(keys(cp), keys(rp));
    for (const k of ['alg', 'crit', 'cty', 'io.cncf.notary.signingScheme']) assert.deepEqual(cp[k], rp[k], k);
    assert.equal(Date.parse(String(cp['io.cncf.notary.signingTime'])), Date.parse(String(rp['io.cncf.notary.signingTime'])));
    assert.deepEqual(b64json(ce.payload), b64json(re.payload), 'the same payload, byte for byte once decoded');
    assert.equal(Buffer.from(String(ce.payload), 'base64url').toString(), Buffer.from(String(re.payload), 'base64url').toString());
    const tag = `sha256-${realTarget.digest.slice(7)}`;
    const [ri, ci] = [json(real.blobBytes(real.resolve(tag).digest)), json(copy.source.blobBytes(copy.source.resolve(tag).digest))];
    assert.deepEqual(keys(ci), keys(ri));
    const [rie, cie] = [(ri.manifests as object[])[0]!, (ci.manifests as object[])[0]!];
    assert.deepEqual(keys(cie).sort(), keys(rie).sort());
  });

  const realCert = readNotationFixture('config', 'localkeys', 'e2e.crt');
  async function both(spec: (cert: Uint8Array) => PolicySpec): Promise<[NotationCheckResult, NotationCheckResult]> {
    return Promise.all(
      ([[real, realTarget, realCert], [copy.source, copy.target, e2eCert.der]] as const).map(([source, target, cert]) => {
        const { policy, readTrustStore } = testPolicy(spec(cert));
        return checkNotation({ repository: 'localhost:5000/notation/e2e', target, source, policy, http: noNetwork, readTrustStore });
      }),
    ) as Promise<[NotationCheckResult, NotationCheckResult]>;
  }

  it('is verified like the original: signed with its own certificate trusted', async () => {
    const [a, b] = await both((cert) => ({ stores: [{ type: 'ca', name: 'e2e', files: [cert] }] }));
    assert.equal(a.status, 'signed');
    assert.equal(b.status, 'signed');
    assert.equal(b.signature?.signer?.subject, a.signature?.signer?.subject);
    assert.equal(b.signature?.signingTime, a.signature?.signingTime);
  });

  it('is verified like the original: the trusted identity of the real policy matches both', async () => {
    const [a, b] = await both((cert) => ({ stores: [{ type: 'ca', name: 'e2e', files: [cert] }], identities: ['x509.subject: CN=e2e,O=Notary,L=Seattle,ST=WA,C=US'] }));
    assert.deepEqual([a.status, b.status], ['signed', 'signed']);
  });

  it('is verified like the original: another identity is untrusted for both', async () => {
    const [a, b] = await both((cert) => ({ stores: [{ type: 'ca', name: 'e2e', files: [cert] }], identities: ['x509.subject: CN=other,O=Notary,ST=WA,C=US'] }));
    assert.deepEqual([a.status, b.status], ['untrusted-signer', 'untrusted-signer']);
    assert.deepEqual([a.findings[0]?.code, b.findings[0]?.code], ['untrusted-signer', 'untrusted-signer']);
  });

  it('is verified like the original: each is untrusted when only the other one\'s certificate is trusted', async () => {
    const [a, b] = await both((cert) => ({ stores: [{ type: 'ca', name: 'e2e', files: [cert === realCert ? e2eCert.der : realCert] }] }));
    assert.deepEqual([a.status, b.status], ['untrusted-signer', 'untrusted-signer']);
  });

  it('is verified like the original: audit level with nothing trusted warns for both and signs neither', async () => {
    const other = makeCert(profiles.selfSignedLeaf([['C', 'US'], ['ST', 'WA'], ['O', 'Other']], { key: testKey('rsa', 'other') }));
    const [a, b] = await both(() => ({ level: 'audit', stores: [{ type: 'ca', name: 'e2e', files: [other.der] }] }));
    for (const r of [a, b]) {
      assert.equal(r.status, 'untrusted-signer');
      assert.deepEqual(r.findings.map((f) => [f.code, f.severity]), [['untrusted-signer', 'warning']]);
    }
  });
});
