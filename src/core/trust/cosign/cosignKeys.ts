/**
 * cosign's own key files, read and written byte-compatibly with `cosign generate-key-pair`:
 * - `cosign.key`: PEM `ENCRYPTED SIGSTORE PRIVATE KEY` (or the older `ENCRYPTED COSIGN PRIVATE KEY`)
 *   around the JSON of go-securesystemslib's `encrypted` package: the PKCS#8 private key sealed with
 *   NaCl secretbox (XSalsa20-Poly1305) under a key that scrypt derives from the passphrase
 *   (`{"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":…},"cipher":{"name":"nacl/secretbox","nonce":…},"ciphertext":…}`);
 * - `cosign.pub`: PEM `PUBLIC KEY`.
 * The passphrase comes from `COSIGN_PASSWORD` (an empty value is a valid, empty passphrase, as in
 * cosign) or a prompt. Private key material never leaves this module unencrypted except as the
 * signing function of a {@link CosignSigningKey}.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, scrypt, sign as nodeSign, type KeyObject } from 'node:crypto';
import { secretbox } from '@noble/ciphers/salsa.js';
import { decodeFirstPemBlock, encodePem } from '../../crypto/pem';
import { TrustLensError } from '../../errors';
import { toCosignPublicKey, type CosignPublicKey } from './publicKeys';

export const SIGSTORE_PRIVATE_KEY_PEM_TYPE = 'ENCRYPTED SIGSTORE PRIVATE KEY';
export const COSIGN_PRIVATE_KEY_PEM_TYPE = 'ENCRYPTED COSIGN PRIVATE KEY';
/** The variable cosign reads the passphrase from. */
export const COSIGN_PASSWORD_ENV = 'COSIGN_PASSWORD';

/** scrypt parameter sets go-securesystemslib accepts (legacy, standard = the default, OWASP); others are refused. */
const SCRYPT_PARAMS = [
  { N: 32768, r: 8, p: 1 },
  { N: 65536, r: 8, p: 1 },
  { N: 131072, r: 8, p: 1 },
] as const;
const DEFAULT_SCRYPT = SCRYPT_PARAMS[1];
const SALT_BYTES = 32;
const NONCE_BYTES = 24;
const KEY_BYTES = 32;
const MAX_KEY_FILE_BYTES = 64 * 1024;

/** Algorithms TrustLens generates cosign keys with; cosign's default is `ecdsa-p256`. */
export type CosignKeyAlgorithm = 'ecdsa-p256' | 'ecdsa-p384' | 'ed25519' | 'rsa-3072';

/** A decrypted private key, usable only to sign. */
export interface CosignSigningKey {
  readonly publicKey: CosignPublicKey;
  /** Signs a message as cosign does: ECDSA (ASN.1 DER) or RSA PKCS#1 v1.5 over SHA-256, or pure Ed25519. */
  sign(message: Uint8Array): Uint8Array;
}

/** Who is asking for a passphrase and why. `attempt` counts from 0. */
export interface PassphraseRequest {
  readonly purpose: 'open' | 'create';
  readonly attempt: number;
  /** The key file, when there is one. */
  readonly keyPath?: string;
}

/** Gives a passphrase, or undefined to give up. Never logs it. */
export type PassphraseSource = (request: PassphraseRequest) => Promise<string | undefined>;

/**
 * `COSIGN_PASSWORD` when it is set (first attempt only, since the same value would fail again), else
 * the prompt, if any.
 */
export function cosignPassphraseSource(env: Readonly<Record<string, string | undefined>>, prompt?: PassphraseSource): PassphraseSource {
  return async (request) => {
    const fromEnv = env[COSIGN_PASSWORD_ENV];
    if (fromEnv !== undefined) return request.attempt === 0 ? fromEnv : undefined;
    return prompt ? prompt(request) : undefined;
  };
}

/** A new key pair as cosign files: the encrypted private key PEM and the public key PEM. */
export interface CosignKeyFiles {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  readonly publicKey: CosignPublicKey;
}

