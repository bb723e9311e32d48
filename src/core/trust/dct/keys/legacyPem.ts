/**
 * Keys in the formats older notary clients and OpenSSL's "traditional" output use
 * (`tuf/utils/x509.go` `parseLegacyPrivateKey`; protocol doc §7): `EC PRIVATE KEY` (SEC1),
 * `RSA PRIVATE KEY` (PKCS#1) and notary's `ED25519 PRIVATE KEY` (the 96-byte blob), optionally
 * encrypted per RFC 1423 (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: <cipher>,<iv hex>`, key from
 * OpenSSL's `EVP_BytesToKey` with MD5, one iteration, salt = the IV's first 8 bytes), as Go's
 * `x509.DecryptPEMBlock` reads them.
 */
import { createDecipheriv, createHash } from 'node:crypto';
import type { PemBlock } from '../../../crypto/pem';
import { KeyError } from './keyErrors';
import { loadDerKey, PrivateKey } from './privateKey';

/** PEM types of the legacy formats. */
export const LEGACY_KEY_TYPES: readonly string[] = ['EC PRIVATE KEY', 'RSA PRIVATE KEY', 'ED25519 PRIVATE KEY'];

/** RFC 1423 ciphers Go supports, minus single DES (OpenSSL 3 no longer loads it by default). */
const CIPHERS: Readonly<Record<string, { name: string; keyLength: number; blockSize: number }>> = {
  'DES-EDE3-CBC': { name: 'des-ede3-cbc', keyLength: 24, blockSize: 8 },
  'AES-128-CBC': { name: 'aes-128-cbc', keyLength: 16, blockSize: 16 },
  'AES-192-CBC': { name: 'aes-192-cbc', keyLength: 24, blockSize: 16 },
  'AES-256-CBC': { name: 'aes-256-cbc', keyLength: 32, blockSize: 16 },
};

/** Whether a block is RFC 1423-encrypted (Go `x509.IsEncryptedPEMBlock`: it has a `DEK-Info` header). */
export function isLegacyEncrypted(block: PemBlock): boolean {
  return 'DEK-Info' in block.headers;
}

/**
 * Reads a legacy block, decrypting it with `passphrase` when it is encrypted.
 * `bad-passphrase` when decryption or parsing of the decrypted bytes fails, `invalid-key` otherwise.
 */
export function decodeLegacyKey(block: PemBlock, passphrase: string): PrivateKey {
  if (!isLegacyEncrypted(block)) return parseLegacy(block.type, block.bytes);
  const plain = decryptLegacy(block, passphrase);
  try {
    return parseLegacy(block.type, plain);
  } catch (e) {
    if (e instanceof KeyError && e.code === 'invalid-key') throw new KeyError('bad-passphrase', 'the passphrase does not decrypt the key');
    throw e;
  }
}

function parseLegacy(type: string, der: Uint8Array): PrivateKey {
  switch (type) {
    case 'EC PRIVATE KEY':
      return loadDerKey(der, 'sec1');
    case 'RSA PRIVATE KEY':
      return loadDerKey(der, 'pkcs1');
    case 'ED25519 PRIVATE KEY':
      return PrivateKey.fromNotaryEd25519(der);
    default:
      throw new KeyError('invalid-key', `unsupported key type "${type}"`);
  }
}

function decryptLegacy(block: PemBlock, passphrase: string): Uint8Array {
  const [mode, ivHex = ''] = (block.headers['DEK-Info'] as string).split(',').map((s) => s.trim());
  const cipher = CIPHERS[mode ?? ''];
  if (!cipher) throw new KeyError('invalid-key', `unsupported PEM encryption "${String(mode)}"`);
  if (!/^[0-9A-Fa-f]+$/.test(ivHex) || ivHex.length !== 2 * cipher.blockSize) throw new KeyError('invalid-key', 'malformed DEK-Info IV');
  const iv = Buffer.from(ivHex, 'hex');
  const data = block.bytes;
  if (data.length === 0 || data.length % cipher.blockSize !== 0) throw new KeyError('invalid-key', 'encrypted PEM data is not a whole number of blocks');
  const key = evpBytesToKey(Buffer.from(passphrase, 'utf8'), iv.subarray(0, 8), cipher.keyLength);
  const decipher = createDecipheriv(cipher.name, key, iv);
  decipher.setAutoPadding(false);
  const out = Buffer.concat([decipher.update(data), decipher.final()]);
  // Go checks the padding and reports IncorrectPasswordError when it is wrong.
  const pad = out[out.length - 1] as number;
  if (pad === 0 || pad > cipher.blockSize || !out.subarray(out.length - pad).every((b) => b === pad)) {
    throw new KeyError('bad-passphrase', 'the passphrase does not decrypt the key');
  }
  return new Uint8Array(out.subarray(0, out.length - pad));
}

/** OpenSSL `EVP_BytesToKey(MD5, salt, count = 1)`: D_i = MD5(D_{i-1} ‖ pass ‖ salt), concatenated. */
function evpBytesToKey(pass: Buffer, salt: Uint8Array, keyLength: number): Buffer {
  const out: Buffer[] = [];
  let prev: Buffer = Buffer.alloc(0);
  let have = 0;
  while (have < keyLength) {
    prev = createHash('md5').update(prev).update(pass).update(salt).digest();
    out.push(prev);
    have += prev.length;
  }
  return Buffer.concat(out).subarray(0, keyLength);
}
