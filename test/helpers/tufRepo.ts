/**
 * Generates a fresh notary-shaped signed repository for each test: new keys every run, metadata
 * laid out and signed the way notary and docker produce it (protocol doc §1–§3). The canonical JSON
 * and key IDs here are computed independently of `src/` (sorted `JSON.stringify`), so a bug in the
 * code under test cannot hide behind the same bug in its fixtures.
 */
import { createHash, generateKeyPairSync, sign, constants, type KeyObject } from 'node:crypto';
import { buildCertificate, type CertSigAlg } from './tufCert';

const DAY = 24 * 60 * 60 * 1000;
const YEAR = 365 * DAY;

/** JSON with object keys sorted and no whitespace: canonical for the ASCII data generated here. */
export function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj).sort().map((k) => `${JSON.stringify(k)}:${sortedJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const sha = (alg: string, b: Uint8Array | string) => createHash(alg).update(b).digest();

/** `YYYY-MM-DDTHH:MM:SSZ`, as notary writes UTC times with whole seconds. */
export function goTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** A signing key with its TUF public form. */
export interface TestKey {
  readonly keytype: string;
  readonly public: Uint8Array;
  /** TUF key ID. */
  readonly id: string;
  readonly method: string;
  readonly privateKey: KeyObject;
  /** Signs like notary: raw r‖s for ECDSA (or DER on request), Ed25519, RSA-PSS salt 32. */
  sign(message: Uint8Array, options?: { derEcdsa?: boolean }): Uint8Array;
}

/** The `{keytype, keyval}` object as it appears in metadata. */
export function keyJson(key: Pick<TestKey, 'keytype' | 'public'>): object {
  return { keytype: key.keytype, keyval: { private: null, public: b64(key.public) } };
}

/** TUF key ID of a key object. */
export function keyIdOf(keytype: string, publicBytes: Uint8Array): string {
  return sha('sha256', sortedJson(keyJson({ keytype, public: publicBytes }))).toString('hex');
}

function makeKey(keytype: string, publicBytes: Uint8Array, method: string, privateKey: KeyObject): TestKey {
  return {
    keytype,
    public: publicBytes,
    id: keyIdOf(keytype, publicBytes),
    method,
    privateKey,
    sign(message, options) {
      if (method === 'ecdsa') return sign('sha256', message, { key: privateKey, dsaEncoding: options?.derEcdsa ? 'der' : 'ieee-p1363' });
      if (method === 'eddsa') return sign(null, message, privateKey);
      return sign('sha256', message, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    },
  };
}

/** An ECDSA P-256 key, type `ecdsa` (DER SubjectPublicKeyInfo). */
export function ecdsaKey(): TestKey {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return makeKey('ecdsa', publicKey.export({ type: 'spki', format: 'der' }), 'ecdsa', privateKey);
}

/** An Ed25519 key, type `ed25519` (raw 32-byte public key), method `eddsa`. */
export function ed25519Key(): TestKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return makeKey('ed25519', publicKey.export({ type: 'spki', format: 'der' }).subarray(-32), 'eddsa', privateKey);
}

/** An RSA key, type `rsa`, method `rsapss`. */
export function rsaKey(bits = 2048): TestKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return makeKey('rsa', publicKey.export({ type: 'spki', format: 'der' }), 'rsapss', privateKey);
}

/** Go's PEM encoding of a certificate (64-character lines). */
export function goPem(der: Uint8Array): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** How to make a root certificate key. */
export interface RootCertOptions {
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly algorithm?: 'ecdsa' | 'rsa';
  readonly sigAlg?: CertSigAlg;
  /** Build the `public` PEM from these instead (e.g. a chain, or other formatting). */
  readonly pem?: (leafDer: Buffer) => string;
  /** A CA that issues the certificate instead of its own key (see {@link testCa}). */
  readonly issuer?: { readonly cn: string; readonly privateKey: KeyObject };
  /** Extended key usages; default codeSigning as notary's; null for none (see `buildCertificate`). */
  readonly extKeyUsage?: readonly string[] | null;
}

/** A CA certificate and its key, to issue root certificates for trust pinning by CA. */
export interface TestCa {
  readonly cn: string;
  readonly der: Buffer;
  readonly pem: string;
  readonly privateKey: KeyObject;
}

/** A self-signed CA (basicConstraints CA:TRUE), valid from `now` for 10 years unless given; `issuer` makes it an intermediate. */
export function testCa(cn: string, now: Date, options: { notBefore?: Date; notAfter?: Date; issuer?: TestCa } = {}): TestCa {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = certificateFor(cn, now, pair, { ...options, isCA: true, extKeyUsage: null });
  return { cn, der, pem: goPem(der), privateKey: pair.privateKey };
}

/** A certificate of `pair`'s public key for `cn`, issued by `options.issuer` or self-signed, valid from `now` for 10 years unless given. */
function certificateFor(
  cn: string,
  now: Date,
  pair: { publicKey: KeyObject; privateKey: KeyObject },
  options: Pick<RootCertOptions, 'notBefore' | 'notAfter' | 'issuer' | 'sigAlg' | 'extKeyUsage'> & { isCA?: boolean },
): Buffer {
  return buildCertificate({
    cn,
    issuerCn: options.issuer?.cn,
    notBefore: options.notBefore ?? now,
    notAfter: options.notAfter ?? new Date(now.getTime() + 10 * YEAR),
    publicKey: pair.publicKey,
    signingKey: options.issuer?.privateKey ?? pair.privateKey,
    ...(options.sigAlg ? { sigAlg: options.sigAlg } : {}),
    ...(options.isCA ? { isCA: true } : {}),
    ...(options.extKeyUsage !== undefined ? { extKeyUsage: options.extKeyUsage } : {}),
  });
}

/** A root key as notary makes it: a self-signed certificate with CN = `cn`, type `ecdsa-x509`. */
export function rootCertKey(cn: string, now: Date, options: RootCertOptions = {}): TestKey & { certDer: Buffer } {
  const rsa = options.algorithm === 'rsa';
  const pair = rsa
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const certDer = certificateFor(cn, now, pair, { ...options, sigAlg: options.sigAlg ?? (rsa ? 'rsa-sha256' : 'ecdsa-sha256') });
  const pem = (options.pem ?? goPem)(certDer);
  const key = makeKey(rsa ? 'rsa-x509' : 'ecdsa-x509', Buffer.from(pem, 'latin1'), rsa ? 'rsapss' : 'ecdsa', pair.privateKey);
  return { ...key, certDer };
}

/** A signed envelope's bytes as notary writes them (the generated data never needs HTML escaping). */
export function signedFile(signed: object, keys: readonly TestKey[], options?: { derEcdsa?: boolean }): Uint8Array {
  const canonical = Buffer.from(sortedJson(signed), 'utf8');
  const signatures = keys.map((k) => ({ keyid: k.id, method: k.method, sig: b64(k.sign(canonical, options)) }));
  return Buffer.from(`{"signed":${canonical.toString('utf8')},"signatures":${JSON.stringify(signatures)}}`, 'utf8');
}

/** FileMeta JSON for some bytes, with both hashes as notary writes them. */
export function fileMeta(bytes: Uint8Array): { hashes: { sha256: string; sha512: string }; length: number } {
  return { hashes: { sha256: sha('sha256', bytes).toString('base64'), sha512: sha('sha512', bytes).toString('base64') }, length: bytes.length };
}

/** Hex SHA-256, e.g. for expected consistent names. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return sha('sha256', bytes).toString('hex');
}