/** Generates a key pair and encrypts it with `passphrase` (cosign's default is ECDSA P-256). */
export async function generateCosignKeyPair(passphrase: string, algorithm: CosignKeyAlgorithm = 'ecdsa-p256'): Promise<CosignKeyFiles> {
  const { privateKey } = generate(algorithm);
  return { privateKeyPem: await encryptCosignPrivateKey(privateKey, passphrase), publicKeyPem: publicKeyPem(privateKey), publicKey: toCosignPublicKey(privateKey) };
}

/** The `PUBLIC KEY` PEM of a key, as `cosign.pub`. */
export function publicKeyPem(key: KeyObject): string {
  return encodePem('PUBLIC KEY', toCosignPublicKey(key).spki);
}

/** Encrypts a private key in cosign's format (`ENCRYPTED SIGSTORE PRIVATE KEY`). */
export async function encryptCosignPrivateKey(key: KeyObject, passphrase: string): Promise<string> {
  if (key.type !== 'private') throw new TrustLensError('invalid-key', 'not a private key');
  toCosignPublicKey(key);
  const pkcs8 = new Uint8Array(key.export({ type: 'pkcs8', format: 'der' }));
  const salt = new Uint8Array(randomBytes(SALT_BYTES));
  const nonce = new Uint8Array(randomBytes(NONCE_BYTES));
  const boxKey = await deriveKey(passphrase, salt, DEFAULT_SCRYPT);
  const ciphertext = secretbox(boxKey, nonce).seal(pkcs8);
  pkcs8.fill(0);
  boxKey.fill(0);
  // Field order and names as Go's encoding/json writes go-securesystemslib's struct.
  const json = JSON.stringify({
    kdf: { name: 'scrypt', params: { N: DEFAULT_SCRYPT.N, r: DEFAULT_SCRYPT.r, p: DEFAULT_SCRYPT.p }, salt: b64(salt) },
    cipher: { name: 'nacl/secretbox', nonce: b64(nonce) },
    ciphertext: b64(ciphertext),
  });
  return encodePem(SIGSTORE_PRIVATE_KEY_PEM_TYPE, new TextEncoder().encode(json));
}

/**
 * Decrypts a cosign private key file's content.
 * @throws TrustLensError `bad-passphrase` when the passphrase does not open it, `invalid-key` when it is
 *   not a cosign key (wrong PEM type, unknown KDF or cipher, KDF parameters outside the accepted sets)
 */
export async function decryptCosignPrivateKey(pem: string | Uint8Array, passphrase: string): Promise<CosignSigningKey> {
  const bytes = typeof pem === 'string' ? new TextEncoder().encode(pem) : pem;
  if (bytes.byteLength > MAX_KEY_FILE_BYTES) throw new TrustLensError('invalid-key', 'the key file is too large to be a cosign key');
  const block = decodeFirstPemBlock(bytes);
  if (!block || (block.type !== SIGSTORE_PRIVATE_KEY_PEM_TYPE && block.type !== COSIGN_PRIVATE_KEY_PEM_TYPE)) {
    throw new TrustLensError('invalid-key', `not a cosign private key (expected PEM "${SIGSTORE_PRIVATE_KEY_PEM_TYPE}")`);
  }
  const sealed = parseSealed(block.bytes);
  const boxKey = await deriveKey(passphrase, sealed.salt, sealed.params);
  let pkcs8: Uint8Array;
  try {
    pkcs8 = secretbox(boxKey, sealed.nonce).open(sealed.ciphertext);
  } catch {
    throw new TrustLensError('bad-passphrase', 'the passphrase does not decrypt this cosign key');
  } finally {
    boxKey.fill(0);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new TrustLensError('invalid-key', 'the decrypted cosign key is not a PKCS#8 private key', { cause: e });
  } finally {
    pkcs8.fill(0);
  }
  return signingKey(key);
}

/**
 * Opens a cosign key file's content, asking `passphrases` until one works (three attempts).
 * @throws TrustLensError `passphrase-cancelled` when no passphrase was given, `bad-passphrase` after wrong ones
 */
