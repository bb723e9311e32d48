/**
 * TUF public keys as notary represents them: `{keytype, keyval:{private:null, public:<base64>}}`
 * (`tuf/data/keys.go`), their key IDs (protocol doc §3.1) and canonical key IDs (§3.2).
 */
import { canonicalize } from './canonicalJson';
import { encodeStdBase64, sha256, toHex } from '../../../crypto/encoding';
import { encodePem } from '../../../crypto/pem';
import { loadCertFromPem, type CertInfo } from '../../../crypto/x509';

/** Key types notary knows. Other strings are kept (notary's `UnknownPublicKey`) but never verify. */
export type KnownKeyType = 'ecdsa' | 'ecdsa-x509' | 'ed25519' | 'rsa' | 'rsa-x509';

/** A public key from metadata. */
export interface TufPublicKey {
  /** e.g. `ecdsa`, `ecdsa-x509`, `ed25519`, `rsa`, `rsa-x509` */
  readonly keytype: string;
  /**
   * The decoded `keyval.public`: DER SubjectPublicKeyInfo for `ecdsa`/`rsa`, PEM text of a
   * certificate (chain) for `*-x509`, 32 raw bytes for `ed25519`.
   */
  readonly public: Uint8Array;
  /** The TUF key ID recomputed from the content (not the ID the metadata files it under). */
  readonly id: string;
}

/** Builds a key and computes its TUF key ID. */
export function makeTufKey(keytype: string, publicBytes: Uint8Array): TufPublicKey {
  return { keytype, public: publicBytes, id: tufKeyId(keytype, publicBytes) };
}

/**
 * TUF key ID: lower-case hex SHA-256 of the canonical JSON
 * `{"keytype":T,"keyval":{"private":null,"public":<base64>}}` (notary `TUFKey.ID`).
 * `private` is always null because notary drops private material from public keys.
 */
export function tufKeyId(keytype: string, publicBytes: Uint8Array): string {
  return toHex(sha256(canonicalize(keyObjectJson(keytype, publicBytes))));
}

/** The JSON object notary writes for a public key in metadata. */
export function keyObjectJson(keytype: string, publicBytes: Uint8Array): {
  keytype: string;
  keyval: { private: null; public: string };
} {
  return { keytype, keyval: { private: null, public: encodeStdBase64(publicBytes) } };
}

/**
 * notary `utils.CanonicalKeyID`: for `ecdsa-x509`/`rsa-x509`, the ID of the plain `ecdsa`/`rsa` key
 * built from the first certificate's public key; the TUF ID otherwise. This is the ID docker shows
 * for delegation keys and the name of private key files. `undefined` if the certificate is unusable.
 */
export function canonicalKeyId(key: TufPublicKey): string | undefined {
  if (key.keytype !== 'ecdsa-x509' && key.keytype !== 'rsa-x509') return key.id;
  const cert = loadCertFromPem(key.public);
  if (!cert) return undefined;
  const spki = new Uint8Array(cert.publicKey.export({ type: 'spki', format: 'der' }));
  return tufKeyId(key.keytype === 'ecdsa-x509' ? 'ecdsa' : 'rsa', spki);
}

/**
 * notary `utils.CertBundleToKey`: a `*-x509` key whose public part is the leaf and intermediates
 * re-encoded with Go's PEM encoder, typed by the leaf's key algorithm. `undefined` for leaf keys
 * that are neither RSA nor (Go-supported) ECDSA.
 */
export function certBundleToKey(leaf: CertInfo, intermediates: readonly CertInfo[]): TufPublicKey | undefined {
  const keytype = leaf.keyAlgorithm === 'rsa' ? 'rsa-x509' : leaf.keyAlgorithm === 'ec' ? 'ecdsa-x509' : undefined;
  if (!keytype) return undefined;
  const pem = [leaf, ...intermediates].map((c) => encodePem('CERTIFICATE', c.der)).join('');
  return makeTufKey(keytype, new Uint8Array(Buffer.from(pem, 'latin1')));
}
