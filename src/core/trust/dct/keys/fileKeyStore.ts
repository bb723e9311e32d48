/**
 * The private keys docker and notary keep in `<trust dir>/private/` (`$DOCKER_CONFIG/trust` for
 * docker, `~/.notary` for the notary CLI), read and written in their exact format so that keys move
 * freely between TrustLens, `docker trust` and `notary`. Keys are stored encrypted only.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultDockerConfigDir } from '../../../net/dockerConfig';
import type { PassphraseProvider, SigningKey } from './signingKey';
import { KeyError, keyFileIo } from './keyErrors';
import { listKeyFiles, writeKeyFile, type KeyInfo } from './keyFiles';
import { decodeKeyBlock, encodePrivateKeyPem, isEncryptedKeyBlock, keyFileAttributes, readKeyBlock } from './keyPem';
import { choosePassphrase, openWithPassphrase, requireStrongPassphrase } from './passphrase';
import { generateKey, type PrivateKey } from './privateKey';

export type { KeyInfo } from './keyFiles';

/** Options for {@link FileKeyStore.importPem}. */
export interface ImportOptions {
  /** Store the key under this role whatever the PEM's `role` header says. */
  readonly role?: string;
  /** The role when the PEM has no `role` header, like `docker trust key load --name` (default `signer`). */
  readonly name?: string;
  /** The GUN when the PEM has no `gun` header (only kept for `targets`/`snapshot`/`timestamp` keys). */
  readonly gun?: string;
}

/** A key store over one trust directory. */
export class FileKeyStore {
  /** e.g. `~/.docker/trust`. */
  readonly trustDir: string;
  /** `<trustDir>/private`, where the key files live. */
  readonly privateDir: string;

  constructor(trustDir: string) {
    this.trustDir = trustDir;
    this.privateDir = join(trustDir, 'private');
  }

  /** docker's trust dir: `$DOCKER_CONFIG/trust`, or `~/.docker/trust`. */
  static forDocker(env: Readonly<Record<string, string | undefined>>): FileKeyStore {
    return new FileKeyStore(join(defaultDockerConfigDir(env), 'trust'));
  }

  /** Every key, sorted by ID, read from file names and PEM headers without decrypting anything. */
  list(): Promise<KeyInfo[]> {
    return listKeyFiles(this.privateDir);
  }

  /** The key with this canonical ID, if stored. */
  async get(keyId: string): Promise<KeyInfo | undefined> {
    return (await this.list()).find((k) => k.keyId === keyId);
  }

  /**
   * Keys for a role, sorted by ID (docker signs with the first): `root`, `targets`, `snapshot`, or a
   * signer name such as `alice`. With `gun`, keys bound to another GUN are left out.
   */
  async forRole(role: string, gun?: string): Promise<KeyInfo[]> {
    return (await this.list()).filter((k) => k.role === role && (gun === undefined || k.gun === undefined || k.gun === gun));
  }

  /**
   * Stores a key encrypted with `passphrase` (at least 8 characters, as notary requires for new
   * keys) as `<keyId>.key`, with notary's headers: the GUN only for `targets`/`snapshot`/`timestamp`
   * keys. An existing file for the same key is replaced.
   */
  async save(key: PrivateKey, attributes: { role: string; gun?: string }, passphrase: string): Promise<KeyInfo> {
    requireStrongPassphrase(passphrase);
    const headers = keyFileAttributes(attributes.role, attributes.gun);
    const text = encodePrivateKeyPem(key, headers, passphrase);
    const path = await keyFileIo('write', this.privateDir, () => writeKeyFile(this.privateDir, key.keyId, text));
    return { keyId: key.keyId, role: headers.role, ...(headers.gun ? { gun: headers.gun } : {}), path, encrypted: true, legacyLayout: false };
  }

  /** Stores a key with a passphrase from `provider` (purpose `create`). */
  async add(key: PrivateKey, attributes: { role: string; gun?: string }, provider: PassphraseProvider): Promise<KeyInfo> {
    const headers = keyFileAttributes(attributes.role, attributes.gun);
    const passphrase = await choosePassphrase(provider, { role: headers.role, keyId: key.keyId, ...(headers.gun ? { gun: headers.gun } : {}) });
    return this.save(key, headers, passphrase);
  }

  /** Generates a key (Ed25519 by default, or ECDSA P-256), stores it and returns it ready to sign. */
  async generate(
    attributes: { role: string; gun?: string },
    provider: PassphraseProvider,
    algorithm: 'ed25519' | 'ecdsa' = 'ed25519',
  ): Promise<SigningKey> {
    const key = generateKey(algorithm);
    await this.add(key, attributes, provider);
    return key.signingKey();
  }

  /** Deletes the file of the key with this canonical ID (notary `RemoveKey`); nothing when there is none. */
  async remove(keyId: string): Promise<void> {
    const info = await this.get(keyId);
    if (info) await keyFileIo('write', info.path, () => rm(info.path, { force: true }));
  }

  /**
   * Decrypts a stored key and returns it ready to sign, asking `provider` (purpose `open`) and retrying
   * on a wrong passphrase. Root keys come back as bare `ecdsa` keys; see `rootKey.ts` for the
   * certificate key root.json lists. Throws `key-not-found`, `bad-passphrase`,
   * `passphrase-cancelled`, `invalid-key`, `key-mismatch` (the file holds another key) or `io-error`.
   */
  async open(keyId: string, provider: PassphraseProvider): Promise<SigningKey> {
    const info = await this.get(keyId);
    if (!info) throw new KeyError('key-not-found', `signing key not found: ${keyId}`);
    const block = readKeyBlock(await keyFileIo('read', info.path, () => readFile(info.path)));
    const key = isEncryptedKeyBlock(block)
      ? await openWithPassphrase(provider, { role: info.role, keyId, ...(info.gun ? { gun: info.gun } : {}) }, (p) => decodeKeyBlock(block, p))
      : decodeKeyBlock(block);
    if (key.keyId !== keyId) throw new KeyError('key-mismatch', `the file for key ${keyId} holds key ${key.keyId}`);
    return key.signingKey();
  }

  /**
   * Imports a private key PEM, like `docker trust key load` but without its bug (an encrypted key
   * is decrypted and re-encrypted, never silently dropped). Accepts every format `decodeKeyBlock`
   * reads, skipping leading non-key blocks. An encrypted PEM's passphrase is asked with purpose
   * `open` and an empty `keyId`; the stored copy's with purpose `create`.
   */
  async importPem(text: string | Uint8Array, options: ImportOptions, provider: PassphraseProvider): Promise<KeyInfo> {
    const block = readKeyBlock(text, { firstKeyBlock: true });
    const role = options.role ?? (block.headers.role || options.name || 'signer');
    const headers = keyFileAttributes(role, block.headers.gun || options.gun);
    const subject = { role: headers.role, keyId: '', ...(headers.gun ? { gun: headers.gun } : {}) };
    const key = isEncryptedKeyBlock(block) ? await openWithPassphrase(provider, subject, (p) => decodeKeyBlock(block, p)) : decodeKeyBlock(block);
    return this.add(key, headers, provider);
  }

  /**
   * Imports a key file; like docker, refuses one that others may read or write (on POSIX systems),
   * with `insecure-file`.
   */
  async importFile(path: string, options: ImportOptions, provider: PassphraseProvider): Promise<KeyInfo> {
    const mode = (await keyFileIo('read', path, () => stat(path))).mode;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new KeyError('insecure-file', `private key file ${path} must not be readable or writable by others`);
    }
    return this.importPem(await keyFileIo('read', path, () => readFile(path)), options, provider);
  }
}
