/**
 * notary's private key files (protocol doc §7): PEM with `gun:`/`role:` headers (sorted by name,
 * then a blank line) around encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`), or plain PKCS#8
 * (`PRIVATE KEY`) when the passphrase is empty, exactly as `utils.ConvertPrivateKeyToPKCS8` writes
 * them. Reading follows `utils.ParsePEMPrivateKey`: PKCS#8 (encrypted or not) and the legacy
 * `EC`/`RSA`/`ED25519 PRIVATE KEY` blocks, RFC 1423-encrypted or not.
 */
import { decodePemBlocks, encodePem, type PemBlock } from '../../../crypto/pem';
import { KeyError } from './keyErrors';
import { decodeLegacyKey, isLegacyEncrypted, LEGACY_KEY_TYPES } from './legacyPem';
import { decryptPkcs8, encryptPkcs8, type Pbes2Randomness } from './pbes2';
import { decodePkcs8, encodeNotaryPkcs8 } from './pkcs8';
import type { PrivateKey } from './privateKey';

/** Every PEM type notary (and `docker trust key load`) reads as a private key. */
export const PRIVATE_KEY_PEM_TYPES: readonly string[] = ['ENCRYPTED PRIVATE KEY', 'PRIVATE KEY', ...LEGACY_KEY_TYPES];

/** The `role`/`gun` headers of a key file. */
export interface KeyAttributes {
  /** `root`, `targets`, `snapshot`, `timestamp` or a signer name such as `alice`. */
  readonly role?: string;
  /** Only for `targets`/`snapshot`/`timestamp` keys, e.g. `127.0.0.1:5000/library/alpine`. */
  readonly gun?: string;
}

/**
 * The first PEM block, as notary's `pem.Decode` finds it; with `firstKeyBlock`, the first block
 * whose type is a private key (so that e.g. OpenSSL's leading `EC PARAMETERS` block is skipped).
 * `invalid-key` when there is none or it is not a private key type.
 */
export function readKeyBlock(data: string | Uint8Array, options: { firstKeyBlock?: boolean } = {}): PemBlock {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const blocks = decodePemBlocks(bytes);
  const block = options.firstKeyBlock ? blocks.find((b) => PRIVATE_KEY_PEM_TYPES.includes(b.type)) : blocks[0];
  if (!block) throw new KeyError('invalid-key', 'no PEM private key found');
  if (!PRIVATE_KEY_PEM_TYPES.includes(block.type)) throw new KeyError('invalid-key', `unsupported key type "${block.type}"`);
  return block;
}

/** Whether the block needs a passphrase: encrypted PKCS#8, or a legacy block with `DEK-Info`. */
export function isEncryptedKeyBlock(block: PemBlock): boolean {
  return block.type === 'ENCRYPTED PRIVATE KEY' || (LEGACY_KEY_TYPES.includes(block.type) && isLegacyEncrypted(block));
}

/**
 * Decodes a private key block; `passphrase` is used only for an encrypted one.
 * Throws `bad-passphrase` (wrong or missing passphrase) or `invalid-key`.
 */
export function decodeKeyBlock(block: PemBlock, passphrase = ''): PrivateKey {
  if (isEncryptedKeyBlock(block) && passphrase === '') throw new KeyError('bad-passphrase', 'the key is encrypted and no passphrase was given');
  if (block.type === 'PRIVATE KEY') return decodePkcs8(block.bytes);
  if (block.type !== 'ENCRYPTED PRIVATE KEY') return decodeLegacyKey(block, passphrase);
  const plain = decryptPkcs8(block.bytes, passphrase);
  try {
    return decodePkcs8(plain);
  } catch (e) {
    // notary: "pkcs8: incorrect password" whenever the decrypted bytes do not parse.
    if (e instanceof KeyError && e.code === 'invalid-key') throw new KeyError('bad-passphrase', 'the passphrase does not decrypt the key');
    throw e;
  } finally {
    plain.fill(0);
  }
}

/** Decodes the first PEM block of a key file (see {@link decodeKeyBlock}). */
export function decodePrivateKeyPem(data: string | Uint8Array, passphrase = ''): PrivateKey {
  return decodeKeyBlock(readKeyBlock(data), passphrase);
}

/**
 * The key file notary writes: `ENCRYPTED PRIVATE KEY` (PBES2, see `pbes2.ts`) with the given
 * headers, or `PRIVATE KEY` when `passphrase` is empty. Headers are written as given; apply
 * notary's rules with {@link keyFileAttributes} first. `randomness` fixes salt and IV for tests.
 */
export function encodePrivateKeyPem(key: PrivateKey, attributes: KeyAttributes, passphrase: string, randomness?: Pbes2Randomness): string {
  const headers: Record<string, string> = {};
  if (attributes.role) headers.role = checkHeader(attributes.role);
  if (attributes.gun) headers.gun = checkHeader(attributes.gun);
  const plain = encodeNotaryPkcs8(key);
  try {
    if (passphrase === '') return encodePem('PRIVATE KEY', plain, headers);
    return encodePem('ENCRYPTED PRIVATE KEY', encryptPkcs8(plain, passphrase, randomness), headers);
  } finally {
    plain.fill(0);
  }
}

const BASE_ROLES_WITH_GUN = new Set(['targets', 'snapshot', 'timestamp']);
/** docker's key names (`key_generate.go` `validKeyName`). */
const SIGNER_NAME = /^[a-z0-9][a-z0-9_-]*$/;
/** notary `data.IsDelegation` (without the length limit, which the signer name check makes moot). */
const DELEGATION = /^targets\/[-a-z0-9_/]+$/;

/**
 * The headers notary stores a key under (`trustmanager/keystore.go` `AddKey`, `keys.go`
 * `checkValidity`): the GUN only for `targets`, `snapshot` and `timestamp` keys, which must have
 * one; none for root and signer keys. `invalid-role` for a role or GUN notary would not accept.
 */
export function keyFileAttributes(role: string, gun?: string): { role: string; gun?: string } {
  if (BASE_ROLES_WITH_GUN.has(role)) {
    if (!gun) throw new KeyError('invalid-role', `a ${role} key needs the GUN it belongs to`);
    return { role, gun: checkHeader(gun) };
  }
  const ok = role === 'root' || SIGNER_NAME.test(role) || (DELEGATION.test(role) && !role.includes('//') && !role.endsWith('/') && !/\/\.\.?(\/|$)/.test(role));
  if (!ok) throw new KeyError('invalid-role', `"${role}" is not a role or signer name notary accepts`);
  return { role };
}

function checkHeader(value: string): string {
  if (value !== value.trim() || /[\r\n]/.test(value) || value === '') throw new KeyError('invalid-role', 'a key header cannot be empty or contain line breaks or surrounding spaces');
  return value;
}
