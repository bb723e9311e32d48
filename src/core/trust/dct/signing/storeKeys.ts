/**
 * The publishing key port over the on-disk key store shared with docker and notary
 * (`../keys`): key files in `<trust dir>/private/`, passphrases from a provider. Key choices
 * follow docker: the lexically first root key is reused for every new repository and certified for
 * its GUN (`getOrGenerateRootKeyAndInitRepo`); the targets (repository) key is ECDSA P-256, as
 * notary and `docker trust` generate it; a signer's key is the first key stored with `role: <name>`,
 * and a new one is Ed25519, like `trustlens key generate`'s default.
 */
import type { Clock } from '../../../ports';
import type { FileKeyStore } from '../keys/fileKeyStore';
import { DEFAULT_SIGNER_ALGORITHM } from './generateSignerKey';
import { certifyRootKey, createRootKey } from '../keys/rootKey';
import type { KeyUse, PublishingKeys } from './publishingKeys';
import type { PassphraseProvider, SigningKey } from '../keys/signingKey';

/** {@link PublishingKeys} over a {@link FileKeyStore}. */
export class StoreKeys implements PublishingKeys {
  constructor(
    private readonly store: FileKeyStore,
    private readonly passphrases: PassphraseProvider,
    private readonly clock: Clock,
  ) {}

  async listKeyIds(): Promise<readonly string[]> {
    return (await this.store.list()).map((k) => k.keyId);
  }

  open(canonicalId: string, _use: KeyUse): Promise<SigningKey> {
    return this.store.open(canonicalId, this.passphrases);
  }

  async rootKeyFor(gun: string): Promise<SigningKey> {
    const now = this.clock.now();
    const [existing] = await this.store.forRole('root');
    if (existing) return (await certifyRootKey(await this.store.open(existing.keyId, this.passphrases), gun, { now })).signingKey;
    return (await createRootKey(gun, this.store, this.passphrases, { now })).signingKey;
  }

  createTargetsKey(gun: string): Promise<SigningKey> {
    return this.store.generate({ role: 'targets', gun }, this.passphrases, 'ecdsa');
  }

  createSnapshotKey(gun: string): Promise<SigningKey> {
    return this.store.generate({ role: 'snapshot', gun }, this.passphrases, 'ecdsa');
  }

  async createRootKey(gun: string): Promise<SigningKey> {
    return (await createRootKey(gun, this.store, this.passphrases, { now: this.clock.now() })).signingKey;
  }

  removeKey(canonicalId: string): Promise<void> {
    return this.store.remove(canonicalId);
  }

  async signerKey(name: string, options: { create: boolean }): Promise<SigningKey | undefined> {
    const [existing] = await this.store.forRole(name);
    if (existing) return this.store.open(existing.keyId, this.passphrases);
    return options.create ? this.store.generate({ role: name }, this.passphrases, DEFAULT_SIGNER_ALGORITHM) : undefined;
  }
}
