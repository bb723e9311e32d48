import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { X509Certificate } from '@sigstore/core';
import { evaluateCosign, untrustedMessage, type EvaluateOptions } from '../../../src/core/trust/cosign/evaluate';
import type { Discovery } from '../../../src/core/trust/cosign/discovery';
import { toCosignPublicKey } from '../../../src/core/trust/cosign/publicKeys';
import type { SignatureOutcome, VerifiedSigner } from '../../../src/core/trust/cosign/verifySignature';

const D = `sha256:${'d'.repeat(64)}`;
const at = { source: 'sig-tag' as const, manifestDigest: `sha256:${'1'.repeat(64)}`, layerDigest: `sha256:${'2'.repeat(64)}` };
const discovery = (problems: string[] = []): Discovery => ({ digest: D, signatures: [], problems: problems.map((message) => ({ where: 'x', message })), referrersSource: 'tag-schema' });
const options: EvaluateOptions = { repository: 'registry.example.com/team/app', registry: 'registry.example.com', policyTrustsAnyone: true, now: new Date('2026-01-01T00:00:00Z'), expiryWarningDays: 30, digest: D, platformDigest: null };
const key: VerifiedSigner = { kind: 'key', key: toCosignPublicKey(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey, '/keys/cosign.pub'), tlog: [] };
const identity = (subject: string, issuer: string, authority: 'sigstore' | 'ca' = 'sigstore', notAfter = '2026-06-01T00:00:00Z'): VerifiedSigner => ({
  kind: 'certificate', identity: { subject, issuer, notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date(notAfter) }, authority, tlog: [{ logIndex: 7, integratedTime: '2025-01-02T00:00:00.000Z', logId: 'ab' }],
});
const verified = (signer: VerifiedSigner, trusted: boolean): SignatureOutcome => ({ kind: 'verified', location: at, signer, trusted });
const codes = (r: ReturnType<typeof evaluateCosign>) => r.findings.map((f) => `${f.code}/${f.severity}`);

