/**
 * Root keys as docker and notary use them (protocol doc §3.2, §3.3, §6.6): an ECDSA P-256 key
 * stored as `<canonical ID>.key` with `role: root` and no GUN (one root key serves every
 * repository), and per repository a self-signed certificate with CN = GUN. root.json lists the
 * `ecdsa-x509` certificate key, and root signatures carry that key's ID.
 */
import { canonicalKeyId, type TufPublicKey } from '../tuf/keys';
import type { PassphraseProvider, SigningKey } from './signingKey';
import { createRootCertificate, type RootCertificate } from './certificate';
import type { FileKeyStore } from './fileKeyStore';
import { KeyError } from './keyErrors';
import { generateKey } from './privateKey';

/** A root key certified for one repository. */
export interface RootKey {
  /** Signs as the certificate key: `publicKey` is `ecdsa-x509`, signatures carry its ID. */
  readonly signingKey: SigningKey;
  /** The canonical ID (of the bare key): the private key file's name. */
  readonly keyId: string;
  readonly certificate: RootCertificate;
}

/** Options for {@link createRootKey} and {@link certifyRootKey}. */
export interface RootKeyOptions {
  /** Certificate NotBefore; default now. */
  readonly now?: Date;
}

/**
 * Generates an ECDSA P-256 root key, stores it in `store` (passphrase from `passphrases`, purpose
 * `create`, role `root`) and certifies it for `gun`, as notary's `Initialize` does for a new root key.
 */
export async function createRootKey(gun: string, store: FileKeyStore, passphrases: PassphraseProvider, options: RootKeyOptions = {}): Promise<RootKey> {
  const key = generateKey('ecdsa');
  await store.add(key, { role: 'root' }, passphrases);
  return certifyRootKey(key.signingKey(), gun, options);
}

/**
 * Certifies an existing bare `ecdsa` root key (e.g. from `store.open`) for another repository,
 * as docker does when it reuses the first local root key for a new repository.
 */
export async function certifyRootKey(base: SigningKey, gun: string, options: RootKeyOptions = {}): Promise<RootKey> {
  const certificate = await createRootCertificate(base, { gun, ...(options.now ? { notBefore: options.now } : {}) });
  return { signingKey: asCertificateKey(base, certificate.publicKey), keyId: base.keyId, certificate };
}

/**
 * A bare root key as the `ecdsa-x509`/`rsa-x509` key an existing root.json lists for it, so its
 * signatures carry the certificate key's ID. `key-mismatch` if the certificate is for another key.
 */
export function rootKeyFromCertificate(base: SigningKey, certificateKey: TufPublicKey): SigningKey {
  if (canonicalKeyId(certificateKey) !== base.keyId) {
    throw new KeyError('key-mismatch', `certificate key ${certificateKey.id} does not belong to root key ${base.keyId}`);
  }
  return asCertificateKey(base, certificateKey);
}

function asCertificateKey(base: SigningKey, certificateKey: TufPublicKey): SigningKey {
  return {
    publicKey: certificateKey,
    keyId: certificateKey.id,
    sign: async (data) => ({ ...(await base.sign(data)), keyid: certificateKey.id }),
  };
}
