import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { certificateProblem, loadCertBundleFromPem, loadCertFromPem, parseCertificate, parseCertificateUncached } from '../../../src/core/crypto/x509';
import { decodePemBlocks, encodePem } from '../../../src/core/crypto/pem';
import { buildCertificate } from '../../helpers/tufCert';
import { goPem } from '../../helpers/tufRepo';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const NOW = new Date('2026-03-01T12:00:00Z');
const ec = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });

function cert(options: { cn?: string; notBefore?: Date; notAfter?: Date; isCA?: boolean; sigAlg?: 'ecdsa-sha1' | 'rsa-sha256'; rsaBits?: number } = {}) {
  const keys = options.rsaBits ? generateKeyPairSync('rsa', { modulusLength: options.rsaBits }) : ec();
  const der = buildCertificate({
    cn: options.cn ?? 'example.com/team/app',
    notBefore: options.notBefore ?? NOW,
    notAfter: options.notAfter ?? new Date(NOW.getTime() + 3650 * DAY),
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    ...(options.isCA ? { isCA: true } : {}),
    ...(options.sigAlg ? { sigAlg: options.sigAlg } : {}),
  });
  const info = parseCertificate(der);
  assert.ok(info);
  return info;
}

void describe('parseCertificate', () => {
  void it('reads CN, exact validity, CA flag, signature algorithm and key algorithm', () => {
    const notBefore = new Date('2016-07-25T21:31:26Z');
    const notAfter = new Date('2056-07-23T21:31:26Z'); // beyond 2049: GeneralizedTime
    const c = cert({ cn: 'docker.io/library/alpine', notBefore, notAfter });
    assert.equal(c.commonName, 'docker.io/library/alpine');
    assert.equal(c.notBefore, notBefore.getTime());
    assert.equal(c.notAfter, notAfter.getTime());
    assert.equal(c.isCA, false);
    assert.equal(c.signatureAlgorithm, '1.2.840.10045.4.3.2');
    assert.equal(c.keyAlgorithm, 'ec');
    assert.equal(cert({ isCA: true }).isCA, true);
  });

  void it('returns undefined for bytes that are not a certificate', () => {
    assert.equal(parseCertificate(Buffer.from('garbage')), undefined);
    assert.equal(parseCertificate(new Uint8Array(0)), undefined);
  });

  void it('gives what a fresh parse gives, for a certificate it parsed before and for one that differs by a byte', () => {
    const keys = ec();
    const der = buildCertificate({ cn: 'example.com/team/app', notBefore: NOW, notAfter: new Date(NOW.getTime() + DAY), publicKey: keys.publicKey, signingKey: keys.privateKey });
    const fields = (c: ReturnType<typeof parseCertificate>) => c && { ...c, der: [...c.der], publicKey: c.publicKey.export({ format: 'der', type: 'spki' }).toString('hex') };
    const first = parseCertificate(der);
    assert.deepEqual(fields(parseCertificate(Uint8Array.from(der))), fields(parseCertificateUncached(der)));
    assert.deepEqual(fields(first), fields(parseCertificateUncached(der)));
    // The bytes the caller passed are copied: changing them afterwards changes nothing remembered.
    const changed = Uint8Array.from(der);
    const remembered = parseCertificate(changed);
    changed[changed.length - 1] ^= 1;
    assert.deepEqual(fields(parseCertificate(der)), fields(remembered));
    // Another byte is another certificate (here: one whose signature bytes differ, still parseable, or none).
    assert.deepEqual(fields(parseCertificate(changed)), fields(parseCertificateUncached(changed)));
    for (const garbage of [Buffer.from('garbage'), der.subarray(1)]) assert.equal(parseCertificate(garbage), parseCertificateUncached(garbage));
  });

  void it('remembers certificates of up to 16 KiB only: a larger one is parsed each time, alike', () => {
    const keys = ec();
    const small = buildCertificate({ cn: 'example.com/team/small', notBefore: NOW, notAfter: new Date(NOW.getTime() + DAY), publicKey: keys.publicKey, signingKey: keys.privateKey });
    assert.equal(parseCertificate(small), parseCertificate(Uint8Array.from(small)), 'the same parse, remembered');
    const large = buildCertificate({ cn: `example.com/${'x'.repeat(17 * 1024)}`, notBefore: NOW, notAfter: new Date(NOW.getTime() + DAY), publicKey: keys.publicKey, signingKey: keys.privateKey });
    assert.ok(large.byteLength > 16 * 1024);
    const first = parseCertificate(large);
    const second = parseCertificate(large);
    assert.ok(first && second, 'a large certificate still parses');
    assert.notEqual(first, second, 'parsed afresh each time, not kept');
    assert.equal(first.commonName, second.commonName);
    assert.equal(first.commonName, parseCertificateUncached(large)?.commonName);
  });
});

