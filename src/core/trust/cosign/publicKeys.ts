/**
 * Public keys that sign cosign signatures (PEM `PUBLIC KEY` as `cosign.pub` holds it, or PKCS#1
 * `RSA PUBLIC KEY`), and raw signature checks over a payload with node:crypto, as cosign verifies a
 * legacy simple-signing layer: ECDSA over SHA-256 (cosign 2; cosign 3 uses the curve's own hash for
 * P-384/P-521, which is accepted too), RSA PKCS#1 v1.5 over SHA-256, Ed25519 over the message.
 */
import { createHash, createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { decodePemBlocks } from '../../crypto/pem';
import { TrustLensError } from '../../errors';

/** A verification key. */
export interface CosignPublicKey {
  /** Lower-case hex SHA-256 of the DER SubjectPublicKeyInfo: the key's ID as TrustLens shows it. */
  readonly id: string;
  /** Base64 SHA-256 of the DER SubjectPublicKeyInfo: the `hint` cosign writes into a bundle. */
  readonly hint: string;
  /** e.g. `ecdsa-p256`, `ed25519`, `rsa-3072`. */
  readonly algorithm: string;
  readonly key: KeyObject;
  /** DER SubjectPublicKeyInfo. */
  readonly spki: Uint8Array;
  /** Where it came from, e.g. the key file named by the policy. */
  readonly source?: string;
}

const CURVES: Readonly<Record<string, { name: string; hash: string }>> = {
  prime256v1: { name: 'p256', hash: 'sha256' },
  secp384r1: { name: 'p384', hash: 'sha384' },
  secp521r1: { name: 'p521', hash: 'sha512' },
};
const MIN_RSA_BITS = 2048;

/** A node key object as a {@link CosignPublicKey}; `invalid-key` for algorithms cosign does not sign with. */
export function toCosignPublicKey(key: KeyObject, source?: string): CosignPublicKey {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const type = publicKey.asymmetricKeyType;
  let algorithm: string;
  if (type === 'ec') {
    const curve = CURVES[publicKey.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!curve) throw new TrustLensError('invalid-key', `unsupported elliptic curve ${String(publicKey.asymmetricKeyDetails?.namedCurve)}${from(source)}`);
    algorithm = `ecdsa-${curve.name}`;
  } else if (type === 'rsa') {
    const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) throw new TrustLensError('invalid-key', `RSA keys need at least ${MIN_RSA_BITS} bits, this one has ${bits}${from(source)}`);
    algorithm = `rsa-${bits}`;
  } else if (type === 'ed25519') {
    algorithm = 'ed25519';
  } else {
    throw new TrustLensError('invalid-key', `unsupported key type ${String(type)}${from(source)}`);
  }
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const digest = createHash('sha256').update(spki).digest();
  return { id: digest.toString('hex'), hint: digest.toString('base64'), algorithm, key: publicKey, spki, ...(source !== undefined ? { source } : {}) };
}

/**
 * Reads the first public key of a PEM file: `PUBLIC KEY` (SPKI, as `cosign.pub`) or `RSA PUBLIC KEY`.
 * @throws TrustLensError `invalid-key` naming `source` when there is none or it cannot be used
 */
export function parsePublicKeyPem(pem: Uint8Array | string, source?: string): CosignPublicKey {
  const bytes = typeof pem === 'string' ? new TextEncoder().encode(pem) : pem;
  for (const block of decodePemBlocks(bytes)) {
    if (block.type !== 'PUBLIC KEY' && block.type !== 'RSA PUBLIC KEY') continue;
    let key: KeyObject;
    try {
      key = createPublicKey({ key: Buffer.from(block.bytes), format: 'der', type: block.type === 'PUBLIC KEY' ? 'spki' : 'pkcs1' });
    } catch (e) {
      throw new TrustLensError('invalid-key', `unreadable public key${from(source)}`, { cause: e });
    }
    return toCosignPublicKey(key, source);
  }
  throw new TrustLensError('invalid-key', `no PEM "PUBLIC KEY" block${from(source)}`);
}

/**
 * Whether `signature` is `key`'s signature over `message` in any form cosign produces. Never throws.
 */
export function verifyMessageSignature(key: CosignPublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    const type = key.key.asymmetricKeyType;
    if (type === 'ed25519') return nodeVerify(null, message, key.key, signature);
    if (type === 'rsa') return nodeVerify('sha256', message, key.key, signature);
    const hashes = new Set(['sha256', CURVES[key.key.asymmetricKeyDetails?.namedCurve ?? '']?.hash ?? 'sha256']);
    for (const hash of hashes) {
      if (nodeVerify(hash, message, { key: key.key, dsaEncoding: 'der' }, signature)) return true;
    }
    return false;
  } catch {
    return false;
  }
}

/** A short form of a key ID for messages, e.g. `ecdsa-p256 key 7a9f3c1e02d4`. */
export function describeKey(key: Pick<CosignPublicKey, 'id' | 'algorithm' | 'source'>): string {
  return `${key.algorithm} key ${key.id.slice(0, 12)}${key.source ? ` (${key.source})` : ''}`;
}

function from(source: string | undefined): string {
  return source ? ` in ${source}` : '';
}
