/**
 * A cosign verdict in the engine's neutral terms, and how the hover shows it: trusted signers only
 * for a signed image, every verified one otherwise; each signer's identity, issuer, key ID, log entry
 * and certificate validity; "Trust this signer" as a policy change on the finding; a compose-built
 * image's "no signature" as information.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanDockerfile } from '../../../src/core/parse/dockerfile';
import { scanText } from '../../../src/core/parse/scanText';
import { hoverMarkdown } from '../../../src/core/report/hoverText';
import { mergeSignatures } from '../../../src/core/trust/trustService';
import { withVerdict } from '../../../src/core/trust/verdict';
import { cosignSignature } from '../../../src/core/trust/cosign/cosignBackend';
import type { CosignCheckResult, SignerEvidence } from '../../../src/core/trust/cosign/cosignResult';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const REPO = '127.0.0.1:5000/team/app';
const occurrence = scanDockerfile('Dockerfile', `FROM ${REPO}:1.0\n`).references[0]!;

const keyless: SignerEvidence = {
  kind: 'certificate', name: 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4',
  identity: 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4', issuer: 'https://token.actions.githubusercontent.com',
  certificate: { notBefore: '2026-05-01T10:00:00.000Z', notAfter: '2026-05-01T10:10:00.000Z', authority: 'sigstore' },
  rekor: { logIndex: 123456, integratedTime: '2026-05-01T10:01:00.000Z' },
  trusted: true, location: { source: 'sig-tag', manifestDigest: DIGEST },
};
const stranger: SignerEvidence = { kind: 'key', name: 'ecdsa-p256 key 0123456789ab', keyId: '0123456789ab'.padEnd(64, '0'), trusted: false, location: { source: 'referrer', manifestDigest: DIGEST } };

function cosignResult(rest: Partial<CosignCheckResult>): CosignCheckResult {
  return {
    scheme: 'cosign', status: 'signed', findings: [], signedDigest: DIGEST, digest: DIGEST, platformDigest: null, signers: [keyless, stranger], expires: [],
    source: { registry: '127.0.0.1:5000', repository: REPO, referrers: 'tag-schema' }, ...rest,
  };
}

void describe('the cosign backend\'s neutral evidence', () => {
  void it('a signed image names its trusted signers only, with identity, issuer, log entry and certificate validity', () => {
    const s = cosignSignature(cosignResult({}), occurrence);
    assert.deepEqual([s.scheme, s.status, s.signedDigest, s.source], ['cosign', 'signed', DIGEST, { kind: 'registry', url: REPO }]);
    assert.deepEqual(s.signers, [{
      name: keyless.name, keyIds: [], identity: keyless.identity, issuer: keyless.issuer, trusted: true,
      validity: { notBefore: '2026-05-01T10:00:00.000Z', notAfter: '2026-05-01T10:10:00.000Z' }, logEntry: { index: 123456, integratedTime: '2026-05-01T10:01:00.000Z' },
    }]);
  });

  void it('an untrusted identity\'s finding carries the policy change that trusts it', () => {
    const s = cosignSignature(cosignResult({
      status: 'invalid', signedDigest: null, signers: [{ ...keyless, trusted: false }],
      findings: [{ code: 'untrusted-signer', severity: 'error', message: 'signed by …', fix: { repository: REPO, issuer: keyless.issuer!, subject: keyless.identity!, ca: ['/repo/ca.pem'] } }],
    }), occurrence, { keys: ['/repo/keys/release.pub'], identities: [], baseDir: '/repo' });
    assert.deepEqual(s.findings[0]!.trust?.rule, {
      images: [REPO], cosign: { keys: ['keys/release.pub'], identities: [{ issuer: keyless.issuer, subject: keyless.identity, ca: ['ca.pem'] }] },
    });
    assert.deepEqual(s.signers.map((g) => g.trusted), [false], 'an invalid result still shows who signed');
  });

  void it('an image compose builds is only informed that it has no signature yet', () => {
    const built = scanText('compose.yaml', 'compose', `services:\n  app:\n    build: .\n    image: ${REPO}:1.0\n`).references[0]!;
    assert.equal(built.kind, 'compose-build-image');
    const s = cosignSignature(cosignResult({ status: 'unsigned', signedDigest: null, signers: [], findings: [{ code: 'no-signature', severity: 'error', message: `no cosign signature for ${DIGEST}` }] }), built);
    assert.deepEqual(s.findings.map((f) => [f.code, f.severity]), [['no-signature', 'info']]);
    assert.match(s.findings[0]!.message, /Compose builds this image/);
  });
});

void describe('the hover of a cosign verdict', () => {
  void it('names the scheme, each scheme\'s verdict, and per signature its identity, issuer, log entry and certificate validity', () => {
    const cosign = cosignSignature(cosignResult({}), occurrence);
    const dct = { scheme: 'dct', status: 'no-trust-data' as const, signedDigest: null, signers: [], expires: [], findings: [], source: null };
    const result = withVerdict(mergeSignatures(occurrence, [dct, cosign]));
    const text = hoverMarkdown({ result, now: new Date('2026-06-01T00:00:00Z'), expiryWarningDays: 30 });
    const plain = text.replace(/\\(.)/g, '$1');
    assert.match(plain, /\*\*Pass — Signed\*\*/);
    assert.match(plain, /Verified with: cosign/);
    assert.ok(plain.includes('- dct: no trust data\n- cosign: signed\n  - https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4 — '
      + 'issuer https://token.actions.githubusercontent.com; transparency log index 123456 at 2026-05-01 10:01 UTC; certificate valid 2026-05-01 10:00 UTC to 2026-05-01 10:10 UTC; '
      + 'logged while the certificate was valid, so its end does not expire the signature: nothing to renew'), plain);
    assert.doesNotMatch(plain, /\*\*Expiry\*\*/, 'a keyless signature has no expiry to forecast');
  });
});
