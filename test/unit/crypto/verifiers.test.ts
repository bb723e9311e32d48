import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, sign } from 'node:crypto';
import { makeTufKey } from '../../../src/core/trust/dct/tuf/keys';
import { isSupportedMethod, keyTypeAllowed, verifySignature } from '../../../src/core/trust/dct/tuf/verifiers';
import { ecdsaKey, ed25519Key, rootCertKey, rsaKey } from '../../helpers/tufRepo';
import { NOTARY03_FILES } from '../../helpers/tufVectors';
import { canonicalize } from '../../../src/core/trust/dct/tuf/canonicalJson';

const msg = Buffer.from('{"_type":"Targets","version":2}');
const flip = (b: Uint8Array, i = 10) => {
  const c = Buffer.from(b);
  c[i] = (c[i] as number) ^ 0x01;
  return c;
};
const tuf = (k: { keytype: string; public: Uint8Array }) => makeTufKey(k.keytype, k.public);

void describe('ecdsa verifier', () => {
  const key = ecdsaKey();

  void it('accepts notary raw r‖s (64 bytes) and ASN.1 DER signatures', () => {
    const raw = key.sign(msg);
    const der = key.sign(msg, { derEcdsa: true });
    assert.equal(raw.length, 64);
    assert.notEqual(der.length, 64);
    assert.equal(verifySignature('ecdsa', tuf(key), raw, msg), true);
    assert.equal(verifySignature('ecdsa', tuf(key), der, msg), true);
  });

  void it('rejects a flipped byte, another message, and raw signatures of the wrong length', () => {
    const raw = key.sign(msg);
    assert.equal(verifySignature('ecdsa', tuf(key), flip(raw), msg), false);
    assert.equal(verifySignature('ecdsa', tuf(key), flip(key.sign(msg, { derEcdsa: true }), 40), msg), false);
    assert.equal(verifySignature('ecdsa', tuf(key), raw, Buffer.from('other')), false);
    assert.equal(verifySignature('ecdsa', tuf(key), raw.subarray(0, 63), msg), false);
    assert.equal(verifySignature('ecdsa', tuf(key), Buffer.concat([raw, Buffer.from([0])]), msg), false);
    assert.equal(verifySignature('ecdsa', tuf(key), new Uint8Array(0), msg), false);
  });

  void it('ignores bytes after a DER signature, as Go asn1.Unmarshal does', () => {
    const der = key.sign(msg, { derEcdsa: true });
    assert.equal(verifySignature('ecdsa', tuf(key), Buffer.concat([der, Buffer.from([1, 2, 3])]), msg), true);
  });

  void it('fails an ASN.1 signature with a negative integer instead of reading it as raw', () => {
    assert.equal(verifySignature('ecdsa', tuf(key), Buffer.from([0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x01]), msg), false);
  });

  void it('hashes with SHA-256 whatever the curve: P-384 raw signatures are 96 bytes', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const k = makeTufKey('ecdsa', publicKey.export({ type: 'spki', format: 'der' }));
    const sig = sign('sha256', msg, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    assert.equal(sig.length, 96);
    assert.equal(verifySignature('ecdsa', k, sig, msg), true);
    assert.equal(verifySignature('ecdsa', k, sign('sha384', msg, { key: privateKey, dsaEncoding: 'ieee-p1363' }), msg), false);
  });

  void it('verifies with the certificate key of an ecdsa-x509 key', () => {
    const root = rootCertKey('docker.io/library/alpine', new Date());
    assert.equal(verifySignature('ecdsa', tuf(root), root.sign(msg), msg), true);
    assert.equal(verifySignature('ecdsa', tuf(root), flip(root.sign(msg)), msg), false);
  });

  void it('verifies every signature of the notary 0.3 fixture', () => {
    const root = JSON.parse(Buffer.from(NOTARY03_FILES.root).toString()) as {
      signed: { keys: Record<string, { keytype: string; keyval: { public: string } }> };
    };
    for (const [role, file] of Object.entries(NOTARY03_FILES)) {
      const parsed = JSON.parse(Buffer.from(file).toString()) as { signed: unknown; signatures: { keyid: string; method: string; sig: string }[] };
      for (const s of parsed.signatures) {
        const k = root.signed.keys[s.keyid];
        assert.ok(k, role);
        const key = makeTufKey(k.keytype, Buffer.from(k.keyval.public, 'base64'));
        assert.equal(verifySignature(s.method, key, Buffer.from(s.sig, 'base64'), canonicalize(parsed.signed)), true, role);
      }
    }
  });
});

