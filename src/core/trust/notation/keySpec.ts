/**
 * Signature algorithms (signature-specification.md, "Algorithm Selection"): the signing certificate's
 * key decides the algorithm, and the envelope's `alg` must name exactly that one, so an attacker
 * cannot substitute another algorithm.
 */
import { constants, verify, type KeyObject } from 'node:crypto';

export type NotationAlgorithm = 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';

/** COSE `alg` labels (signature-envelope-cose.md, "Supported alg header values"). */
export const COSE_ALGORITHMS: Readonly<Record<number, NotationAlgorithm>> = {
  [-37]: 'PS256',
  [-38]: 'PS384',
  [-39]: 'PS512',
  [-7]: 'ES256',
  [-35]: 'ES384',
  [-36]: 'ES512',
};

const EC_CURVES: Readonly<Record<string, NotationAlgorithm>> = {
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
};
const RSA_SIZES: Readonly<Record<number, NotationAlgorithm>> = { 2048: 'PS256', 3072: 'PS384', 4096: 'PS512' };

/** The one algorithm a key may sign with, or a message why the key is not allowed. */
export function algorithmForKey(key: KeyObject): { algorithm: NotationAlgorithm } | { error: string } {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const alg = RSA_SIZES[details.modulusLength ?? 0];
    return alg ? { algorithm: alg } : { error: `RSA key size ${details.modulusLength} bits is not supported (2048, 3072 or 4096)` };
  }
  if (key.asymmetricKeyType === 'ec') {
    const alg = EC_CURVES[details.namedCurve ?? ''];
    return alg ? { algorithm: alg } : { error: `EC curve ${details.namedCurve} is not supported (P-256, P-384 or P-521)` };
  }
  return { error: `${key.asymmetricKeyType} keys are not supported` };
}

/** The hash of an algorithm, as node:crypto names it. */
export function hashOf(algorithm: NotationAlgorithm): 'sha256' | 'sha384' | 'sha512' {
  return `sha${algorithm.slice(2)}` as 'sha256' | 'sha384' | 'sha512';
}

/**
 * Verifies a raw signature as COSE defines it: RSASSA-PSS with a salt as long as the hash
 * (RFC 8230 §2), or ECDSA with `r || s` (RFC 9053 §2.1).
 */
export function verifyRawSignature(algorithm: NotationAlgorithm, key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (algorithm.startsWith('PS')) {
      return verify(hashOf(algorithm), data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature);
    }
    return verify(hashOf(algorithm), data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}
