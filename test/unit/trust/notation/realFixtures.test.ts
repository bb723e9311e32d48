/**
 * The Notary Project's own e2e layouts and blob signatures (../shared/fixtures/notation, see its
 * README for provenance and the expected outcome of each) give the outcome notation gives them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { checkNotation } from '../../../../src/core/trust/notation/checkNotation';
import type { NotationCheckResult } from '../../../../src/core/trust/notation/result';
import { readTrustStoreFolder } from '../../../../src/core/trust/notation/trustStoreFolder';
import { verifySignature } from '../../../../src/core/trust/notation/verifySignature';
import { DEFAULT_LIMITS } from '../../../../src/core/trust/notation/constants';
import { makeXdgConfigHome, policyUnder } from '../../../helpers/notation/configHome';
import { OciLayoutSource } from '../../../helpers/notation/ociLayout';
import { noNetwork, notationFixture, readNotationFixture } from '../../../helpers/notation/scenario';

const REPO = 'localhost:5000/notation/e2e';
const policyFile = (name: string): string => notationFixture('config', 'trustpolicies', name);
const cert = (...p: string[]): string => notationFixture(...p);
const E2E = cert('config', 'localkeys', 'e2e.crt');

async function check(layout: string, policy: string, stores: Parameters<typeof makeXdgConfigHome>[0]['stores'], at?: string): Promise<NotationCheckResult> {
  const home = makeXdgConfigHome({ policy: policyFile(policy), policyName: 'trustpolicy.json', stores });
  const source = new OciLayoutSource(notationFixture('oci_layout', layout));
  return checkNotation({
    repository: REPO,
    target: source.resolve('v1'),
    source,
    policy: policyUnder(home, REPO),
    http: noNetwork,
    ...(at ? { clock: { now: () => new Date(at) } } : {}),
  });
}

const errors = (r: NotationCheckResult): string[] => r.findings.filter((f) => f.severity === 'error').map((f) => f.code);
const warnings = (r: NotationCheckResult): string[] => r.findings.filter((f) => f.severity === 'warning').map((f) => f.code);
const e2eStore = [{ type: 'ca' as const, name: 'e2e', files: [E2E] }];

describe('Notation e2e layouts (real signatures)', () => {
  it('e2e: no signature at all is unsigned', async () => {
    const r = await check('e2e', 'trustpolicy.json', e2eStore);
    assert.equal(r.status, 'unsigned');
    assert.deepEqual(errors(r), ['notation-unsigned']);
  });

  it('e2e-valid-signature: signed by CN=e2e under trustpolicy.json', async () => {
    const r = await check('e2e-valid-signature', 'trustpolicy.json', e2eStore);
    assert.equal(r.status, 'signed');
    assert.deepEqual(r.findings, []);
    assert.equal(r.signedDigest, 'sha256:b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9');
    assert.equal(r.signature?.signer?.subject, 'CN=e2e,O=Notary,L=Seattle,ST=WA,C=US');
    assert.equal(r.signature?.signingScheme, 'notary.x509');
    assert.equal(r.signature?.signingTime, '2023-06-27T05:30:33.000Z');
    assert.equal(r.signature?.timeAuthenticated, false);
    assert.equal(r.signature?.revocation, 'good');
  });

  it('e2e-valid-signature: the trusted identity of valid_trusted_identity_trustpolicy.json matches', async () => {
    const r = await check('e2e-valid-signature', 'valid_trusted_identity_trustpolicy.json', e2eStore);
    assert.equal(r.status, 'signed');
  });

  it('e2e-valid-signature: a trust store holding only new_e2e.crt does not trust it', async () => {
    const r = await check('e2e-valid-signature', 'trustpolicy.json', [{ type: 'ca', name: 'e2e', files: [cert('config', 'localkeys', 'new_e2e.crt')] }]);
    assert.equal(r.status, 'untrusted-signer');
    assert.deepEqual(errors(r), ['untrusted-signer']);
    const fix = r.findings[0]?.trustSigner;
    assert.equal(fix?.subject, 'CN=e2e,O=Notary,L=Seattle,ST=WA,C=US');
    assert.equal(fix?.rootFingerprint, createHash('sha256').update(new X509Certificate(readFileSync(E2E)).raw).digest('hex'));
    assert.equal(r.signedDigest, null);
  });

  it('e2e-expired-signature: strict refuses it as expired; permissive, audit and the strict override only warn', async () => {
    const strict = await check('e2e-expired-signature', 'trustpolicy.json', e2eStore);
    assert.equal(strict.status, 'expired');
    assert.deepEqual(errors(strict), ['notation-expired']);
    assert.match(strict.findings[0]?.message ?? '', /expired at 2023-06-27T05:21:21/);
    for (const p of ['permissive_trustpolicy.json', 'audit_trustpolicy.json', 'override_strict_trustpolicy.json']) {
      const r = await check('e2e-expired-signature', p, e2eStore);
      assert.deepEqual(errors(r), [], p);
      assert.deepEqual(warnings(r), ['notation-expired'], p);
      assert.equal(r.status, 'expired', `${p}: logged, but never shown as signed`);
    }
  });

  it('e2e-invalid-signature: invalid under strict, permissive and audit; not verified under skip', async () => {
    for (const p of ['trustpolicy.json', 'permissive_trustpolicy.json', 'audit_trustpolicy.json']) {
      const r = await check('e2e-invalid-signature', p, e2eStore);
      assert.equal(r.status, 'invalid', p);
      assert.deepEqual(errors(r), ['notation-invalid'], p);
    }
    const skipped = await check('e2e-invalid-signature', 'skip_trustpolicy.json', []);
    assert.equal(skipped.status, 'not-verified');
    assert.deepEqual(skipped.findings.map((f) => [f.code, f.severity]), [['notation-not-verified', 'info']]);
    assert.match(skipped.findings[0]?.message ?? '', /not verified by policy/);
  });

  it('e2e-with-expired-cert: strict fails the authentic timestamp; permissive and audit warn', async () => {
    const store = [{ type: 'ca' as const, name: 'e2e', files: [cert('config', 'localkeys', 'expired_e2e.crt')] }];
    const strict = await check('e2e-with-expired-cert', 'trustpolicy.json', store);
    assert.equal(strict.status, 'expired');
    assert.deepEqual(errors(strict), ['notation-certificate-expired']);
    assert.match(strict.findings[0]?.message ?? '', /expired at 2023-06-27T06:10:00/);
    for (const p of ['permissive_trustpolicy.json', 'audit_trustpolicy.json']) {
      const r = await check('e2e-with-expired-cert', p, store);
      assert.deepEqual(errors(r), [], p);
      assert.deepEqual(warnings(r), ['notation-certificate-expired'], p);
    }
  });

  it('e2e-valid-multiple-signatures: signed, because the CN=e2e signature verifies', async () => {
    const r = await check('e2e-valid-multiple-signatures', 'trustpolicy.json', e2eStore);
    assert.equal(r.status, 'signed');
    assert.equal(r.signature?.signer?.subject, 'CN=e2e,O=Notary,L=Seattle,ST=WA,C=US');
  });

  it('e2e-with-timestamped-signature: expired today; signed at its signing time; an untrusted TSA fails', async () => {
    const ca = { type: 'ca' as const, name: 'e2e', files: [cert('derived-certs', 'testcert7.crt')] };
    const otherTsa = { type: 'tsa' as const, name: 'e2e', files: [cert('config', 'timestamp', 'DigiCertTSARootSHA384.cer')] };
    const today = await check('e2e-with-timestamped-signature', 'trustpolicy.json', [ca]);
    assert.equal(today.status, 'expired');
    assert.deepEqual(errors(today), ['notation-expired']);
    const then = await check('e2e-with-timestamped-signature', 'trustpolicy.json', [ca], '2025-01-21T10:00:00Z');
    assert.equal(then.status, 'signed');
    assert.equal(then.signature?.expiry, '2025-01-21T12:39:46.000Z');
    const untrustedTsa = await check('e2e-with-timestamped-signature', 'timestamp_trustpolicy.json', [ca, otherTsa], '2025-01-21T10:00:00Z');
    assert.equal(untrustedTsa.status, 'invalid');
    assert.deepEqual(errors(untrustedTsa), ['notation-timestamp-invalid']);
    assert.match(untrustedTsa.findings[0]?.message ?? '', /not issued by a TSA in the trust store/);
  });

  it('e2e-with-invalid-timestamped-signature: the "invalid" countersignature fails timestamp verification', async () => {
    const stores = [
      { type: 'ca' as const, name: 'e2e', files: [cert('derived-certs', 'testcert7.crt')] },
      { type: 'tsa' as const, name: 'e2e', files: [cert('config', 'timestamp', 'globalsignTSARoot.cer')] },
    ];
    const r = await check('e2e-with-invalid-timestamped-signature', 'timestamp_trustpolicy.json', stores, '2025-01-21T09:00:00Z');
    assert.equal(r.status, 'invalid');
    assert.deepEqual(errors(r), ['notation-timestamp-invalid']);
    assert.match(r.findings[0]?.message ?? '', /BER/);
    const withoutTsa = await check('e2e-with-invalid-timestamped-signature', 'trustpolicy.json', stores.slice(0, 1), '2025-01-21T09:00:00Z');
    assert.equal(withoutTsa.status, 'signed', 'the countersignature is only looked at when the policy names a tsa store');
  });
});

describe('Notation blob signatures (real JWS and COSE envelopes)', () => {
  const license = readNotationFixture('..', 'LICENSES', 'Apache-2.0.txt');
  const target = { mediaType: 'application/octet-stream', digest: `sha256:${createHash('sha256').update(license).digest('hex')}`, size: license.length };

  async function verifyBlob(file: string, caCert: string, at: string, bytes: Uint8Array = readNotationFixture('signatures', file)) {
    const home = makeXdgConfigHome({ policy: policyFile('trustpolicy.json'), stores: [{ type: 'ca', name: 'e2e', files: [cert('derived-certs', caCert)] }] });
    const policy = policyUnder(home, REPO);
    return verifySignature('sha256:' + '0'.repeat(64), file.includes('cose') ? 'application/cose' : 'application/jose+json', bytes, {
      repository: REPO,
      target,
      policy,
      stores: () => (policy?.trustStores ?? []).map(readTrustStoreFolder),
      now: Date.parse(at),
      maxChainLength: DEFAULT_LIMITS.maxChainLength,
      revocation: { http: noNetwork, clock: { now: () => new Date(at) }, limits: DEFAULT_LIMITS, crlCache: new Map(), ocspCache: new Map() },
    });
  }

  it('blob.jws.sig (PS256, CN=testcert2) verifies at its signing time and is expired today', async () => {
    const then = await verifyBlob('blob.jws.sig', 'testcert2.crt', '2024-12-31T09:00:00Z');
    assert.equal(then.status, 'signed', JSON.stringify(then.findings));
    assert.equal(then.signer?.subject, 'CN=testcert2,O=Notary,L=Seattle,ST=WA,C=US');
    const today = await verifyBlob('blob.jws.sig', 'testcert2.crt', new Date().toISOString());
    assert.equal(today.status, 'expired');
  });

  it('blob.cose.sig (COSE_Sign1, PS256, CN=testcert3) verifies at its signing time', async () => {
    const r = await verifyBlob('blob.cose.sig', 'testcert3.crt', '2025-01-07T09:00:00Z');
    assert.equal(r.status, 'signed', JSON.stringify(r.findings));
    assert.equal(r.envelopeMediaType, 'application/cose');
    assert.equal(r.signingTime, '2025-01-07T08:42:43.000Z');
  });

  it('malformed.jws.sig is invalid', async () => {
    const r = await verifyBlob('malformed.jws.sig', 'testcert2.crt', '2024-12-31T09:00:00Z');
    assert.equal(r.status, 'invalid');
    assert.equal(r.findings[0]?.code, 'notation-invalid');
  });
});
