import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { canonicalKeyId, certBundleToKey, makeTufKey, tufKeyId } from '../../../src/core/trust/dct/tuf/keys';
import { parseCertificate } from '../../../src/core/crypto/x509';
import { ecdsaKey, ed25519Key, goPem, keyIdOf, rootCertKey, rsaKey } from '../../helpers/tufRepo';
import { NOTARY03_FILES } from '../../helpers/tufVectors';

interface KeyJson { keytype: string; keyval: { public: string } }
const fixtureKeys = (JSON.parse(Buffer.from(NOTARY03_FILES.root).toString()) as { signed: { keys: Record<string, KeyJson> } }).signed.keys;

void describe('TUF key IDs', () => {
  void it('computes the doc vector 041b64da… for the notary 0.3 targets key', () => {
    const spki = Buffer.from('MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAENgK7kx/HdvmLUG4733JIJd0Bv6FML8SVEmgGynvhl64nCVmWzTLdziS1bMUgb6hlSkqTYtvyOCC5YMY+GrAH+Q==', 'base64');
    assert.equal(tufKeyId('ecdsa', spki), '041b64dab281324ef2b62fd2d04f4758269e120ff063b7bc78709272821a0a02');
  });

  void it('recomputes the ID of every key in the fixture root, certificate key included', () => {
    assert.equal(Object.keys(fixtureKeys).length, 4);
    for (const [id, k] of Object.entries(fixtureKeys)) {
      assert.equal(makeTufKey(k.keytype, Buffer.from(k.keyval.public, 'base64')).id, id);
    }
  });

  void it('depends on key type and content', () => {
    const k = ecdsaKey();
    assert.equal(tufKeyId(k.keytype, k.public), k.id);
    assert.notEqual(tufKeyId('ecdsa-x509', k.public), k.id);
    for (const key of [ed25519Key(), rsaKey()]) assert.equal(makeTufKey(key.keytype, key.public).id, keyIdOf(key.keytype, key.public));
  });
});

void describe('canonical key IDs (x509 keys)', () => {
  void it('uses the ID of the plain key from the first certificate', () => {
    const cert = fixtureKeys.a367e24141e771fe071a669ec73d0b3edf860459c698d29b6d0793cc4a36695d as KeyJson;
    const key = makeTufKey(cert.keytype, Buffer.from(cert.keyval.public, 'base64'));
    const spki = new X509Certificate(Buffer.from(cert.keyval.public, 'base64')).publicKey.export({ type: 'spki', format: 'der' });
    const expected = keyIdOf('ecdsa', spki);
    assert.equal(canonicalKeyId(key), expected);
    assert.notEqual(expected, key.id);
  });

  void it('is the TUF ID for plain keys and undefined for an unusable certificate', () => {
    const k = ecdsaKey();
    assert.equal(canonicalKeyId(makeTufKey('ecdsa', k.public)), k.id);
    assert.equal(canonicalKeyId(makeTufKey('ecdsa-x509', Buffer.from('junk'))), undefined);
  });
});

void describe('certBundleToKey', () => {
  void it('rebuilds the fixture root key with Go PEM formatting and the same ID', () => {
    const cert = fixtureKeys.a367e24141e771fe071a669ec73d0b3edf860459c698d29b6d0793cc4a36695d as KeyJson;
    const pem = Buffer.from(cert.keyval.public, 'base64');
    const info = parseCertificate(new X509Certificate(pem).raw);
    assert.ok(info);
    assert.equal(certBundleToKey(info, [])?.id, 'a367e24141e771fe071a669ec73d0b3edf860459c698d29b6d0793cc4a36695d');
  });

  void it('types the key by the leaf algorithm and gives another ID for non-Go PEM', () => {
    const now = new Date();
    const rsa = rootCertKey('x', now, { algorithm: 'rsa' });
    const rsaInfo = parseCertificate(rsa.certDer);
    assert.ok(rsaInfo);
    assert.equal(certBundleToKey(rsaInfo, [])?.keytype, 'rsa-x509');
    const wide = rootCertKey('x', now, { pem: (der) => goPem(der).replace(/\n(?!-----)/g, '\r\n') });
    const wideInfo = parseCertificate(wide.certDer);
    assert.ok(wideInfo);
    assert.notEqual(certBundleToKey(wideInfo, [])?.id, wide.id);
  });
});
