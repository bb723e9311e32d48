/**
 * Unencrypted PKCS#8 `PrivateKeyInfo` as notary writes it (`tuf/utils/pkcs8.go`,
 * `convertTUFKeyToPKCS8`; protocol doc §7), quirks included:
 * - ECDSA: version **1**, AlgorithmIdentifier `{ecPublicKey, <curve>}`, SEC1 `ECPrivateKey` inside;
 * - RSA: version 0, AlgorithmIdentifier `{rsaEncryption}` with **no NULL** parameter, PKCS#1 inside;
 * - Ed25519: version 0, OID **1.3.6.1.4.1.11591.15.1**, the raw 96-byte blob inside.
 * Reading also accepts standard PKCS#8 (e.g. RFC 8410 Ed25519 from OpenSSL).
 */
import { children, derOctetString, derOid, derSequence, derSmallInteger, oidToString, readTlv } from '../../../crypto/der';
import { KeyError } from './keyErrors';
import { loadDerKey, PrivateKey } from './privateKey';

const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OID_RSA = '1.2.840.113549.1.1.1';
/** notary's Ed25519 OID (not RFC 8410's 1.3.101.112). */
export const OID_NOTARY_ED25519 = '1.3.6.1.4.1.11591.15.1';

/** Curve OIDs by OpenSSL curve name, for the curves Go's `crypto/x509` knows. */
const CURVE_OIDS: Readonly<Record<string, string>> = {
  secp224r1: '1.3.132.0.33',
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
};

/** The `PrivateKeyInfo` DER notary writes for this key (secret: never log it). */
export function encodeNotaryPkcs8(key: PrivateKey): Uint8Array {
  const inner = derOctetString(key.notaryPrivateBytes());
  switch (key.algorithm) {
    case 'ecdsa': {
      const curve = CURVE_OIDS[key.curve ?? ''];
      if (!curve) throw new KeyError('invalid-key', `unsupported elliptic curve ${String(key.curve)}`);
      return derSequence(derSmallInteger(1), derSequence(derOid(OID_EC_PUBLIC_KEY), derOid(curve)), inner);
    }
    case 'rsa':
      return derSequence(derSmallInteger(0), derSequence(derOid(OID_RSA)), inner);
    case 'ed25519':
      return derSequence(derSmallInteger(0), derSequence(derOid(OID_NOTARY_ED25519)), inner);
  }
}

/**
 * Reads an unencrypted `PrivateKeyInfo`: notary's Ed25519 form by hand, everything else (notary's
 * ECDSA with version 1 and RSA without NULL included) through node:crypto. Bytes after the
 * top-level SEQUENCE are ignored, as Go's `asn1.Unmarshal` does. Throws `invalid-key`.
 */
export function decodePkcs8(der: Uint8Array): PrivateKey {
  const top = readTlv(der, 0);
  const parts = top && top.tag === 0x30 ? children(der, top) : undefined;
  const [version, algorithm, privateKey] = parts ?? [];
  const algParts = algorithm?.tag === 0x30 ? children(der, algorithm) : undefined;
  const oid = algParts?.[0] ? oidToString(der, algParts[0]) : undefined;
  if (!top || version?.tag !== 0x02 || privateKey?.tag !== 0x04 || oid === undefined) {
    throw new KeyError('invalid-key', 'not a PKCS#8 private key');
  }
  if (oid === OID_NOTARY_ED25519) return PrivateKey.fromNotaryEd25519(der.subarray(privateKey.start, privateKey.end));
  return loadDerKey(der.subarray(0, top.end), 'pkcs8');
}