void describe('certificateProblem (notary ValidateCertificate)', () => {
  void it('accepts a certificate inside its validity window', () => {
    assert.equal(certificateProblem(cert(), NOW.getTime()), undefined);
  });

  void it('gives one day of leeway on NotBefore and none on NotAfter', () => {
    const soon = cert({ notBefore: new Date(NOW.getTime() + 23 * HOUR) });
    const later = cert({ notBefore: new Date(NOW.getTime() + 25 * HOUR) });
    assert.equal(certificateProblem(soon, NOW.getTime()), undefined);
    assert.equal(certificateProblem(later, NOW.getTime()), 'expired');
    const ends = cert({ notBefore: new Date(NOW.getTime() - DAY), notAfter: NOW });
    assert.equal(certificateProblem(ends, NOW.getTime()), undefined);
    assert.equal(certificateProblem(ends, NOW.getTime() + 1000), 'expired');
  });

  void it('ignores expiry when no time is given (previous roots, delegation certificates)', () => {
    const old = cert({ notBefore: new Date('2010-01-01T00:00:00Z'), notAfter: new Date('2011-01-01T00:00:00Z') });
    assert.equal(certificateProblem(old), undefined);
    assert.equal(certificateProblem(old, NOW.getTime()), 'expired');
  });

  void it('refuses SHA-1 signatures, RSA under 2048 bits and inverted windows', () => {
    assert.equal(certificateProblem(cert({ sigAlg: 'ecdsa-sha1' })), 'sha1-signature');
    assert.equal(certificateProblem(cert({ sigAlg: 'rsa-sha256', rsaBits: 1024 })), 'rsa-too-short');
    assert.equal(certificateProblem(cert({ sigAlg: 'rsa-sha256', rsaBits: 2048 })), undefined);
    assert.equal(certificateProblem(cert({ notBefore: NOW, notAfter: new Date(NOW.getTime() - DAY) })), 'invalid-window');
  });
});

void describe('PEM (Go encoding/pem)', () => {
  const der = buildCertificate({ cn: 'x', notBefore: NOW, notAfter: new Date(NOW.getTime() + DAY), ...(() => { const k = ec(); return { publicKey: k.publicKey, signingKey: k.privateKey }; })() });

  void it('encodes like Go: 64-character lines, LF, trailing newline', () => {
    const pem = encodePem('CERTIFICATE', der);
    assert.equal(pem, goPem(der));
    const lines = pem.split('\n');
    assert.equal(lines[0], '-----BEGIN CERTIFICATE-----');
    assert.ok(lines.slice(1, -3).every((l) => l.length === 64));
    assert.equal(pem.endsWith('-----END CERTIFICATE-----\n'), true);
  });

  void it('decodes blocks with headers, CRLF and surrounding text, skipping broken blocks', () => {
    const b64 = Buffer.from(der).toString('base64');
    const text = [
      'leading text',
      '-----BEGIN CERTIFICATE-----',
      `${b64.slice(0, 76)}\r`,
      `${b64.slice(76)}\r`,
      '-----END CERTIFICATE-----',
      '-----BEGIN CERTIFICATE-----',
      'not base64 at all!',
      '-----END CERTIFICATE-----',
      '-----BEGIN PUBLIC KEY-----',
      'role: alice',
      '',
      'AAAA',
      '-----END PUBLIC KEY-----',
      '',
    ].join('\n');
    const blocks = decodePemBlocks(Buffer.from(text));
    assert.deepEqual(blocks.map((b) => b.type), ['CERTIFICATE', 'PUBLIC KEY']);
    assert.deepEqual(Buffer.from(blocks[0]?.bytes ?? []), Buffer.from(der));
    assert.deepEqual({ ...blocks[1]?.headers }, { role: 'alice' });
  });

  void it('loads a bundle only when every block is a certificate', () => {
    const pem = Buffer.from(encodePem('CERTIFICATE', der) + encodePem('CERTIFICATE', der));
    assert.equal(loadCertBundleFromPem(pem)?.length, 2);
    assert.equal(loadCertBundleFromPem(Buffer.from(encodePem('CERTIFICATE', der) + encodePem('PUBLIC KEY', der))), undefined);
    assert.equal(loadCertBundleFromPem(Buffer.from('no pem here')), undefined);
    assert.equal(loadCertFromPem(Buffer.from(encodePem('PUBLIC KEY', der) + encodePem('CERTIFICATE', der)))?.commonName, 'x');
  });
});
