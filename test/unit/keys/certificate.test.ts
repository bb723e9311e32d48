import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { TrustLensError } from '../../../src/core/errors';
import { children, oidToString, readEcdsaDerSignature, readTlv, type Tlv } from '../../../src/core/crypto/der';
import { canonicalKeyId, certBundleToKey, makeTufKey, type TufPublicKey } from '../../../src/core/trust/dct/tuf/keys';
import { verifySignature } from '../../../src/core/trust/dct/tuf/verifiers';
import { certificateProblem, parseCertificate } from '../../../src/core/crypto/x509';
import { createRootCertificate, rawToDerSignature } from '../../../src/core/trust/dct/keys/certificate';
import { certifyRootKey, rootKeyFromCertificate } from '../../../src/core/trust/dct/keys/rootKey';
import { generateKey } from '../../../src/core/trust/dct/keys/privateKey';
import type { SigningKey } from '../../../src/core/trust/dct/keys/signingKey';
import { NOTARY03_FILES } from '../../helpers/tufVectors';

const DAY = 24 * 3600_000;
const FIXTURE_ROOT_ID = 'a367e24141e771fe071a669ec73d0b3edf860459c698d29b6d0793cc4a36695d';

/** The root certificate notary 0.3 generated for `docker.com/notary0.3/samplerepo`. */
function fixtureCertificate(): { pem: string; cert: X509Certificate } {
  const root = JSON.parse(Buffer.from(NOTARY03_FILES.root).toString()) as { signed: { keys: Record<string, { keyval: { public: string } }> } };
  const pem = Buffer.from((root.signed.keys[FIXTURE_ROOT_ID] as { keyval: { public: string } }).keyval.public, 'base64').toString('latin1');
  return { pem, cert: new X509Certificate(pem) };
}

/** The extensions of a certificate: OID → { critical, value bytes }. */
function extensions(der: Uint8Array): Map<string, { critical: boolean; value: string }> {
  const kids = (t: Tlv) => children(der, t) as Tlv[];
  const [tbs] = kids(readTlv(der, 0) as Tlv);
  const explicit = kids(tbs as Tlv).find((t) => t.tag === 0xa3) as Tlv;
  const out = new Map<string, { critical: boolean; value: string }>();
  for (const ext of kids(kids(explicit)[0] as Tlv)) {
    const parts = kids(ext);
    const value = parts.at(-1) as Tlv;
    out.set(oidToString(der, parts[0] as Tlv) as string, {
      critical: parts.length === 3,
      value: Buffer.from(der.subarray(value.start, value.end)).toString('hex'),
    });
  }
  return out;
}

