import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { certificateIdentity, parseCertificateDer, parseCertificatesPem, verifyChain } from '../../../src/core/trust/cosign/certificates';
import { createTestCa, issueLeaf } from '../../helpers/sigstore/localCa';
import { readSharedFixture } from '../../helpers/sigstore/sharedFixtures';

const HOUR = 3_600_000;
const now = new Date();
const publicKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
const cert = (der: Uint8Array) => parseCertificateDer(der)!;

void describe('Fulcio-shaped certificates', () => {
  const root = createTestCa('Root');
  const intermediate = createTestCa('Intermediate', { parent: root });

  void it('reads the SAN (URI or e-mail) and the OIDC issuer from extension .1.8, or else .1.1', () => {
    const both = certificateIdentity(cert(issueLeaf(intermediate, { publicKey, subject: 'https://github.com/acme/app', issuer: 'https://token.actions.githubusercontent.com' }).der));
    assert.equal(both.subject, 'https://github.com/acme/app');
    assert.equal(both.issuer, 'https://token.actions.githubusercontent.com');
    const v1 = certificateIdentity(cert(issueLeaf(intermediate, { publicKey, subject: 'a@example.com', issuer: 'https://old.example', issuerExtensions: ['v1'] }).der));
    assert.deepEqual([v1.subject, v1.issuer], ['a@example.com', 'https://old.example']);
    assert.equal(certificateIdentity(cert(issueLeaf(intermediate, { publicKey, subject: 'a@example.com' }).der)).issuer, undefined);
  });

  void it('reads the real keyless certificate of the shared fixture', () => {
    const [leaf] = parseCertificatesPem(readSharedFixture('sigstore', 'cosign-legacy-sig', 'certificate.pem'))!;
    assert.deepEqual(certificateIdentity(leaf!), {
      subject: 'mitr@redhat.com', issuer: 'https://github.com/login/oauth',
      notBefore: new Date('2023-01-20T20:51:31Z'), notAfter: new Date('2023-01-20T21:01:31Z'),
    });
  });

  void it('chains a leaf through the signature\'s intermediate to a trusted root', () => {
    const leaf = cert(issueLeaf(intermediate, { publicKey, subject: 'a@b', issuer: 'https://i' }).der);
    const chain = verifyChain(leaf, [cert(intermediate.der)], [cert(root.der)], now);
    assert.ok(chain.ok);
    assert.equal(chain.path.length, 3);
  });

  void it('does not chain without the intermediate, or to another root', () => {
    const leaf = cert(issueLeaf(intermediate, { publicKey, subject: 'a@b', issuer: 'https://i' }).der);
    assert.deepEqual(verifyChain(leaf, [], [cert(root.der)], now), { ok: false, reachedRoot: false, reason: 'the certificate does not chain to a trusted root' });
    const other = createTestCa('Root');
    assert.equal(verifyChain(leaf, [cert(intermediate.der)], [cert(other.der)], now).ok, false, 'same name, other key');
  });

  void it('a certificate the roots issued but that is used outside its validity reached the root and failed', () => {
    const leaf = cert(issueLeaf(intermediate, { publicKey, subject: 'a@b', issuer: 'https://i', notBefore: new Date(now.getTime() - 2 * HOUR), notAfter: new Date(now.getTime() - HOUR) }).der);
    const chain = verifyChain(leaf, [cert(intermediate.der)], [cert(root.der)], now);
    assert.equal(chain.ok, false);
    assert.equal(!chain.ok && chain.reachedRoot, true);
    assert.match(!chain.ok ? chain.reason : '', /outside the certificate's validity/);
  });

  void it('an expired intermediate fails the chain', () => {
    const old = createTestCa('Old Intermediate', { parent: root, notBefore: new Date(now.getTime() - 48 * HOUR), notAfter: new Date(now.getTime() - 24 * HOUR) });
    const leaf = cert(issueLeaf(old, { publicKey, subject: 'a@b', issuer: 'https://i' }).der);
    const chain = verifyChain(leaf, [cert(old.der)], [cert(root.der)], now);
    assert.match(!chain.ok ? chain.reason : '', /CA certificate of the chain is not valid/);
  });

  void it('a leaf used as an issuer is not a CA', () => {
    const { privateKey: leafKey, publicKey: leafPublic } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    void leafKey;
    const leafAsCa = issueLeaf(intermediate, { publicKey: leafPublic, subject: 'a@b', issuer: 'https://i' });
    assert.equal(verifyChain(cert(leafAsCa.der), [], [cert(leafAsCa.der)], now).ok, false);
  });

  void it('malformed PEM is unusable as a whole', () => {
    assert.equal(parseCertificatesPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), undefined);
    assert.deepEqual(parseCertificatesPem(''), []);
  });
});
