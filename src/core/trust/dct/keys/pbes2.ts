/**
 * PKCS#8 `EncryptedPrivateKeyInfo` with PBES2 (RFC 8018), as notary writes it
 * (`tuf/utils/pkcs8.go` `convertTUFKeyToPKCS8Encrypted`; protocol doc §7): PBKDF2 with an 8-byte
 * salt, 2048 iterations, no keyLength and no PRF (so HMAC-SHA1), then AES-256-CBC with a 16-byte IV
 * and PKCS#7 padding. Reading also honours an explicit PRF and AES-128/192-CBC, as OpenSSL writes.
 */
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from 'node:crypto';
import { children, derOctetString, derOid, derSequence, derSmallInteger, oidToString, readSmallInteger, readTlv, type Tlv } from '../../../crypto/der';
import { KeyError } from './keyErrors';

const OID_PBES2 = '1.2.840.113549.1.5.13';
const OID_PBKDF2 = '1.2.840.113549.1.5.12';
const OID_AES256_CBC = '2.16.840.1.101.3.4.1.42';

/** notary's fixed PBKDF2 iteration count. */
export const NOTARY_ITERATIONS = 2048;
/** Refuse files that would make PBKDF2 run for minutes. */
const MAX_ITERATIONS = 10_000_000;

const CIPHERS: Readonly<Record<string, { name: string; keyLength: number }>> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24 },
  [OID_AES256_CBC]: { name: 'aes-256-cbc', keyLength: 32 },
};

const PRFS: Readonly<Record<string, string>> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

/** Fixed salt and IV, for reproducing a file byte for byte in tests. Random when omitted. */
export interface Pbes2Randomness {
  /** 8 bytes. */
  salt?: Uint8Array;
  /** 16 bytes. */
  iv?: Uint8Array;
}

/** Encrypts a `PrivateKeyInfo` exactly as notary does and returns the `EncryptedPrivateKeyInfo` DER. */
export function encryptPkcs8(plain: Uint8Array, passphrase: string, randomness: Pbes2Randomness = {}): Uint8Array {
  const salt = randomness.salt ?? randomBytes(8);
  const iv = randomness.iv ?? randomBytes(16);
  const key = pbkdf2Sync(passphrase, salt, NOTARY_ITERATIONS, 32, 'sha1');
  // node's PKCS#7 padding adds a whole block when the input is aligned, as notary's code does.
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]);
  const kdf = derSequence(derOid(OID_PBKDF2), derSequence(derOctetString(salt), derSmallInteger(NOTARY_ITERATIONS)));
  const scheme = derSequence(derOid(OID_AES256_CBC), derOctetString(iv));
  return derSequence(derSequence(derOid(OID_PBES2), derSequence(kdf, scheme)), derOctetString(encrypted));
}

interface Pbes2Params {
  salt: Uint8Array;
  iterations: number;
  prf: string;
  cipher: { name: string; keyLength: number };
  iv: Uint8Array;
  data: Uint8Array;
}

/**
 * Decrypts an `EncryptedPrivateKeyInfo` and returns the `PrivateKeyInfo` DER (padding removed).
 * `invalid-key` for a structure or scheme it does not support; `bad-passphrase` when the padding
 * shows the passphrase is wrong. (A wrong passphrase can still pass the padding check; the caller
 * must treat a `PrivateKeyInfo` that does not parse as a wrong passphrase too.)
 */
export function decryptPkcs8(der: Uint8Array, passphrase: string): Uint8Array {
  const p = readParams(der);
  const key = pbkdf2Sync(passphrase, p.salt, p.iterations, p.cipher.keyLength, p.prf);
  const decipher = createDecipheriv(p.cipher.name, key, p.iv);
  decipher.setAutoPadding(false);
  const out = Buffer.concat([decipher.update(p.data), decipher.final()]);
  const pad = out[out.length - 1] as number;
  if (pad < 1 || pad > 16 || pad > out.length || !out.subarray(out.length - pad).every((b) => b === pad)) {
    throw new KeyError('bad-passphrase', 'the passphrase does not decrypt the key');
  }
  return new Uint8Array(out.subarray(0, out.length - pad));
}

function readParams(der: Uint8Array): Pbes2Params {
  const fail = (why: string): never => {
    throw new KeyError('invalid-key', `unsupported encrypted private key: ${why}`);
  };
  const kids = (t: Tlv | undefined): Tlv[] => (t && t.tag === 0x30 ? children(der, t) : undefined) ?? fail('malformed DER');
  const [algorithm, data] = kids(readTlv(der, 0));
  const [schemeOid, schemeParams] = kids(algorithm);
  if (!schemeOid || oidToString(der, schemeOid) !== OID_PBES2) fail('only PBES2 is supported');
  const [kdf, enc] = kids(schemeParams);
  const [kdfOid, kdfParams] = kids(kdf);
  if (!kdfOid || oidToString(der, kdfOid) !== OID_PBKDF2) fail('only PBKDF2 is supported');
  const [salt, iterations, ...optional] = kids(kdfParams);
  let prf = 'sha1';
  let keyLength: number | undefined;
  for (const t of optional) {
    if (t.tag === 0x02) keyLength = readSmallInteger(der, t);
    else if (t.tag === 0x30) prf = PRFS[oidToString(der, kids(t)[0] ?? fail('malformed PRF')) ?? ''] ?? fail('unsupported PBKDF2 PRF');
  }
  const [encOid, iv] = kids(enc);
  const cipher = CIPHERS[(encOid && oidToString(der, encOid)) ?? ''] ?? fail('only AES-CBC is supported');
  const count = iterations ? readSmallInteger(der, iterations) : undefined;
  if (salt?.tag !== 0x04 || count === undefined || count < 1 || count > MAX_ITERATIONS) fail('bad PBKDF2 parameters');
  if (keyLength !== undefined && keyLength !== cipher.keyLength) fail('key length does not match the cipher');
  if (iv?.tag !== 0x04 || iv.end - iv.start !== 16) fail('bad IV');
  if (data?.tag !== 0x04 || (data.end - data.start) % 16 !== 0 || data.end === data.start) fail('bad ciphertext length');
  return {
    salt: der.subarray((salt as Tlv).start, (salt as Tlv).end),
    iterations: count as number,
    prf,
    cipher,
    iv: der.subarray((iv as Tlv).start, (iv as Tlv).end),
    data: der.subarray((data as Tlv).start, (data as Tlv).end),
  };
}
