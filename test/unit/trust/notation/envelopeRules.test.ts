/**
 * Envelope rules for both formats, on generated signatures: `crit`, the signing schemes and their
 * times, algorithm pinning, content type, the certificate requirements, and strict COSE decoding.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encode, Tagged } from 'cborg';
import { verifyIntegrity } from '../../../../src/core/trust/notation/integrity';
import { PluginRequiredError } from '../../../../src/core/trust/notation/envelope';
import { signEnvelope, type EnvelopeFormat, type SignOptions } from '../../../helpers/notation/signatureGenerator';
import { EKU_OIDS, makeCert, profiles, testKey, type TestCert } from '../../../helpers/notation/testPki';

const TARGET = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 1234 };
const SUBJECT = [['C', 'US'], ['ST', 'WA'], ['O', 'Acme'], ['CN', 'release']] as const;
const root = makeCert(profiles.rootCa([['C', 'US'], ['ST', 'WA'], ['O', 'Acme'], ['CN', 'Acme Root']]));
const leaf = makeCert(profiles.leafOf(root, SUBJECT, { key: testKey('rsa', 'rules-leaf') }));

async function integrity(o: Partial<SignOptions> & { format: EnvelopeFormat }): Promise<string> {
  const { bytes, mediaType } = await signEnvelope({ target: TARGET, chain: [leaf, root], ...o });
  try {
    await verifyIntegrity(mediaType, bytes, TARGET, 10);
    return 'ok';
  } catch (e) {
    return e instanceof PluginRequiredError ? `plugin: ${e.message}` : (e as Error).message;
  }
}

for (const format of ['jws', 'cose'] as const) {
  describe(`${format.toUpperCase()} envelope rules`, () => {
    it('accepts a well-formed signature of either scheme, with and without expiry (control)', async () => {
      assert.equal(await integrity({ format }), 'ok');
      assert.equal(await integrity({ format, expiry: new Date(Date.now() + 86_400_000) }), 'ok');
      assert.equal(await integrity({ format, scheme: 'notary.x509.signingAuthority' }), 'ok');
      assert.equal(await integrity({ format, chain: [makeCert(profiles.leafOf(root, SUBJECT, { key: testKey('ec', 'p256') })), root] }), 'ok');
      assert.equal(await integrity({ format, chain: [makeCert(profiles.leafOf(root, SUBJECT, { key: testKey('ec', 'p384', 384) })), root] }), 'ok');
    });

    it('refuses an unknown critical header', async () => {
      assert.match(await integrity({ format, extraHeaders: { 'com.example.mustUnderstand': 'x' }, extraCrit: ['com.example.mustUnderstand'] }), /critical/);
    });

    it('accepts an unknown header that is not critical', async () => {
      assert.equal(await integrity({ format, extraHeaders: { 'com.example.info': 'x' } }), 'ok');
    });

    it('refuses a critical header that is absent, and required headers that are not marked critical', async () => {
      assert.match(await integrity({ format, crit: ['io.cncf.notary.signingScheme', 'io.cncf.notary.expiry'] }), /not present|critical/);
      assert.match(await integrity({ format, expiry: new Date(Date.now() + 86_400_000), crit: ['io.cncf.notary.signingScheme'] }), /not marked critical: io.cncf.notary.expiry/);
      assert.match(await integrity({ format, scheme: 'notary.x509.signingAuthority', crit: ['io.cncf.notary.signingScheme'] }), /not marked critical: io.cncf.notary.authenticSigningTime/);
      assert.match(await integrity({ format, crit: [] }), /crit/);
    });

    it('names a verification plugin as something it cannot verify', async () => {
      assert.match(
        await integrity({ format, extraHeaders: { 'io.cncf.notary.verificationPlugin': 'com.example.plugin' }, extraCrit: ['io.cncf.notary.verificationPlugin'] }),
        /^plugin: .*com.example.plugin/,
      );
    });

    it('refuses an unknown signing scheme and a time header of the other scheme', async () => {
      assert.match(await integrity({ format, extraHeaders: { 'io.cncf.notary.signingScheme': 'notary.other' } }), /signing scheme/);
      assert.match(await integrity({ format, extraHeaders: { 'io.cncf.notary.authenticSigningTime': format === 'jws' ? '2024-01-01T00:00:00Z' : new Tagged(1, 1704067200) } }), /must not be present/);
    });

    it('refuses an expiry that is not after the signing time', async () => {
      const t = new Date('2024-01-01T00:00:00Z');
      assert.match(await integrity({ format, signingTime: t, expiry: t }), /expiry is not after the signing time/);
    });

    it('refuses an alg the signing key does not dictate, and another content type', async () => {
      assert.match(await integrity({ format, alg: 'PS384' }), /alg|algorithm/i);
      assert.match(await integrity({ format, contentType: 'application/json' }), /content type/);
    });

    it('refuses a signature by another key than the leaf certificate\'s', async () => {
      assert.match(await integrity({ format, key: testKey('rsa', 'someone-else') }), /does not verify/);
    });

    it('applies the certificate requirements to the chain', async () => {
      const cases: [string, TestCert[], RegExp][] = [
        ['a TLS server leaf', [makeCert(profiles.leafOf(root, SUBJECT, { extKeyUsage: { oids: [EKU_OIDS.serverAuth] } })), root], /serverAuth is not allowed/],
        ['a timestamping leaf', [makeCert(profiles.leafOf(root, SUBJECT, { extKeyUsage: { oids: [EKU_OIDS.timeStamping] } })), root], /timeStamping is not allowed/],
        ['a leaf without digitalSignature', [makeCert(profiles.leafOf(root, SUBJECT, { keyUsage: { bits: ['keyEncipherment'] } })), root], /digitalSignature/],
        ['a leaf whose key usage is not critical', [makeCert(profiles.leafOf(root, SUBJECT, { keyUsage: { bits: ['digitalSignature'], critical: false } })), root], /must be critical/],
        ['a leaf that is a CA', [makeCert(profiles.leafOf(root, SUBJECT, { basicConstraints: { ca: true } })), root], /must not be a CA/],
        ['a chain without its root', [leaf], /not self-signed/],
        ['a chain in the wrong order', [root, leaf], /self-signed but not the last|not issued by/],
        ['a root that is not a CA', [makeCert(profiles.leafOf(makeCert(profiles.selfSignedLeaf([['C', 'US'], ['ST', 'WA'], ['O', 'NotCA']])), SUBJECT)), makeCert(profiles.selfSignedLeaf([['C', 'US'], ['ST', 'WA'], ['O', 'NotCA']]))], /not issued by|basic constraints/],
        ['a SHA-1 signed leaf', [makeCert(profiles.leafOf(root, SUBJECT, { sha1: true })), root], /SHA-1/],
        ['a 1024-bit RSA leaf', [makeCert(profiles.leafOf(root, SUBJECT, { key: testKey('rsa', 'small', 1024) })), root], /1024 bits is not supported/],
      ];
      for (const [what, chain, why] of cases) {
        const { bytes, mediaType } = await signEnvelope({ format, target: TARGET, chain, key: (chain[0] as TestCert).key });
        await assert.rejects(verifyIntegrity(mediaType, bytes, TARGET, 10), why, what);
      }
    });

    it('binds the payload to the image: another digest, size or media type is refused', async () => {
      for (const other of [{ ...TARGET, digest: `sha256:${'b'.repeat(64)}` }, { ...TARGET, size: 1235 }, { ...TARGET, mediaType: 'application/vnd.oci.image.index.v1+json' }]) {
        assert.match(await integrity({ format, target: other }), /another artifact/);
      }
    });
  });
}

describe('COSE decoding is strict', () => {
  it('refuses trailing bytes, a missing tag, and a non-minimal encoding', async () => {
    const { bytes } = await signEnvelope({ format: 'cose', target: TARGET, chain: [leaf, root] });
    await assert.rejects(verifyIntegrity('application/cose', new Uint8Array([...bytes, 0]), TARGET, 10), /not valid CBOR/);
    await assert.rejects(verifyIntegrity('application/cose', bytes.subarray(1), TARGET, 10), /COSE_Sign1_Tagged/);
    // 0xd2 (tag 18) re-encoded as the two-byte form 0xd8 0x12: same value, not the shortest form.
    await assert.rejects(verifyIntegrity('application/cose', new Uint8Array([0xd8, 0x12, ...bytes.subarray(1)]), TARGET, 10), /not valid CBOR/);
  });

  it('refuses a duplicate map key in the protected header', async () => {
    const protectedHeader = new Uint8Array([0xa2, 0x01, 0x38, 0x24, 0x01, 0x38, 0x24]); // {1: -37, 1: -37}
    const message = encode(new Tagged(18, [protectedHeader, new Map([[33, [leaf.der]]]), new Uint8Array([1]), new Uint8Array([1])]));
    await assert.rejects(verifyIntegrity('application/cose', message, TARGET, 10), /duplicate|not valid CBOR/i);
  });
});
