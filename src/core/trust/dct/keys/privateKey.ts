/**
 * Decrypted private keys as notary models them (`tuf/data/keys.go`): ECDSA (any curve Go knows),
 * RSA (import only) and Ed25519. A key's ID is the TUF ID of its bare public key, which is the
 * canonical ID docker shows and the name of its file in the trust dir (protocol doc §3.2, §7).
 *
 * The material lives in a private field: it never shows up in `JSON.stringify`, `util.inspect` or
 * error messages. Only the PEM encoder reads it, through {@link PrivateKey.notaryPrivateBytes}.
 */
import { constants, createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import * as ed from '@noble/ed25519';
import { bytesEqual, sha512 } from '../../../crypto/encoding';
import { makeTufKey, type TufPublicKey } from '../tuf/keys';
import { GO_EC_CURVES } from '../../../crypto/x509';
import type { RawSignature, SigningKey } from './signingKey';
import { KeyError } from './keyErrors';

// @noble/ed25519's synchronous API needs a SHA-512; node:crypto provides it.
ed.hashes.sha512 = (message: Uint8Array) => sha512(message);

/** Private key algorithms: notary can generate `ecdsa` (P-256) and `ed25519`; `rsa` is import only. */
export type KeyAlgorithm = 'ecdsa' | 'ed25519' | 'rsa';

/** notary refuses RSA keys below this size (`notary.MinRSABitSize`). */
const MIN_RSA_BITS = 2048;

type Material = { kind: 'ecdsa' | 'rsa'; key: KeyObject } | { kind: 'ed25519'; seed: Uint8Array; pub: Uint8Array };

/** A decrypted private key. Create one with {@link generateKey} or by decoding a PEM file. */
export class PrivateKey {
  /** `ecdsa`, `ed25519` or `rsa`. */
  readonly algorithm: KeyAlgorithm;
  /** The bare public key (`ecdsa`/`rsa`: DER SPKI; `ed25519`: 32 raw bytes). */
  readonly publicKey: TufPublicKey;
  /** Its canonical key ID (`publicKey.id`): the key file's name and the ID docker shows. */
  readonly keyId: string;
  /** For ECDSA keys, the OpenSSL curve name, e.g. `prime256v1`. */
  readonly curve: string | undefined;
  readonly #material: Material;

  private constructor(material: Material, publicKey: TufPublicKey, curve?: string) {
    this.#material = material;
    this.algorithm = material.kind;
    this.publicKey = publicKey;
    this.keyId = publicKey.id;
    this.curve = curve;
  }

  /** An ECDSA, RSA or Ed25519 node `KeyObject` as a notary key; `invalid-key` for anything notary cannot use. */
  static fromKeyObject(key: KeyObject): PrivateKey {
    if (key.type !== 'private') throw new KeyError('invalid-key', 'not a private key');
    const type = key.asymmetricKeyType;
    if (type === 'ed25519') {
      const jwk = key.export({ format: 'jwk' });
      return PrivateKey.fromEd25519Seed(new Uint8Array(Buffer.from(jwk.d ?? '', 'base64url')));
    }
    const spki = new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }));
    if (type === 'ec') {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === undefined || !Object.hasOwn(GO_EC_CURVES, curve)) throw new KeyError('invalid-key', `unsupported elliptic curve ${String(curve)}`);
      return new PrivateKey({ kind: 'ecdsa', key }, makeTufKey('ecdsa', spki), curve);
    }
    if (type === 'rsa') {
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (bits < MIN_RSA_BITS) throw new KeyError('invalid-key', `RSA keys must have at least ${MIN_RSA_BITS} bits, this one has ${bits}`);
      return new PrivateKey({ kind: 'rsa', key }, makeTufKey('rsa', spki));
    }
    throw new KeyError('invalid-key', `unsupported key type ${String(type)}`);
  }

  /** An Ed25519 key from its 32-byte seed (RFC 8032 private key). */
  static fromEd25519Seed(seed: Uint8Array): PrivateKey {
    if (seed.length !== 32) throw new KeyError('invalid-key', 'malformed ed25519 private key');
    const pub = ed.getPublicKey(seed);
    return new PrivateKey({ kind: 'ed25519', seed: Uint8Array.from(seed), pub }, makeTufKey('ed25519', pub));
  }

  /**
   * An Ed25519 key from notary's 96-byte serialization `public(32) ‖ seed(32) ‖ public(32)`
   * (`GenerateED25519Key`). `invalid-key` when the public parts do not match the seed.
   */
  static fromNotaryEd25519(blob: Uint8Array): PrivateKey {
    if (blob.length !== 96) throw new KeyError('invalid-key', 'malformed ed25519 private key');
    const key = PrivateKey.fromEd25519Seed(blob.subarray(32, 64));
    if (!bytesEqual(key.publicKey.public, blob.subarray(0, 32)) || !bytesEqual(key.publicKey.public, blob.subarray(64, 96))) {
      throw new KeyError('invalid-key', 'malformed ed25519 private key: its public key does not match');
    }
    return key;
  }

  /**
   * Secret: what notary's `PrivateKey.Private()` holds, i.e. SEC1 `ECPrivateKey` DER (with curve and
   * public key, as Go's `MarshalECPrivateKey`), PKCS#1 DER, or the 96-byte Ed25519 blob.
   * Only for the PEM encoder; never log it.
   */
  notaryPrivateBytes(): Uint8Array {
    const m = this.#material;
    if (m.kind === 'ed25519') return new Uint8Array(Buffer.concat([m.pub, m.seed, m.pub]));
    return new Uint8Array(m.key.export({ type: m.kind === 'ecdsa' ? 'sec1' : 'pkcs1', format: 'der' }));
  }

  /**
   * Signs as notary does: `ecdsa` raw r‖s over SHA-256, `eddsa` pure Ed25519, `rsapss` SHA-256 with
   * salt length 32. The signature's `keyid` is `keyId`.
   */
  async sign(data: Uint8Array): Promise<RawSignature> {
    const m = this.#material;
    const keyid = this.keyId;
    if (m.kind === 'ed25519') return { keyid, method: 'eddsa', sig: ed.sign(data, m.seed) };
    if (m.kind === 'ecdsa') {
      return { keyid, method: 'ecdsa', sig: new Uint8Array(nodeSign('sha256', data, { key: m.key, dsaEncoding: 'ieee-p1363' })) };
    }
    const sig = nodeSign('sha256', data, { key: m.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    return { keyid, method: 'rsapss', sig: new Uint8Array(sig) };
  }

  /** This key as the signing port (for a root key, see `rootKey.ts` for its certificate key). */
  signingKey(): SigningKey {
    return { publicKey: this.publicKey, keyId: this.keyId, sign: (data) => this.sign(data) };
  }

  /** Never serialize material; identify the key instead. */
  toJSON(): { algorithm: KeyAlgorithm; keyId: string } {
    return { algorithm: this.algorithm, keyId: this.keyId };
  }
}

/**
 * A new private key: Ed25519 by default (via `@noble/ed25519`), or ECDSA P-256 as docker and the
 * notary CLI generate. Its `keyId` is the ID docker and notary name it by.
 */
export function generateKey(algorithm: 'ed25519' | 'ecdsa' = 'ed25519'): PrivateKey {
  if (algorithm === 'ecdsa') return PrivateKey.fromKeyObject(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  return PrivateKey.fromEd25519Seed(ed.utils.randomSecretKey());
}

/** Parses DER into a node key, mapping OpenSSL's errors to `invalid-key` (they never echo key bytes). */
export function loadDerKey(der: Uint8Array, type: 'pkcs8' | 'sec1' | 'pkcs1'): PrivateKey {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(der), format: 'der', type });
  } catch {
    throw new KeyError('invalid-key', `not a valid ${type.toUpperCase()} private key`);
  }
  return PrivateKey.fromKeyObject(key);
}
