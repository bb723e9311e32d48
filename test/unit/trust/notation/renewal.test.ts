import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPolicy, effectivePolicy } from '../../../../src/core/policy/policy';
import { notationDetails } from '../../../../src/core/trust/notation/details';
import type { NotationEntry } from '../../../../src/core/trust/notation/notationBackend';
import type { NotationCheckResult, NotationSignatureResult } from '../../../../src/core/trust/notation/result';
import { notationEvidence } from '../../../../src/core/trust/notation/signatureEvidence';
import { scanDockerfile } from '../../../../src/core/parse/dockerfile';
import type { CheckResult } from '../../../../src/core/trust/checkResult';

const IMAGE = 'registry.example.com/team/app';
const DIGEST = `sha256:${'a'.repeat(64)}`;
const SUBJECT = 'CN=release,O=Example,C=US';
const policy = effectivePolicy(defaultPolicy(), IMAGE);

function signature(rest: Partial<NotationSignatureResult> = {}): NotationSignatureResult {
  return {
    manifestDigest: `sha256:${'b'.repeat(64)}`, status: 'signed', findings: [], timeAuthenticated: false, revocation: 'good',
    signer: { subject: SUBJECT, issuer: 'CN=CA', rootSubject: 'CN=CA', thumbprints: ['c'.repeat(64)], notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2026-07-01T00:00:00.000Z' },
    expiry: '2026-06-20T00:00:00.000Z',
    ...rest,
  };
}

function result(s: NotationSignatureResult): NotationCheckResult {
  return { scheme: 'notation', status: s.status, findings: [], signedDigest: DIGEST, signature: s, signatures: [s], source: { repository: IMAGE, policyOrigin: 'trustlens-rule' } };
}

const SIGN_AGAIN = `notation sign ${IMAGE}@${DIGEST}`;

void describe('who renews what a Notation verdict depends on', () => {
  void it('the signature\'s own expiry: the signer signing again; the certificate checked at the time of use: a new certificate first', () => {
    const evidence = notationEvidence(result(signature()), policy, 'https://registry.example.com/team/app', IMAGE);
    assert.deepEqual(evidence.expires, [
      { what: 'Notation signature (io.cncf.notary.expiry)', expires: '2026-06-20T00:00:00.000Z', renewedBy: 'the signer, by signing the image again', renewCommand: SIGN_AGAIN },
      {
        what: `certificate of ${SUBJECT}`, expires: '2026-07-01T00:00:00.000Z',
        renewedBy: 'the signer, with a new certificate from its CA, by signing the image again (a signature with a trusted timestamp outlives its certificate)',
        renewCommand: SIGN_AGAIN,
      },
    ]);
  });

  void it('a trusted timestamp takes the certificate out of the forecast; no expiry, nothing to renew', () => {
    assert.deepEqual(notationEvidence(result(signature({ timeAuthenticated: true, expiry: undefined })), policy, 'x', IMAGE).expires, []);
  });

  void it('without the image, or with one a shell would read otherwise, the signer is named without a command', () => {
    for (const image of [undefined, 'registry.example.com/team/app$(x)']) {
      const [first] = notationEvidence(result(signature()), policy, 'x', image).expires;
      assert.deepEqual(first, { what: 'Notation signature (io.cncf.notary.expiry)', expires: '2026-06-20T00:00:00.000Z', renewedBy: 'the signer, by signing the image again' });
    }
  });

  void it('the hover\'s Notation expiries say the same', () => {
    const occurrence = scanDockerfile('Dockerfile', `FROM ${IMAGE}:v1\n`).references[0]!;
    const r = result(signature());
    const entry: NotationEntry = { reference: occurrence.ref.reference, repository: IMAGE, tag: 'v1', result: r, evidence: notationEvidence(r, policy, 'x', IMAGE), at: 0 };
    const details = notationDetails({ server: 'https://registry.example.com', gun: IMAGE, registry: 'registry.example.com', scheme: 'notation' }, [entry], Date.parse('2026-06-01T00:00:00Z'), 30);
    const check = { target: { kind: 'reference', occurrence } } as CheckResult;
    const hover = details.hoverFor!(check, Date.parse('2026-06-01T00:00:00Z'), 30);
    assert.equal(hover.scheme, 'notation');
    assert.deepEqual(hover.expiries.map((e) => [e.role, e.badge.state, e.renewCommand]), [
      ['Notation signature', 'soon', SIGN_AGAIN],
      [`certificate of ${SUBJECT}`, 'ok', SIGN_AGAIN],
    ]);
  });
});
