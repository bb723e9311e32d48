/**
 * The private keys publishing may use: a port implemented over the key store (`../keys`,
 * notary's encrypted PKCS#8 files in `$DOCKER_CONFIG/trust/private/`) and, in tests, by in-memory
 * keys. Lookups go by **canonical** key ID (protocol doc §3.2): the ID of the bare public key, which
 * names the key file even when metadata lists the key under its certificate's ID.
 */
import type { SigningKey } from '../keys/signingKey';

/** What a key is opened for, so a passphrase prompt can name it. */
export interface KeyUse {
  /** e.g. `targets/releases` */
  readonly role: string;
  /** e.g. `127.0.0.1:5000/team/app` */
  readonly gun: string;
}

/** The keys a publisher can sign with. Implementations never log key material or passphrases. */
export interface PublishingKeys {
  /** Canonical IDs of every private key held, e.g. `['5600f5ab…', …]` (notary `ListKeys`). */
  listKeyIds(): Promise<readonly string[]>;
  /** Opens a held key by canonical ID; the returned key may report another `keyId` (e.g. a certificate's). */
  open(canonicalId: string, use: KeyUse): Promise<SigningKey>;
  /**
   * The root key for a new repository, as docker picks it (`getOrGenerateRootKeyAndInitRepo`): an
   * existing root key is reused, else an ECDSA P-256 key is generated. The returned key lists as an
   * `ecdsa-x509` key: a self-signed certificate with CN = `gun`, valid 10 years (notary `rootCertKey`).
   */
  rootKeyFor(gun: string): Promise<SigningKey>;
  /** Generates and stores the targets ("repository") key of `gun` (ECDSA P-256, role `targets`). */
  createTargetsKey(gun: string): Promise<SigningKey>;
  /** Generates and stores a snapshot key of `gun` held by this client (ECDSA P-256, role `snapshot`). */
  createSnapshotKey(gun: string): Promise<SigningKey>;
  /**
   * Generates and stores a new root key (ECDSA P-256, role `root`), listed as its self-signed
   * certificate for `gun`, as notary's `key rotate … root` makes one. Existing root keys stay.
   */
  createRootKey(gun: string): Promise<SigningKey>;
  /** Deletes a held private key by canonical ID (notary `RemoveKey`); nothing when it is not held. */
  removeKey(canonicalId: string): Promise<void>;
  /**
   * The key of signer `name` (a key stored with role `name`, as `docker trust key generate` names
   * it); when none is held and `create` is set, a new Ed25519 key is generated and stored.
   */
  signerKey(name: string, options: { create: boolean }): Promise<SigningKey | undefined>;
}