export async function openCosignPrivateKey(pem: string | Uint8Array, passphrases: PassphraseSource, keyPath?: string): Promise<CosignSigningKey> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const passphrase = await passphrases({ purpose: 'open', attempt, ...(keyPath !== undefined ? { keyPath } : {}) });
    if (passphrase === undefined) {
      if (attempt === 0) throw new TrustLensError('passphrase-cancelled', `no passphrase was given for the cosign key${keyPath ? ` ${keyPath}` : ''} (set ${COSIGN_PASSWORD_ENV})`);
      break;
    }
    try {
      return await decryptCosignPrivateKey(pem, passphrase);
    } catch (e) {
      if (!TrustLensError.is(e, 'bad-passphrase')) throw e;
    }
  }
  throw new TrustLensError('bad-passphrase', `wrong passphrase for the cosign key${keyPath ? ` ${keyPath}` : ''}`);
}

/** A node private key as a signing key (for keys generated in memory, e.g. by tests or callers). */
export function signingKey(key: KeyObject): CosignSigningKey {
  const publicKey = toCosignPublicKey(key);
  const type = key.asymmetricKeyType;
  return {
    publicKey,
    sign(message: Uint8Array): Uint8Array {
      if (type === 'ed25519') return new Uint8Array(nodeSign(null, message, key));
      if (type === 'rsa') return new Uint8Array(nodeSign('sha256', message, key));
      return new Uint8Array(nodeSign('sha256', message, { key, dsaEncoding: 'der' }));
    },
  };
}

function generate(algorithm: CosignKeyAlgorithm): { privateKey: KeyObject } {
  switch (algorithm) {
    case 'ecdsa-p256':
      return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    case 'ecdsa-p384':
      return generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
    case 'rsa-3072':
      return generateKeyPairSync('rsa', { modulusLength: 3072 });
  }
}

interface Sealed {
  params: { N: number; r: number; p: number };
  salt: Uint8Array;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
}

function parseSealed(bytes: Uint8Array): Sealed {
  const bad = (why: string): TrustLensError => new TrustLensError('invalid-key', `unreadable cosign private key: ${why}`);
  let json: { kdf?: { name?: unknown; params?: { N?: unknown; r?: unknown; p?: unknown }; salt?: unknown }; cipher?: { name?: unknown; nonce?: unknown }; ciphertext?: unknown };
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as typeof json;
  } catch {
    throw bad('not JSON');
  }
  if (json?.kdf?.name !== 'scrypt') throw bad(`unknown key derivation ${JSON.stringify(json?.kdf?.name)}`);
  if (json.cipher?.name !== 'nacl/secretbox') throw bad(`unknown cipher ${JSON.stringify(json.cipher?.name)}`);
  const p = json.kdf.params;
  const params = SCRYPT_PARAMS.find((s) => s.N === p?.N && s.r === p?.r && s.p === p?.p);
  // Refusing other parameters keeps a crafted file from costing gigabytes of memory (as Go's CheckParams).
  if (!params) throw bad('unsupported scrypt parameters');
  const salt = fromB64(json.kdf.salt);
  const nonce = fromB64(json.cipher.nonce);
  const ciphertext = fromB64(json.ciphertext);
  if (!salt || !nonce || nonce.length !== NONCE_BYTES || !ciphertext || ciphertext.length <= 16) throw bad('malformed salt, nonce or ciphertext');
  return { params, salt, nonce, ciphertext };
}

function deriveKey(passphrase: string, salt: Uint8Array, params: { N: number; r: number; p: number }): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const maxmem = 256 * params.N * params.r;
    scrypt(Buffer.from(passphrase, 'utf8'), salt, KEY_BYTES, { N: params.N, r: params.r, p: params.p, maxmem }, (error, key) => {
      if (error) reject(new TrustLensError('invalid-key', `cannot derive the key encryption key: ${error.message}`));
      else resolve(new Uint8Array(key));
    });
  });
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

function fromB64(value: unknown): Uint8Array | undefined {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) return undefined;
  return new Uint8Array(Buffer.from(value, 'base64'));
}