void describe('the cosign verdict', () => {
  void it('no signature at all is unsigned', () => {
    const r = evaluateCosign(discovery(), [], options);
    assert.equal(r.status, 'unsigned');
    assert.deepEqual(codes(r), ['no-signature/error']);
    assert.equal(r.signedDigest, null);
  });

  void it('only attestations of other types is unsigned', () => {
    const r = evaluateCosign(discovery(), [{ kind: 'not-a-signature', location: at, reason: 'an attestation' }], options);
    assert.equal(r.status, 'unsigned');
    assert.match(r.findings[0]?.message ?? '', /only 1 attestation of other types/);
  });

  void it('a trusted signature is signed, with its signer, and the neutral fields filled', () => {
    const r = evaluateCosign(discovery(), [verified(identity('a@example.com', 'https://issuer.example'), true)], options);
    assert.equal(r.status, 'signed');
    assert.equal(r.scheme, 'cosign');
    assert.equal(r.signedDigest, D);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.signers[0], {
      kind: 'certificate', name: 'a@example.com', identity: 'a@example.com', issuer: 'https://issuer.example',
      certificate: { notBefore: '2025-01-01T00:00:00.000Z', notAfter: '2026-06-01T00:00:00.000Z', authority: 'sigstore' },
      rekor: { logIndex: 7, integratedTime: '2025-01-02T00:00:00.000Z' }, trusted: true, location: { source: 'sig-tag', manifestDigest: at.manifestDigest },
    });
    assert.deepEqual(r.source, { registry: 'registry.example.com', repository: 'registry.example.com/team/app', referrers: 'tag-schema' });
  });

  void it('a trusted signature beside broken ones is signed, and the broken ones are still reported, as warnings', () => {
    const r = evaluateCosign(discovery(['referrer sha256:… is missing']), [verified(key, true), { kind: 'invalid', location: at, reason: 'bad' }], options);
    assert.equal(r.status, 'signed');
    assert.deepEqual(codes(r), ['invalid-signature/warning', 'invalid-signature/warning']);
    assert.deepEqual(codes(evaluateCosign(discovery(), [verified(key, true), { kind: 'invalid', location: at, reason: 'bad' }], { ...options, severity: { 'invalid-signature': 'error' } })), ['invalid-signature/error']);
  });

  void it('a signature no rule trusts is invalid with untrusted-signer naming who signed', () => {
    const r = evaluateCosign(discovery(), [verified(identity('https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4', 'https://token.actions.githubusercontent.com'), false)], options);
    assert.equal(r.status, 'invalid');
    assert.equal(r.findings[0]?.message, 'signed by https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4 via token.actions.githubusercontent.com; no rule in .trustlens.yaml trusts this identity');
    assert.deepEqual(r.findings[0]?.fix, { repository: 'registry.example.com/team/app', issuer: 'https://token.actions.githubusercontent.com', subject: 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4' });
    assert.equal(r.signers[0]?.trusted, false, 'the signer is shown, not hidden');
  });

  void it('untrusted-signer is a warning while no rule trusts anyone for the image', () => {
    const r = evaluateCosign(discovery(), [verified(identity('a@b', 'https://i'), false)], { ...options, policyTrustsAnyone: false });
    assert.deepEqual(codes(r), ['untrusted-signer/warning']);
    assert.equal(r.status, 'invalid');
  });

  void it('an undecidable signature makes the verdict unverifiable even beside invalid ones', () => {
    const r = evaluateCosign(discovery(), [{ kind: 'invalid', location: at, reason: 'bad' }, { kind: 'unverifiable', location: at, reason: 'no root' }], options);
    assert.equal(r.status, 'unverifiable');
    assert.deepEqual(codes(r), ['invalid-signature/error', 'unverifiable/error']);
  });

  void it('registry problems alone make it invalid', () => {
    const r = evaluateCosign(discovery(['the signature tag cannot be used: 10000 layers']), [], options);
    assert.equal(r.status, 'invalid');
  });

  void it('signatures by unknown keys are untrusted signers', () => {
    const r = evaluateCosign(discovery(), [{ kind: 'unknown-key', location: at, reason: 'a signature that none of the trusted keys verifies' }], options);
    assert.equal(r.status, 'invalid');
    assert.deepEqual(codes(r), ['untrusted-signer/error']);
  });

  void it('many broken signatures are summarised after five', () => {
    const broken = Array.from({ length: 8 }, (_, i): SignatureOutcome => ({ kind: 'invalid', location: at, reason: `bad ${i}` }));
    const r = evaluateCosign(discovery(), broken, options);
    assert.equal(r.findings.length, 6);
    assert.equal(r.findings[5]?.message, '3 more invalid cosign signatures');
  });

  void it('a certificate from a named CA, checked now, expires; one near its end warns', () => {
    const r = evaluateCosign(discovery(), [verified(identity('a@b', 'https://i', 'ca', '2026-01-11T00:00:00Z'), true)], options);
    assert.equal(r.status, 'signed');
    assert.deepEqual(r.expires, [{
      what: 'certificate of a@b',
      expires: '2026-01-11T00:00:00.000Z',
      renewedBy: 'the signer, with a new certificate from the CA, by signing the image again',
      renewCommand: `cosign sign --key KEY --certificate NEW-CERT.pem --certificate-chain CA-CHAIN.pem registry.example.com/team/app@${options.digest}`,
    }]);
    assert.deepEqual(codes(r), ['expiring-soon/warning']);
    assert.equal(r.findings[0]?.message, 'the certificate of a@b expires on 2026-01-11 (in 10 days)');
  });

  void it('the CA certificate of a rule expires too, renewed by the CA with no command to run here', () => {
    // Evaluation reads only the CA certificate's end of validity.
    const ca = { notAfter: new Date('2026-01-21T00:00:00Z') } as unknown as X509Certificate;
    const signer = { ...identity('a@b', 'https://i', 'ca', '2027-01-11T00:00:00Z'), ca: ['ca/root.pem'], caRoots: [ca] } as VerifiedSigner;
    const r = evaluateCosign(discovery(), [verified(signer, true)], options);
    assert.deepEqual(r.expires[0], { what: 'CA certificate of ca/root.pem', expires: '2026-01-21T00:00:00.000Z', renewedBy: 'the CA, with a new CA certificate, which the policy (ca: in .trustlens.yaml) must then trust' });
    assert.equal(r.expires[1]?.what, 'certificate of a@b');
  });

  void it('a key signature has no expiry, so nothing to renew', () => {
    assert.deepEqual(evaluateCosign(discovery(), [verified(key, true)], options).expires, []);
  });

  void it('names no command for an image name a shell could read otherwise', () => {
    const r = evaluateCosign(discovery(), [verified(identity('a@b', 'https://i', 'ca', '2026-01-11T00:00:00Z'), true)], { ...options, repository: 'registry.example.com/team/app;rm' });
    assert.equal(r.expires[0]?.renewCommand, undefined);
    assert.match(r.expires[0]?.renewedBy ?? '', /^the signer/);
  });

  void it('a logged keyless certificate does not expire for the verdict', () => {
    assert.deepEqual(evaluateCosign(discovery(), [verified(identity('a@b', 'https://i', 'sigstore', '2025-01-01T00:10:00Z'), true)], options).expires, []);
  });

  void it('severity overrides apply', () => {
    const r = evaluateCosign(discovery(), [], { ...options, severity: { 'no-signature': 'info' } });
    assert.deepEqual(codes(r), ['no-signature/info']);
  });

  void it('names keys by algorithm, ID and file', () => {
    assert.match(untrustedMessage(key), /^signed by ecdsa-p256 key [0-9a-f]{12} \(\/keys\/cosign\.pub\); no rule in \.trustlens\.yaml trusts this key$/);
  });
});
