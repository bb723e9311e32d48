/**
 * Signature verifiers keyed by signature method, mirroring notary's `signed.Verifiers`
 * (`tuf/signed/verifiers.go`; protocol doc §3.4). Each verifier returns a boolean and never throws.
 * Whether a key type may be used with a method is a separate question (`keyTypeAllowed`), so that
 * a wrong-type key can be reported as such.
 */
import { constants, verify as nodeVerify, type KeyObject } from 'node:crypto';
import * as ed from '@noble/ed25519';
import { readEcdsaDerSignature } from '../../../crypto/der';
import { publicKeyFromSpki } from '../../../crypto/spkiKey';
import { sha512 } from '../../../crypto/encoding';
import type { TufPublicKey } from './keys';
import { rememberedVerification } from './verificationMemo';
import { decodeFirstPemBlock } from '../../../crypto/pem';
import { GO_EC_CURVES, parseCertificate } from '../../../crypto/x509';

// @noble/ed25519's synchronous API needs a SHA-512; node:crypto provides it.
ed.hashes.sha512 = (message: Uint8Array) => sha512(message);

/** A verifier for one method: does `sig` verify over `message` under `key`? */
export type Verifier = (key: TufPublicKey, sig: Uint8Array, message: Uint8Array) => boolean;

/** Which key types each method accepts (notary returns `ErrInvalidKeyType` for the others). */
const KEY_TYPES: Readonly<Record<string, readonly string[]>> = {
  ecdsa: ['ecdsa', 'ecdsa-x509'],
  eddsa: ['ed25519'],
  rsapss: ['rsa', 'rsa-x509'],
  rsapkcs1v15: ['rsa', 'rsa-x509'],
  'pycrypto-pkcs#1 pss': ['rsa'],
};

const MIN_RSA_BITS = 2048;
const MIN_RSA_SIG_BYTES = MIN_RSA_BITS / 8;

/** Registry of verifiers by (lower-case) method. */
export const verifiers: Readonly<Record<string, Verifier>> = {
  ecdsa: verifyEcdsa,
  eddsa: verifyEd25519,
  rsapss: (key, sig, msg) => verifyRsa(rsaKeyFor(key), sig, msg, 'pss'),
  rsapkcs1v15: (key, sig, msg) => verifyRsa(rsaKeyFor(key), sig, msg, 'pkcs1'),
  'pycrypto-pkcs#1 pss': (key, sig, msg) => verifyRsa(pemSpkiKey(key), sig, msg, 'pss'),
};

/** Whether notary has a verifier for this method, e.g. `ecdsa` yes, `ed25519` no (it is `eddsa`). */
export function isSupportedMethod(method: string): boolean {
  return Object.hasOwn(verifiers, method);
}

/** Whether a key of this type may sign with this method. */
export function keyTypeAllowed(method: string, keytype: string): boolean {
  return Object.hasOwn(KEY_TYPES, method) && (KEY_TYPES[method] as readonly string[]).includes(keytype);
}

/**
 * Verifies one signature: false for an unsupported method, a key of the wrong type, unusable key
 * material, or a signature that does not verify.
 */
export function verifySignature(method: string, key: TufPublicKey, sig: Uint8Array, message: Uint8Array): boolean {
  if (!isSupportedMethod(method) || !keyTypeAllowed(method, key.keytype)) return false;
  return rememberedVerification(method, key, sig, message, () => {
    try {
      return (verifiers[method] as Verifier)(key, sig, message);
    } catch {
      return false;
    }
  });
}

/**
 * notary `ECDSAVerifier`: SHA-256 whatever the curve. A signature that parses as ASN.1
 * `SEQUENCE{r,s}` is verified as such; otherwise it must be raw `r‖s` of exactly 2·⌈bits/8⌉ bytes.
 */
function verifyEcdsa(key: TufPublicKey, sig: Uint8Array, message: Uint8Array): boolean {
  const pub = key.keytype === 'ecdsa-x509' ? firstCertKey(key) : spkiKey(key.public);
  const curve = pub?.asymmetricKeyType === 'ec' ? pub.asymmetricKeyDetails?.namedCurve : undefined;
  if (!pub || curve === undefined || !Object.hasOwn(GO_EC_CURVES, curve)) return false;
  const size = GO_EC_CURVES[curve] as number;
  const der = readEcdsaDerSignature(sig);
  let raw: Uint8Array;
  if (der === 'negative') return false;
  if (der) {
    if (der.r.length > size || der.s.length > size) return false;
    raw = new Uint8Array(2 * size);
    raw.set(der.r, size - der.r.length);
    raw.set(der.s, 2 * size - der.s.length);
  } else {
    if (sig.length !== 2 * size) return false;
    raw = sig;
  }
  return nodeVerify('sha256', message, { key: pub, dsaEncoding: 'ieee-p1363' }, raw);
}

/** notary `Ed25519Verifier`: exactly 64-byte signatures and 32-byte keys, pure Ed25519. */
function verifyEd25519(key: TufPublicKey, sig: Uint8Array, message: Uint8Array): boolean {
  if (sig.length !== 64 || key.public.length !== 32) return false;
  // zip215:false gives RFC 8032 / Go crypto/ed25519 acceptance rules.
  return ed.verify(sig, message, key.public, { zip215: false });
}

/** RSA with SHA-256: PSS (MGF1-SHA-256, salt length 32) or PKCS#1 v1.5. Keys ≥ 2048 bits. */
function verifyRsa(pub: KeyObject | undefined, sig: Uint8Array, message: Uint8Array, padding: 'pss' | 'pkcs1'): boolean {
  if (!pub || pub.asymmetricKeyType !== 'rsa') return false;
  const bits = pub.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS || sig.length < MIN_RSA_SIG_BYTES || sig.length !== Math.ceil(bits / 8)) return false;
  return nodeVerify(
    'sha256',
    message,
    padding === 'pss'
      ? { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
      : { key: pub, padding: constants.RSA_PKCS1_PADDING },
    sig,
  );
}

/** `rsa-x509`: the first PEM block's certificate key; `rsa`: DER SubjectPublicKeyInfo. */
function rsaKeyFor(key: TufPublicKey): KeyObject | undefined {
  return key.keytype === 'rsa-x509' ? firstCertKey(key) : spkiKey(key.public);
}

/** The legacy PyCrypto method: `public` holds PEM-wrapped SubjectPublicKeyInfo. */
function pemSpkiKey(key: TufPublicKey): KeyObject | undefined {
  const block = decodeFirstPemBlock(key.public);
  return block ? spkiKey(block.bytes) : undefined;
}

/** Go `pem.Decode` then `x509.ParseCertificate`: only the first PEM block counts, whatever its type. */
function firstCertKey(key: TufPublicKey): KeyObject | undefined {
  const block = decodeFirstPemBlock(key.public);
  return block ? parseCertificate(block.bytes)?.publicKey : undefined;
}

function spkiKey(der: Uint8Array): KeyObject | undefined {
  try {
    return publicKeyFromSpki(der);
  } catch {
    return undefined;
  }
}