void describe('createRootCertificate', () => {
  void it('rebuilds notary\'s own root certificate byte for byte, so its key ID matches root.json', async () => {
    const { pem, cert } = fixtureCertificate();
    const spki = new Uint8Array(cert.publicKey.export({ type: 'spki', format: 'der' }));
    const der = new Uint8Array(cert.raw);
    const sigBits = (children(der, readTlv(der, 0) as Tlv) as Tlv[])[2] as Tlv;
    const parsed = readEcdsaDerSignature(der.subarray(sigBits.start + 1, sigBits.end));
    assert.ok(parsed && parsed !== 'negative');
    const raw = new Uint8Array(64);
    raw.set(parsed.r, 32 - parsed.r.length);
    raw.set(parsed.s, 64 - parsed.s.length);
    // A signer that returns the fixture's own signature: everything else comes from the builder.
    const signer: SigningKey = { publicKey: makeTufKey('ecdsa', spki), keyId: '', sign: () => Promise.resolve({ keyid: '', method: 'ecdsa', sig: raw }) };
    const built = await createRootCertificate(signer, {
      gun: 'docker.com/notary0.3/samplerepo',
      notBefore: new Date(cert.validFrom),
      serial: Buffer.from(cert.serialNumber, 'hex'),
    });
    assert.equal(Buffer.from(built.der).toString('hex'), cert.raw.toString('hex'));
    assert.equal(built.pem, pem);
    assert.equal(built.publicKey.keytype, 'ecdsa-x509');
    assert.equal(built.publicKey.id, FIXTURE_ROOT_ID);
  });

  void it('makes a v3 certificate with CN = GUN, ten years of validity and notary\'s extensions', async () => {
    const key = generateKey('ecdsa');
    const now = new Date('2026-03-01T12:34:56.789Z');
    const { der, pem, publicKey } = await createRootCertificate(key.signingKey(), { gun: '127.0.0.1:5000/library/alpine', notBefore: now });
    const cert = new X509Certificate(pem);
    assert.equal(cert.subject, 'CN=127.0.0.1:5000/library/alpine');
    assert.equal(cert.issuer, cert.subject);
    assert.equal(new Date(cert.validFrom).getTime(), Date.parse('2026-03-01T12:34:56Z'));
    assert.equal(new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime(), 3650 * DAY);
    assert.equal(cert.ca, false);
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.3']); // node names extKeyUsage "keyUsage"
    assert.ok(cert.verify(cert.publicKey));
    assert.ok(BigInt(`0x${cert.serialNumber}`) > 0n && cert.serialNumber.replace(/^0+/, '').length <= 32);
    assert.deepEqual(Object.fromEntries(extensions(der)), {
      '2.5.29.15': { critical: true, value: '030205a0' }, // digitalSignature, keyEncipherment
      '2.5.29.37': { critical: false, value: '300a06082b06010505070303' }, // codeSigning
      '2.5.29.19': { critical: true, value: '3000' }, // CA:FALSE
    });
    // Exactly Go's PEM: 64-character lines, LF, no headers.
    const lines = pem.split('\n');
    assert.equal(lines[0], '-----BEGIN CERTIFICATE-----');
    assert.ok(lines.slice(1, -3).every((l) => l.length === 64));
    assert.ok(pem.endsWith('\n-----END CERTIFICATE-----\n'));
    // notary accepts it, and its IDs are stable however the certificate is re-encoded.
    const info = parseCertificate(der);
    assert.ok(info);
    assert.equal(certificateProblem(info, now.getTime()), undefined);
    assert.equal(info.commonName, '127.0.0.1:5000/library/alpine');
    assert.equal(certBundleToKey(info, [])?.id, publicKey.id);
    assert.equal(canonicalKeyId(publicKey), key.keyId);
  });

  void it('writes the CN as PrintableString when Go would, else UTF8String', async () => {
    const signer = generateKey('ecdsa').signingKey();
    const tagAt = async (gun: string) => {
      const der = Buffer.from((await createRootCertificate(signer, { gun })).der);
      return der[der.indexOf(Buffer.from(gun)) - 2];
    };
    assert.equal(await tagAt('registry.example.com:5000/team/app'), 0x13);
    assert.equal(await tagAt('docker.io/my_org/app'), 0x0c);
  });

  void it('needs a bare ECDSA key', async () => {
    await assert.rejects(createRootCertificate(generateKey('ed25519').signingKey(), { gun: 'x/y' }), (e: unknown) => TrustLensError.is(e, 'invalid-key'));
  });

  void it('converts raw r‖s to minimal DER integers', () => {
    const raw = new Uint8Array(64);
    raw[31] = 0x80;
    raw[63] = 0x01;
    assert.equal(Buffer.from(rawToDerSignature(raw)).toString('hex'), '3007020200800201' + '01');
  });
});

void describe('root keys with certificates', () => {
  void it('signs as the certificate key: keyid is the certificate key ID, and notary\'s verifier accepts it', async () => {
    const key = generateKey('ecdsa');
    const root = await certifyRootKey(key.signingKey(), 'example.com/team/app');
    assert.equal(root.keyId, key.keyId);
    assert.equal(root.signingKey.keyId, root.certificate.publicKey.id);
    assert.notEqual(root.signingKey.keyId, key.keyId);
    const message = Buffer.from('{"signed":"bytes"}');
    const sig = await root.signingKey.sign(message);
    assert.equal(sig.keyid, root.signingKey.keyId);
    assert.ok(verifySignature(sig.method, root.signingKey.publicKey, sig.sig, message));
  });

  void it('wraps a stored root key with the certificate key root.json lists, refusing another key\'s certificate', async () => {
    const key = generateKey('ecdsa');
    const listed: TufPublicKey = (await certifyRootKey(key.signingKey(), 'example.com/app')).certificate.publicKey;
    assert.equal(rootKeyFromCertificate(key.signingKey(), listed).keyId, listed.id);
    const other = (await certifyRootKey(generateKey('ecdsa').signingKey(), 'example.com/app')).certificate.publicKey;
    assert.throws(() => rootKeyFromCertificate(key.signingKey(), other), (e: unknown) => TrustLensError.is(e, 'key-mismatch'));
  });
});
