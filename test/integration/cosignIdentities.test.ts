/**
 * Certificate identities under a CA the policy names: a local CA made here mints Fulcio-shaped
 * certificates (SAN + OIDC issuer extensions), the real cosign signs with them
 * (`cosign sign --key … --certificate … --certificate-chain …`), and TrustLens checks chain, identity,
 * issuer and validity. cosign itself is the second opinion where it has one.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { ANNOTATIONS } from '../../src/core/trust/cosign/cosignFormats';
import { generateCosignKeyPair, signingKey } from '../../src/core/trust/cosign/cosignKeys';
import type { CosignIdentityRule, CosignPolicy } from '../../src/core/trust/cosign/cosignPolicy';
import { startCosignHarness, type CosignHarness } from '../helpers/sigstore/cosignHarness';
import { createTestCa, issueLeaf, type LeafOptions, type TestCa } from '../helpers/sigstore/localCa';
import { sharedFixturePath, PUBLIC_GOOD_ROOT } from '../helpers/sigstore/sharedFixtures';
import { putSigManifest, signedLayer } from '../helpers/sigstore/rawSignatures';
import { cosign } from '../helpers/sigstore/tools';
import { pushImage } from '../helpers/stack/push';

const PASSWORD = 'identity-tests';
const ISSUER = 'https://token.actions.githubusercontent.com';
const WORKFLOW = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4';
const HOUR = 3_600_000;

void describe('certificate identities under a named CA, signed by the real cosign', () => {
  let h: CosignHarness;
  let root: TestCa;
  let intermediate: TestCa;
  let rootFile: string;
  let otherRoot: TestCa;
  let otherIntermediate: TestCa;
  let n = 0;

  before(async () => {
    h = await startCosignHarness();
    root = createTestCa('TrustLens Test Root CA');
    intermediate = createTestCa('TrustLens Test Signing CA', { parent: root });
    otherRoot = createTestCa('Someone Else Root CA');
    otherIntermediate = createTestCa('Someone Else Signing CA', { parent: otherRoot });
    rootFile = await h.write('corp-root.pem', root.pem);
  });
  after(async () => {
    await h?.stop();
  });

  const policy = (...identities: Omit<CosignIdentityRule, 'ca'>[]): CosignPolicy => ({ keys: [], identities: identities.map((i) => ({ ...i, ca: [rootFile] })) });

  /** Signs a fresh image with a new key and a certificate for it, through the real cosign. */
  const signed = async (leaf: Omit<LeafOptions, 'publicKey'>, ca: { leafCa: TestCa; chain: TestCa[] } = { leafCa: intermediate, chain: [intermediate, root] }) => {
    const name = `identity/case${++n}`;
    const img = await pushImage(h.registry, name, 'v1');
    const pair = await generateCosignKeyPair(PASSWORD);
    const keyFile = await h.write(`case${n}.key`, pair.privateKeyPem);
    const cert = issueLeaf(ca.leafCa, { ...leaf, publicKey: createPublicKey(pair.publicKeyPem) });
    const certFile = await h.write(`case${n}.crt`, cert.pem);
    const chainFile = await h.write(`case${n}-chain.pem`, ca.chain.map((c) => c.pem).join(''));
    await cosign(['sign', '--key', keyFile, '--certificate', certFile, '--certificate-chain', chainFile, '--tlog-upload=false',
      '--allow-insecure-registry', '-y', `${h.registry.host}/${name}@${img.digest}`], { password: PASSWORD });
    return { name, digest: img.digest, chainFile };
  };
  const cosignVerify = (image: { name: string; digest: string }, identity: string, issuer: string) => cosign(['verify',
    '--certificate-chain', rootFile, '--certificate-identity', identity, '--certificate-oidc-issuer', issuer,
    '--insecure-ignore-tlog', '--insecure-ignore-sct', '--allow-insecure-registry', `${h.registry.host}/${image.name}@${image.digest}`], { allowFailure: true });

  void it('control: the identity and issuer a rule names, chained to its CA, is signed, with the certificate shown', async () => {
    const img = await signed({ subject: WORKFLOW, issuer: ISSUER });
    const result = await h.check(img.name, 'v1', policy({ issuer: ISSUER, subjectRegExp: '^https://github\\.com/acme/' }));
    assert.equal(result.status, 'signed', JSON.stringify(result.findings));
    const [signer] = result.signers;
    assert.equal(signer?.identity, WORKFLOW);
    assert.equal(signer?.issuer, ISSUER);
    assert.equal(signer?.certificate?.authority, 'ca');
    assert.ok(result.expires.some((e) => e.what === `certificate of ${WORKFLOW}` && e.expires === signer?.certificate?.notAfter));
    assert.equal((await cosignVerify(img, WORKFLOW, ISSUER)).code, 0, 'cosign agrees');
  });

  void it('control: an e-mail SAN matched exactly, with the issuer only in the deprecated extension 1.3.6.1.4.1.57264.1.1', async () => {
    const img = await signed({ subject: 'release@example.com', issuer: 'https://accounts.example.com', issuerExtensions: ['v1'] });
    const result = await h.check(img.name, 'v1', policy({ issuer: 'https://accounts.example.com', subject: 'release@example.com' }));
    assert.equal(result.status, 'signed', JSON.stringify(result.findings));
    assert.equal(result.signers[0]?.issuer, 'https://accounts.example.com');
  });

  void it('a wrong identity is an untrusted signer, named with its issuer, with the data to trust it', async () => {
    const other = 'https://github.com/evil/app/.github/workflows/release.yml@refs/heads/main';
    const img = await signed({ subject: other, issuer: ISSUER });
    const result = await h.check(img.name, 'v1', policy({ issuer: ISSUER, subjectRegExp: '^https://github\\.com/acme/' }));
    assert.equal(result.status, 'invalid');
    const finding = result.findings.find((f) => f.code === 'untrusted-signer');
    assert.equal(finding?.message, `signed by ${other} via token.actions.githubusercontent.com; no rule in .trustlens.yaml trusts this identity`);
    assert.equal(finding?.severity, 'error');
    assert.deepEqual(finding?.fix, { repository: `${h.registry.host}/${img.name}`, issuer: ISSUER, subject: other, ca: [rootFile] });
    assert.equal(result.signedDigest, null);
    assert.notEqual((await cosignVerify(img, WORKFLOW, ISSUER)).code, 0, 'cosign refuses it too');
  });

  void it('a wrong issuer is an untrusted signer', async () => {
    const img = await signed({ subject: WORKFLOW, issuer: 'https://token.evil.example' });
    const result = await h.check(img.name, 'v1', policy({ issuer: ISSUER, subjectRegExp: '^https://github\\.com/acme/' }));
    assert.equal(result.status, 'invalid');
    assert.match(result.findings.find((f) => f.code === 'untrusted-signer')?.message ?? '', /via token\.evil\.example; no rule/);
    assert.notEqual((await cosignVerify(img, WORKFLOW, ISSUER)).code, 0);
  });

  void it('a certificate from a CA the policy does not name is invalid (checked against the Sigstore root too)', async () => {
    const img = await signed({ subject: WORKFLOW, issuer: ISSUER }, { leafCa: otherIntermediate, chain: [otherIntermediate, otherRoot] });
    const trusting = { ...policy({ issuer: ISSUER, subject: WORKFLOW }), trustedRoot: sharedFixturePath(...PUBLIC_GOOD_ROOT) };
    const result = await h.check(img.name, 'v1', trusting);
    assert.equal(result.status, 'invalid', JSON.stringify(result.findings));
    assert.ok(result.findings.some((f) => f.code === 'invalid-signature' && f.message.includes(WORKFLOW)));
    assert.deepEqual(result.signers, [], 'no signer is shown for a certificate nobody vouches for');
    assert.notEqual((await cosignVerify(img, WORKFLOW, ISSUER)).code, 0);
  });

  void it('offline, with no Sigstore root at all, a certificate from an unnamed CA is unverifiable, not unsigned', async () => {
    const img = await signed({ subject: WORKFLOW, issuer: ISSUER }, { leafCa: otherIntermediate, chain: [otherIntermediate, otherRoot] });
    const result = await h.check(img.name, 'v1', policy({ issuer: ISSUER, subject: WORKFLOW }));
    assert.equal(result.status, 'unverifiable');
    assert.match(result.findings[0]?.message ?? '', /Sigstore trusted root could not be fetched .* none is cached/);
  });

  void it('a signature made after the certificate expired is invalid', async () => {
    const img = await signed({ subject: WORKFLOW, issuer: ISSUER, notBefore: new Date(Date.now() - 48 * HOUR), notAfter: new Date(Date.now() - 24 * HOUR) });
    const result = await h.check(img.name, 'v1', policy({ issuer: ISSUER, subject: WORKFLOW }));
    assert.equal(result.status, 'invalid');
    assert.match(result.findings.map((f) => f.message).join('\n'), /outside the certificate's validity/);
  });

  void it('a signature made before the certificate is valid is invalid', async () => {
    const img = await signed({ subject: WORKFLOW, issuer: ISSUER, notBefore: new Date(Date.now() + 24 * HOUR), notAfter: new Date(Date.now() + 48 * HOUR) });
    const result = await h.check(img.name, 'v1', policy({ issuer: ISSUER, subject: WORKFLOW }));
    assert.equal(result.status, 'invalid');
    assert.match(result.findings.map((f) => f.message).join('\n'), /outside the certificate's validity/);
  });

  void it('a certificate that does not allow code signing is invalid (cosign refuses to sign with it, so the layer is written as an attacker would)', async () => {
    const name = 'identity/server-auth';
    const img = await pushImage(h.registry, name, 'v1');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const leaf = issueLeaf(intermediate, { subject: WORKFLOW, issuer: ISSUER, usage: 'serverAuth', publicKey: createPublicKey(privateKey) });
    await putSigManifest(h.oci, h.repo(name), img.digest, [signedLayer(signingKey(privateKey), `${h.registry.host}/${name}`, img.digest, {
      [ANNOTATIONS.certificate]: leaf.pem, [ANNOTATIONS.chain]: intermediate.pem + root.pem,
    })]);
    const result = await h.check(name, 'v1', policy({ issuer: ISSUER, subject: WORKFLOW }));
    assert.equal(result.status, 'invalid');
    assert.match(result.findings.map((f) => f.message).join('\n'), /code signing/);
  });

  void it('a certificate expiring within the warning period is signed, with a warning', async () => {
    const img = await signed({ subject: WORKFLOW, issuer: ISSUER, notAfter: new Date(Date.now() + 3 * 24 * HOUR) });
    const result = await h.check(img.name, 'v1', policy({ issuer: ISSUER, subject: WORKFLOW }), { expiryWarningDays: 30 });
    assert.equal(result.status, 'signed');
    const warning = result.findings.find((f) => f.code === 'expiring-soon');
    assert.equal(warning?.severity, 'warning');
    assert.match(warning?.message ?? '', new RegExp(`certificate of ${WORKFLOW.replace(/[.?]/g, '\\$&')} expires on .* \\(in 2 days\\)`));
  });
});
