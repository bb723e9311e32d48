/**
 * Public keys from DER SubjectPublicKeyInfo, as node:crypto reads them. OpenSSL 3 decodes SPKI
 * through its generic decoder chain, which costs about twice as much as importing the same key's
 * coordinates; a cold check of many repositories imports dozens of keys. A P-256 key with an
 * uncompressed point, the key notary makes, has exactly one DER encoding: this fixed prefix and the
 * 65-byte point. Such a key is imported from its coordinates (node:crypto checks the point is on the
 * curve); any other bytes are read by node:crypto's SPKI decoder. Either way the key is the same.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';

/** SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING (66 bytes, no unused bits) }. */
const P256_UNCOMPRESSED_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
const P256_SPKI_BYTES = P256_UNCOMPRESSED_PREFIX.length + 65;

/** The key `der` holds; throws what node:crypto throws for bytes that are not a usable public key. */
export function publicKeyFromSpki(der: Uint8Array): KeyObject {
  const bytes = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  const point = P256_UNCOMPRESSED_PREFIX.length;
  if (bytes.length === P256_SPKI_BYTES && bytes[point] === 0x04 && bytes.subarray(0, point).equals(P256_UNCOMPRESSED_PREFIX)) {
    const x = bytes.subarray(point + 1, point + 33).toString('base64url');
    const y = bytes.subarray(point + 33).toString('base64url');
    return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' });
  }
  return createPublicKey({ key: Buffer.from(bytes), format: 'der', type: 'spki' });
}
