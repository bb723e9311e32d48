/**
 * In-memory keys implementing the publishing key port with node:crypto: ECDSA P-256 (raw r‖s,
 * method `ecdsa`) or Ed25519 (`eddsa`), a root key shared by every GUN with a notary-shaped
 * self-signed certificate per GUN, targets keys per GUN and signer keys by name.
 */
import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { canonicalKeyId, makeTufKey, type TufPublicKey } from '../../../src/core/trust/dct/tuf/keys';
import { encodePem } from '../../../src/core/crypto/pem';
import type { KeyUse, PublishingKeys } from '../../../src/core/trust/dct/signing/publishingKeys';
import type { RawSignature, SigningKey } from '../../../src/core/trust/dct/keys/signingKey';
import { buildCertificate } from '../../helpers/tufCert';

const DAY = 86_400_000;

/** A private key and its bare public key. */
interface Held {
  readonly role: string;
  readonly privateKey: KeyObject;
  readonly publicKey: TufPublicKey;
}

/** A {@link SigningKey} over a node key, listed as `publicKey`. */
export function nodeSigningKey(privateKey: KeyObject, publicKey: TufPublicKey): SigningKey {
  const ed = privateKey.asymmetricKeyType === 'ed25519';
  return {
    publicKey,
    keyId: publicKey.id,
    async sign(data: Uint8Array): Promise<RawSignature> {
      const sig = ed ? sign(null, data, privateKey) : sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      return { keyid: publicKey.id, method: ed ? 'eddsa' : 'ecdsa', sig: new Uint8Array(sig) };
    },
  };
}

/** A fresh key pair and its bare TUF public key (`ecdsa` SPKI DER or `ed25519` raw 32 bytes). */
export function generateKey(type: 'ecdsa' | 'ed25519' = 'ecdsa'): { privateKey: KeyObject; publicKey: TufPublicKey } {
  if (type === 'ed25519') {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const raw = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })).slice(-32);
    return { privateKey, publicKey: makeTufKey('ed25519', raw) };
  }
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey: makeTufKey('ecdsa', new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }))) };
}

/** The SPKI PEM of a key, as `docker trust key generate` writes `NAME.pub` (without its header). */
export function publicKeyPem(key: TufPublicKey): string {
  return encodePem('PUBLIC KEY', key.public);
}

/** Keys in memory; `opened` counts `open` calls per role, for tests. */
export class MemoryKeys implements PublishingKeys {
  readonly #held = new Map<string, Held>();
  readonly #certs = new Map<string, TufPublicKey>();
  readonly opened: KeyUse[] = [];
  #rootId: string | undefined;

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Adds a key under `role` and returns its canonical ID. */
  add(role: string, privateKey: KeyObject, publicKey: TufPublicKey): string {
    const id = canonicalKeyId(publicKey) ?? publicKey.id;
    this.#held.set(id, { role, privateKey, publicKey });
    return id;
  }

  /** Whether `canonicalId` is the root key. */
  isRoot(canonicalId: string): boolean {
    return canonicalId === this.#rootId;
  }

  /** Forgets a key (e.g. to simulate a client without it). */
  remove(canonicalId: string): void {
    this.#held.delete(canonicalId);
  }

  async listKeyIds(): Promise<readonly string[]> {
    return [...this.#held.keys()];
  }

  async open(canonicalId: string, use: KeyUse): Promise<SigningKey> {
    const held = this.#held.get(canonicalId);
    if (!held) throw new Error(`no key ${canonicalId}`);
    this.opened.push(use);
    return nodeSigningKey(held.privateKey, held.publicKey);
  }

  async rootKeyFor(gun: string): Promise<SigningKey> {
    if (!this.#rootId) {
      const { privateKey, publicKey } = generateKey();
      this.#rootId = this.add('root', privateKey, publicKey);
    }
    const root = this.#held.get(this.#rootId) as Held;
    const id = `${this.#rootId}\n${gun}`;
    let cert = this.#certs.get(id);
    if (!cert) {
      cert = this.#certify(root.privateKey, gun);
      this.#certs.set(id, cert);
    }
    return nodeSigningKey(root.privateKey, cert);
  }

  /** A new root key (the first one stays the one new repositories use), certified for `gun`. */
  async createRootKey(gun: string): Promise<SigningKey> {
    const { privateKey, publicKey } = generateKey();
    this.add('root', privateKey, publicKey);
    return nodeSigningKey(privateKey, this.#certify(privateKey, gun));
  }

  #certify(privateKey: KeyObject, gun: string): TufPublicKey {
    const now = this.now();
    const der = buildCertificate({
      cn: gun,
      notBefore: now,
      notAfter: new Date(now.getTime() + 3650 * DAY),
      publicKey: createPublicKey(privateKey),
      signingKey: privateKey,
    });
    return makeTufKey('ecdsa-x509', new Uint8Array(Buffer.from(encodePem('CERTIFICATE', der), 'latin1')));
  }

  async createSnapshotKey(gun: string): Promise<SigningKey> {
    const { privateKey, publicKey } = generateKey();
    this.add(`snapshot:${gun}`, privateKey, publicKey);
    return nodeSigningKey(privateKey, publicKey);
  }

  async removeKey(canonicalId: string): Promise<void> {
    this.#held.delete(canonicalId);
  }

  async createTargetsKey(gun: string): Promise<SigningKey> {
    const { privateKey, publicKey } = generateKey();
    this.add(`targets:${gun}`, privateKey, publicKey);
    return nodeSigningKey(privateKey, publicKey);
  }

  async signerKey(name: string, options: { create: boolean }): Promise<SigningKey | undefined> {
    const found = [...this.#held.entries()].filter(([, h]) => h.role === name).sort(([a], [b]) => a.localeCompare(b))[0];
    if (found) return nodeSigningKey(found[1].privateKey, found[1].publicKey);
    if (!options.create) return undefined;
    const { privateKey, publicKey } = generateKey();
    this.add(name, privateKey, publicKey);
    return nodeSigningKey(privateKey, publicKey);
  }
}