void describe('eddsa verifier', () => {
  const key = ed25519Key();

  void it('accepts a valid Ed25519 signature over the message itself', () => {
    assert.equal(key.public.length, 32);
    assert.equal(verifySignature('eddsa', tuf(key), key.sign(msg), msg), true);
  });

  void it('rejects flipped bytes and wrong sizes without throwing', () => {
    const sig = key.sign(msg);
    assert.equal(verifySignature('eddsa', tuf(key), flip(sig), msg), false);
    assert.equal(verifySignature('eddsa', tuf(key), sig.subarray(0, 63), msg), false);
    assert.equal(verifySignature('eddsa', makeTufKey('ed25519', key.public.subarray(0, 31)), sig, msg), false);
    assert.equal(verifySignature('eddsa', makeTufKey('ed25519', new Uint8Array(32).fill(0xff)), sig, msg), false);
  });
});

void describe('rsa verifiers', () => {
  const key = rsaKey();

  void it('accepts RSA-PSS with SHA-256 and a 32-byte salt', () => {
    assert.equal(verifySignature('rsapss', tuf(key), key.sign(msg), msg), true);
    assert.equal(verifySignature('rsapss', tuf(key), flip(key.sign(msg)), msg), false);
  });

  void it('rejects PSS signatures with another salt length, and PKCS#1 v1.5 signatures under rsapss', () => {
    const salt20 = sign('sha256', msg, { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 20 });
    const pkcs1 = sign('sha256', msg, key.privateKey);
    assert.equal(verifySignature('rsapss', tuf(key), salt20, msg), false);
    assert.equal(verifySignature('rsapss', tuf(key), pkcs1, msg), false);
    assert.equal(verifySignature('rsapkcs1v15', tuf(key), pkcs1, msg), true);
  });

  void it('refuses RSA keys shorter than 2048 bits', () => {
    const small = rsaKey(1024);
    assert.equal(verifySignature('rsapss', tuf(small), small.sign(msg), msg), false);
  });
});

void describe('method and key type compatibility', () => {
  void it('knows notary methods only (eddsa, not ed25519)', () => {
    assert.equal(isSupportedMethod('eddsa'), true);
    assert.equal(isSupportedMethod('ed25519'), false);
    assert.equal(isSupportedMethod('toString'), false);
  });

  void it('fails a valid signature made with a key of the wrong type for the method', () => {
    const ed = ed25519Key();
    const ec = ecdsaKey();
    assert.equal(keyTypeAllowed('ecdsa', 'ed25519'), false);
    assert.equal(keyTypeAllowed('eddsa', 'ecdsa'), false);
    assert.equal(keyTypeAllowed('rsapss', 'ecdsa'), false);
    // A genuine Ed25519 signature, but claimed as ecdsa: the key type does not fit the method.
    assert.equal(verifySignature('ecdsa', tuf(ed), ed.sign(msg), msg), false);
    assert.equal(verifySignature('eddsa', tuf(ec), ec.sign(msg), msg), false);
    // Right material, wrong declared type: notary checks the declared key type first.
    assert.equal(verifySignature('ecdsa', makeTufKey('rsa', ec.public), ec.sign(msg), msg), false);
    assert.equal(verifySignature('eddsa', makeTufKey('ecdsa', ed.public), ed.sign(msg), msg), false);
    assert.equal(verifySignature('ecdsa', makeTufKey('ecdsa', ec.public), ec.sign(msg), msg), true);
    // An RSA key relabelled as ecdsa is not an EC key.
    const r = rsaKey();
    assert.equal(verifySignature('ecdsa', makeTufKey('ecdsa', r.public), r.sign(msg), msg), false);
  });

  void it('returns false rather than throwing on garbage key material', () => {
    for (const keytype of ['ecdsa', 'ecdsa-x509', 'rsa', 'rsa-x509', 'ed25519']) {
      for (const method of ['ecdsa', 'eddsa', 'rsapss', 'rsapkcs1v15', 'pycrypto-pkcs#1 pss']) {
        assert.equal(verifySignature(method, makeTufKey(keytype, Buffer.from('not a key')), new Uint8Array(64), msg), false);
      }
    }
  });
});
