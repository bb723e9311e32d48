/**
 * The self-signed certificate notary makes for a repository's root key (`tuf/utils/x509.go`
 * `NewCertificate`, `cryptoservice/certificate.go` `GenerateCertificate`; protocol doc §3.3),
 * DER-encoded field for field as Go's `x509.CreateCertificate` writes that template:
 * v3, random serial below 2^128, ecdsa-with-SHA256, subject = issuer = `CN=<GUN>`, NotBefore now,
 * NotAfter now + 3650 days, then the extensions keyUsage (critical; digitalSignature,
 * keyEncipherment), extKeyUsage (codeSigning) and basicConstraints (critical; CA:FALSE).
 * node:crypto cannot build certificates, so this is a minimal DER builder.
 */
import { randomBytes } from 'node:crypto';
import {
  derBitString, derBoolean, derGoString, derOctetString, derOid, derSequence, derSet, derSmallInteger, derTime, derTlv,
  derUnsignedInteger,
} from '../../../crypto/der';
import { makeTufKey, type TufPublicKey } from '../tuf/keys';
import { encodePem } from '../../../crypto/pem';
import type { SigningKey } from './signingKey';
import { KeyError } from './keyErrors';
import { DAY_MS } from '../../../model/time';

const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const OID_COMMON_NAME = '2.5.4.3';
const OID_KEY_USAGE = '2.5.29.15';
const OID_EXT_KEY_USAGE = '2.5.29.37';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';
const OID_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
/** notary: `startTime.Add(notary.Year * 10)` with `Year = 365 * 24h`. */
export const ROOT_CERT_VALIDITY_DAYS = 3650;

/** What to certify. */
export interface RootCertificateOptions {
  /** The repository's GUN, e.g. `127.0.0.1:5000/library/alpine`; becomes subject and issuer CN. */
  readonly gun: string;
  /** NotBefore (whole seconds are kept); default now. */
  readonly notBefore?: Date;
  /** Serial number bytes (unsigned, at most 16); default 16 random bytes, as notary's `rand.Int(2^128)`. */
  readonly serial?: Uint8Array;
}

/** A certificate and the `ecdsa-x509` key root.json lists for it. */
export interface RootCertificate {
  readonly der: Uint8Array;
  /** Exactly Go's `pem.EncodeToMemory` output, the bytes of the key's `public`. */
  readonly pem: string;
  /** `ecdsa-x509` key; its ID is the certificate key ID notary computes. */
  readonly publicKey: TufPublicKey;
}

/**
 * Builds and signs the root certificate for `key`, which must be a bare `ecdsa` key (its
 * `sign` returns notary's raw r‖s over SHA-256, which is turned into the DER signature X.509 needs).
 */
export async function createRootCertificate(key: SigningKey, options: RootCertificateOptions): Promise<RootCertificate> {
  if (key.publicKey.keytype !== 'ecdsa') throw new KeyError('invalid-key', 'root certificates need a bare ECDSA key');
  const notBefore = new Date(Math.floor((options.notBefore ?? new Date()).getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + ROOT_CERT_VALIDITY_DAYS * DAY_MS);
  const serial = options.serial ?? randomBytes(16);
  if (serial.length > 16 || serial.every((b) => b === 0)) throw new KeyError('invalid-key', 'a certificate serial must be 1 to 16 bytes and not zero');
  const algorithm = derSequence(derOid(OID_ECDSA_SHA256));
  const name = derSequence(derSet(derSequence(derOid(OID_COMMON_NAME), derGoString(options.gun))));
  const tbs = derSequence(
    derTlv(0xa0, derSmallInteger(2)),
    derUnsignedInteger(serial),
    algorithm,
    name,
    derSequence(derTime(notBefore), derTime(notAfter)),
    name,
    key.publicKey.public,
    derTlv(0xa3, derSequence(
      // digitalSignature (bit 0) + keyEncipherment (bit 2): 0b101 → 0xa0 with 5 unused bits, as Go trims it.
      extension(OID_KEY_USAGE, true, derBitString(Uint8Array.of(0xa0), 5)),
      extension(OID_EXT_KEY_USAGE, false, derSequence(derOid(OID_CODE_SIGNING))),
      // CA:FALSE and no path length: Go omits both fields, leaving an empty SEQUENCE.
      extension(OID_BASIC_CONSTRAINTS, true, derSequence()),
    )),
  );
  const signature = await key.sign(tbs);
  if (signature.method !== 'ecdsa' || signature.sig.length % 2 !== 0) throw new KeyError('invalid-key', 'root certificates need an ECDSA signature');
  const der = derSequence(tbs, algorithm, derBitString(rawToDerSignature(signature.sig)));
  const pem = encodePem('CERTIFICATE', der);
  return { der, pem, publicKey: makeTufKey('ecdsa-x509', new Uint8Array(Buffer.from(pem, 'latin1'))) };
}

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? derSequence(derOid(oid), derBoolean(true), derOctetString(value)) : derSequence(derOid(oid), derOctetString(value));
}

/** Raw `r‖s` (each half the length) as ASN.1 `SEQUENCE { r INTEGER, s INTEGER }`. */
export function rawToDerSignature(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  return derSequence(derUnsignedInteger(raw.subarray(0, half)), derUnsignedInteger(raw.subarray(half)));
}
