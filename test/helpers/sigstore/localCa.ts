/**
 * A throw-away certificate authority that mints Fulcio-shaped signing certificates: an e-mail or URI
 * SAN (critical, empty subject, as Fulcio issues them), extended key usage code signing, and the OIDC
 * issuer in Fulcio's extensions `1.3.6.1.4.1.57264.1.1` (raw string) and `.1.8` (DER UTF8String).
 * Validity is free, so tests can make certificates that expired or are not yet valid.
 */
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import {
  derBitString, derBoolean, derGoString, derOctetString, derOid, derSequence, derSet, derSmallInteger, derTime, derTlv, derUnsignedInteger,
} from '../../../src/core/crypto/der';
import { encodePem } from '../../../src/core/crypto/pem';

const OID = {
  ecdsaSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  subjectAltName: '2.5.29.17',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  fulcioIssuerV1: '1.3.6.1.4.1.57264.1.1',
  fulcioIssuerV2: '1.3.6.1.4.1.57264.1.8',
};
const HOUR = 3_600_000;

/** A CA certificate and its key. */
export interface TestCa {
  readonly name: string;
  readonly der: Uint8Array;
  readonly pem: string;
  readonly key: KeyObject;
  readonly spki: Uint8Array;
}

/** A signing certificate. */
export interface TestLeaf {
  readonly der: Uint8Array;
  readonly pem: string;
}

/** Options of a CA. */
export interface CaOptions {
  /** Signed by this CA (an intermediate); self-signed when absent. */
  readonly parent?: TestCa;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

/** Creates a root (or, with `parent`, an intermediate) CA with an ECDSA P-256 key. */
export function createTestCa(name: string, options: CaOptions = {}): TestCa {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = new Uint8Array(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));
  const subject = nameOf(name);
  const issuer = options.parent ? nameOf(options.parent.name) : subject;
  const der = certificate({
    issuer, subject, spki, signer: options.parent?.key ?? privateKey,
    notBefore: options.notBefore ?? new Date(Date.now() - 365 * 24 * HOUR), notAfter: options.notAfter ?? new Date(Date.now() + 3650 * 24 * HOUR),
    extensions: [
      extension(OID.basicConstraints, true, derSequence(derBoolean(true))),
      extension(OID.keyUsage, true, derBitString(Uint8Array.of(0x06), 1)),
      extension(OID.subjectKeyId, false, derOctetString(keyId(spki))),
      ...(options.parent ? [extension(OID.authorityKeyId, false, derSequence(derTlv(0x80, keyId(options.parent.spki))))] : []),
    ],
  });
  return { name, der, pem: encodePem('CERTIFICATE', der), key: privateKey, spki };
}

/** Options of a signing certificate. */
export interface LeafOptions {
  /** The public key certified (the signer's key). */
  readonly publicKey: KeyObject;
  /** SAN: an e-mail address (rfc822Name) or, when it has `://`, a URI. */
  readonly subject: string;
  /** The OIDC issuer written into Fulcio's extensions; none when absent. */
  readonly issuer?: string;
  /** Which of Fulcio's issuer extensions to write (default both). */
  readonly issuerExtensions?: readonly ('v1' | 'v2')[];
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Extended key usage (default code signing). */
  readonly usage?: 'codeSigning' | 'serverAuth';
}

/** Issues a Fulcio-shaped signing certificate. */
export function issueLeaf(ca: TestCa, options: LeafOptions): TestLeaf {
  const spki = new Uint8Array(options.publicKey.export({ type: 'spki', format: 'der' }));
  const san = options.subject.includes('://') ? derTlv(0x86, Buffer.from(options.subject)) : derTlv(0x81, Buffer.from(options.subject));
  const issuerExtensions = options.issuer === undefined ? [] : (options.issuerExtensions ?? ['v1', 'v2']).map((v) => v === 'v1'
    ? extension(OID.fulcioIssuerV1, false, new Uint8Array(Buffer.from(options.issuer as string)))
    : extension(OID.fulcioIssuerV2, false, derTlv(0x0c, Buffer.from(options.issuer as string))));
  const der = certificate({
    issuer: nameOf(ca.name), subject: derSequence(), spki, signer: ca.key,
    notBefore: options.notBefore ?? new Date(Date.now() - HOUR), notAfter: options.notAfter ?? new Date(Date.now() + 24 * HOUR),
    extensions: [
      extension(OID.keyUsage, true, derBitString(Uint8Array.of(0x80), 7)),
      extension(OID.extKeyUsage, false, derSequence(derOid(options.usage === 'serverAuth' ? OID.serverAuth : OID.codeSigning))),
      extension(OID.subjectKeyId, false, derOctetString(keyId(spki))),
      extension(OID.authorityKeyId, false, derSequence(derTlv(0x80, keyId(ca.spki)))),
      extension(OID.subjectAltName, true, derSequence(san)),
      ...issuerExtensions,
    ],
  });
  return { der, pem: encodePem('CERTIFICATE', der) };
}

interface CertificateParts {
  issuer: Uint8Array;
  subject: Uint8Array;
  spki: Uint8Array;
  signer: KeyObject;
  notBefore: Date;
  notAfter: Date;
  extensions: Uint8Array[];
}

function certificate(p: CertificateParts): Uint8Array {
  const algorithm = derSequence(derOid(OID.ecdsaSha256));
  const tbs = derSequence(
    derTlv(0xa0, derSmallInteger(2)),
    derUnsignedInteger(new Uint8Array(randomBytes(16))),
    algorithm,
    p.issuer,
    derSequence(derTime(p.notBefore), derTime(p.notAfter)),
    p.subject,
    p.spki,
    derTlv(0xa3, derSequence(...p.extensions)),
  );
  const signature = sign('sha256', tbs, { key: p.signer, dsaEncoding: 'der' });
  return derSequence(tbs, algorithm, derBitString(new Uint8Array(signature)));
}

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return derSequence(derOid(oid), ...(critical ? [derBoolean(true)] : []), derOctetString(value));
}

function nameOf(cn: string): Uint8Array {
  return derSequence(
    derSet(derSequence(derOid(OID.organization), derGoString('TrustLens tests'))),
    derSet(derSequence(derOid(OID.commonName), derGoString(cn))),
  );
}

function keyId(spki: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(spki).digest());
}
