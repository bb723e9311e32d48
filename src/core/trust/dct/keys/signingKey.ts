import type { TufPublicKey } from '../tuf/keys';

/** A signature as it goes into a metadata file's `signatures` list. */
export interface RawSignature {
  /** The key ID the role lists for this key, e.g. `041b64da…`. */
  keyid: string;
  /** notary's method name: `ecdsa` (raw r‖s), `eddsa` or `rsapss`. */
  method: 'ecdsa' | 'eddsa' | 'rsapss';
  /** The signature bytes (base64 on the wire). */
  sig: Uint8Array;
}

/**
 * A private key that can sign metadata, without exposing its material. Implemented by the key store
 * (decrypted on demand with a passphrase) and, in tests, by in-memory keys.
 */
export interface SigningKey {
  /** The key as metadata lists it (for a root key: the `ecdsa-x509` certificate key). */
  readonly publicKey: TufPublicKey;
  /** The ID metadata files it under (`publicKey.id`). */
  readonly keyId: string;
  /** Signs the canonical bytes of a `signed` object. */
  sign(data: Uint8Array): Promise<RawSignature>;
}

/** Asks for a passphrase, e.g. with an input box or from an environment variable. Never logged. */
export interface PassphraseProvider {
  /**
   * The passphrase for a key; `undefined` when the user cancels.
   * `purpose` says whether an existing key is opened or a new one is protected.
   */
  get(request: { role: string; keyId: string; gun?: string; purpose: 'open' | 'create'; attempt: number }): Promise<string | undefined>;
}
