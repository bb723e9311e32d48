import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ANNOTATIONS } from '../../../src/core/trust/cosign/cosignFormats';
import { legacyToBundle, parseRekorAnnotation } from '../../../src/core/trust/cosign/legacyBundle';
import { readSharedFixture } from '../../helpers/sigstore/sharedFixtures';

const annotations = () => JSON.parse(readSharedFixture('sigstore', 'cosign-legacy-sig', 'annotations.json').toString('utf8')) as Record<string, string>;
const payload = () => new Uint8Array(readSharedFixture('sigstore', 'cosign-legacy-sig', 'payload.json'));

void describe('a legacy cosign signature restated as a Sigstore bundle', () => {
  void it('reads the Rekor entry of the bundle annotation', () => {
    const rekor = parseRekorAnnotation(annotations()[ANNOTATIONS.bundle] as string);
    assert.deepEqual({ ...rekor, body: undefined, signedEntryTimestamp: undefined }, {
      integratedTime: 1674247893, logIndex: 11605770, logId: 'c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d',
      kind: 'hashedrekord', apiVersion: '0.0.1', body: undefined, signedEntryTimestamp: undefined,
    });
  });

  void it('carries the certificate and its chain, the SET as inclusion promise, and the payload digest', () => {
    const a = annotations();
    const converted = legacyToBundle({ payload: payload(), signature: a[ANNOTATIONS.signature] as string, annotations: a });
    assert.ok(converted.ok);
    const material = converted.bundle.verificationMaterial;
    assert.equal(material.content.$case, 'x509CertificateChain');
    assert.equal(material.content.$case === 'x509CertificateChain' && material.content.x509CertificateChain.certificates.length, 3);
    assert.equal(material.tlogEntries[0]?.logIndex, '11605770');
    assert.ok(material.tlogEntries[0]?.inclusionPromise);
    assert.equal(converted.bundle.content.$case, 'messageSignature');
  });

  void it('without a certificate, names the key by its hint', () => {
    const converted = legacyToBundle({ payload: payload(), signature: 'AAAA', annotations: {} }, 'hint==');
    assert.ok(converted.ok);
    assert.deepEqual(converted.bundle.verificationMaterial.content, { $case: 'publicKey', publicKey: { hint: 'hint==' } });
  });

  for (const [name, edit] of [
    ['a malformed Rekor bundle annotation', { [ANNOTATIONS.bundle]: '{"Payload":{}}' }],
    ['a Rekor body that is not an entry', { [ANNOTATIONS.bundle]: JSON.stringify({ SignedEntryTimestamp: 'AA==', Payload: { body: 'e30=', integratedTime: 1, logIndex: 1, logID: 'ab'.repeat(32) } }) }],
    ['a certificate annotation without a certificate', { [ANNOTATIONS.certificate]: 'not pem' }],
    ['a malformed RFC 3161 annotation', { [ANNOTATIONS.rfc3161Timestamp]: '{"x":1}' }],
  ] as const) {
    void it(`refuses ${name}`, () => {
      const a: Record<string, string> = { ...annotations(), ...edit };
      assert.equal(legacyToBundle({ payload: payload(), signature: a[ANNOTATIONS.signature] as string, annotations: a }).ok, false);
    });
  }
});
