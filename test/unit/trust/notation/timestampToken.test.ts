/**
 * The real RFC 3161 countersignatures in the Notary Project fixtures (Microsoft's public TSA): the CMS
 * signature, the signing-certificate-v2 attribute and the message imprint verify; one changed byte of
 * the stamped signature does not; and without Microsoft's root (which upstream does not ship) the TSA
 * cannot be trusted.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyJwsEnvelope } from '../../../../src/core/trust/notation/jwsEnvelope';
import { verifyCoseEnvelope } from '../../../../src/core/trust/notation/coseEnvelope';
import { parseCertificate } from '../../../../src/core/trust/notation/certificate';
import { readSignedTimestamp, verifyTimestampToken } from '../../../../src/core/trust/notation/timestamp';
import { readNotationFixture } from '../../../helpers/notation/scenario';

const TIMESTAMPED = ['oci_layout', 'e2e-with-timestamped-signature', 'blobs', 'sha256', '603ff134e97a79cd7a15560b76137c2c4a10451daab11327a7c6f86dac250fee'];

describe('real RFC 3161 timestamp tokens', () => {
  it('the JWS image signature\'s token stamps its signature, signed by Microsoft\'s TSA', async () => {
    const envelope = await verifyJwsEnvelope(readNotationFixture(...TIMESTAMPED), 10);
    const stamp = readSignedTimestamp(envelope.timestampToken as Uint8Array, envelope.signature, 10);
    assert.equal(new Date(stamp.genTime).toISOString(), '2025-01-21T09:17:46.641Z');
    assert.match(stamp.signer.subject, /^CN=Microsoft Public RSA Time Stamping Authority,/);
    assert.equal(stamp.certificates.length, 2);
  });

  it('the COSE blob signature\'s token verifies the same way', () => {
    const envelope = verifyCoseEnvelope(readNotationFixture('signatures', 'blob.cose.sig'), 10);
    const stamp = readSignedTimestamp(envelope.timestampToken as Uint8Array, envelope.signature, 10);
    assert.match(stamp.signer.issuer, /Microsoft Public RSA Timestamping CA 2020/);
  });

  it('refuses the token for a signature with one byte changed', async () => {
    const envelope = await verifyJwsEnvelope(readNotationFixture(...TIMESTAMPED), 10);
    const changed = new Uint8Array(envelope.signature);
    changed[7] = (changed[7] as number) ^ 0x01;
    assert.throws(() => readSignedTimestamp(envelope.timestampToken as Uint8Array, changed, 10), /message imprint mismatch/);
  });

  it('refuses a token with a changed byte in its signed content', async () => {
    const envelope = await verifyJwsEnvelope(readNotationFixture(...TIMESTAMPED), 10);
    const token = new Uint8Array(envelope.timestampToken as Uint8Array);
    const genTime = Buffer.from(token).indexOf('20250121091746');
    token[genTime + 13] = '7'.charCodeAt(0);
    assert.throws(() => readSignedTimestamp(token, envelope.signature, 10), /message-digest attribute mismatch|does not verify/);
  });

  it('does not trust the token against another TSA root, and refuses a non-root as TSA trust anchor', async () => {
    const envelope = await verifyJwsEnvelope(readNotationFixture(...TIMESTAMPED), 10);
    const digicert = parseCertificate(new Uint8Array(Buffer.from(readNotationFixture('config', 'timestamp', 'DigiCertTSARootSHA384.cer'))));
    assert.throws(() => verifyTimestampToken(envelope.timestampToken as Uint8Array, envelope.signature, [digicert], 10), /not issued by a TSA in the trust store/);
    const stamp = readSignedTimestamp(envelope.timestampToken as Uint8Array, envelope.signature, 10);
    const intermediate = stamp.certificates.find((c) => c.basicConstraints?.ca);
    assert.ok(intermediate);
    assert.throws(() => verifyTimestampToken(envelope.timestampToken as Uint8Array, envelope.signature, [intermediate], 10), /not self-signed/);
  });

  it('refuses the 8-byte "invalid" countersignature of e2e-with-invalid-timestamped-signature', () => {
    assert.throws(() => readSignedTimestamp(new Uint8Array(Buffer.from('invalid\n')), new Uint8Array(32), 10), /not a BER-encoded TimeStampToken|malformed/);
  });
});
