/**
 * X.509 certificates as the Notary Project certificate requirements read them: parsed with PKI.js (the
 * extensions the spec honours: basic constraints, key usage, extended key usage; plus where to ask
 * about revocation), signatures checked with node:crypto.
 */
import { X509Certificate, createHash, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { encodePem } from '../../crypto/pem';
import { subjectDisplay, subjectAttributes, type SubjectAttributes } from './distinguishedName';

export const OID_KEY_USAGE = '2.5.29.15';
export const OID_BASIC_CONSTRAINTS = '2.5.29.19';
export const OID_EXT_KEY_USAGE = '2.5.29.37';
const OID_AIA = '1.3.6.1.5.5.7.1.1';
const OID_AIA_OCSP = '1.3.6.1.5.5.7.48.1';
const OID_CRL_DP = '2.5.29.31';
const OID_FRESHEST_CRL = '2.5.29.46';

export const EKU = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  any: '2.5.29.37.0',
} as const;

/** RFC 5280 §4.2.1.3 key usage bits, by position. */
export const KEY_USAGE_BITS = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement',
  'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
] as const;
export type KeyUsageBit = (typeof KEY_USAGE_BITS)[number];

// sha1WithRSAEncryption, sha1WithRSA (OIW), dsa-with-sha1, ecdsa-with-SHA1.
const SHA1_SIGNATURES = new Set(['1.2.840.113549.1.1.5', '1.3.14.3.2.29', '1.2.840.10040.4.3', '1.2.840.10045.4.1']);

/** The facts of one certificate the verifier uses. */
export interface NotationCertificate {
  readonly der: Uint8Array;
  readonly node: X509Certificate;
  readonly pki: pkijs.Certificate;
  /** Subject and issuer as notation (Go's `pkix.Name.String`) prints them. */
  readonly subject: string;
  readonly issuer: string;
  /** The subject as attribute sets for trusted identity matching, or why it cannot be matched. */
  readonly subjectAttributes: SubjectAttributes;
  readonly rawSubject: Uint8Array;
  readonly rawIssuer: Uint8Array;
  /** Serial number, lower-case hex without leading zero bytes. */
  readonly serialHex: string;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly basicConstraints?: { critical: boolean; ca: boolean; pathLen?: number };
  readonly keyUsage?: { critical: boolean; bits: ReadonlySet<KeyUsageBit> };
  readonly extKeyUsage?: { critical: boolean; oids: readonly string[] };
  /** `http:` OCSP responder URLs from the authority information access extension, in order. */
  readonly ocspUrls: readonly string[];
  /** CRL distribution point URIs, in order. */
  readonly crlUrls: readonly string[];
  readonly hasFreshestCrl: boolean;
  readonly sha1Signature: boolean;
  readonly publicKey: KeyObject;
  /** SHA-256 of the DER, lower-case hex. */
  readonly thumbprint: string;
}

/** Parses one DER certificate. Throws an Error with a readable message when it is not one. */
export function parseCertificate(der: Uint8Array): NotationCertificate {
  let node: X509Certificate;
  let pki: pkijs.Certificate;
  try {
    node = new X509Certificate(Buffer.from(der));
    pki = pkijs.Certificate.fromBER(der);
  } catch (e) {
    throw new Error(`malformed certificate: ${(e as Error).message}`);
  }
  const rawSubject = new Uint8Array(pki.subject.valueBeforeDecode);
  const rawIssuer = new Uint8Array(pki.issuer.valueBeforeDecode);
  const facts: Partial<Record<'basicConstraints' | 'keyUsage' | 'extKeyUsage', unknown>> = {};
  const ocspUrls: string[] = [];
  const crlUrls: string[] = [];
  let hasFreshestCrl = false;
  const seen = new Set<string>();
  for (const ext of pki.extensions ?? []) {
    // RFC 5280 §4.2: a certificate MUST NOT include more than one instance of an extension.
    if (seen.has(ext.extnID)) throw new Error(`malformed certificate: duplicate extension ${ext.extnID}`);
    seen.add(ext.extnID);
    const critical = ext.critical === true;
    const parsed = ext.parsedValue as unknown;
    switch (ext.extnID) {
      case OID_BASIC_CONSTRAINTS: {
        const bc = parsed as pkijs.BasicConstraints;
        const pathLen = bc.pathLenConstraint instanceof asn1js.Integer ? bc.pathLenConstraint.valueBlock.valueDec : bc.pathLenConstraint;
        facts.basicConstraints = { critical, ca: bc.cA === true, ...(typeof pathLen === 'number' ? { pathLen } : {}) };
        break;
      }
      case OID_KEY_USAGE:
        facts.keyUsage = { critical, bits: keyUsageBits(parsed) };
        break;
      case OID_EXT_KEY_USAGE:
        facts.extKeyUsage = { critical, oids: [...((parsed as pkijs.ExtKeyUsage).keyPurposes ?? [])] };
        break;
      case OID_AIA:
        for (const d of (parsed as pkijs.InfoAccess).accessDescriptions ?? []) {
          if (d.accessMethod === OID_AIA_OCSP && d.accessLocation.type === 6) ocspUrls.push(String(d.accessLocation.value));
        }
        break;
      case OID_CRL_DP:
        for (const dp of (parsed as pkijs.CRLDistributionPoints).distributionPoints ?? []) {
          if (!Array.isArray(dp.distributionPoint)) continue;
          for (const name of dp.distributionPoint) if (name.type === 6) crlUrls.push(String(name.value));
        }
        break;
      case OID_FRESHEST_CRL:
        hasFreshestCrl = true;
        break;
    }
  }
  if (seen.has(OID_KEY_USAGE) && !(facts.keyUsage as { bits: Set<string> } | undefined)?.bits) throw new Error('malformed certificate: bad key usage');
  return {
    der,
    node,
    pki,
    subject: subjectDisplay(pki.subject),
    issuer: subjectDisplay(pki.issuer),
    subjectAttributes: subjectAttributes(pki.subject),
    rawSubject,
    rawIssuer,
    serialHex: serialHex(pki.serialNumber),
    notBefore: pki.notBefore.value.getTime(),
    notAfter: pki.notAfter.value.getTime(),
    ...(facts as Pick<NotationCertificate, 'basicConstraints' | 'keyUsage' | 'extKeyUsage'>),
    ocspUrls,
    crlUrls,
    hasFreshestCrl,
    sha1Signature: SHA1_SIGNATURES.has(pki.signatureAlgorithm.algorithmId),
    publicKey: node.publicKey,
    thumbprint: createHash('sha256').update(der).digest('hex'),
  };
}

function keyUsageBits(parsed: unknown): Set<KeyUsageBit> {
  if (!(parsed instanceof asn1js.BitString)) return new Set();
  const bytes = parsed.valueBlock.valueHexView;
  const bits = new Set<KeyUsageBit>();
  KEY_USAGE_BITS.forEach((name, i) => {
    const byte = bytes[i >> 3];
    if (byte !== undefined && (byte & (0x80 >> (i & 7))) !== 0) bits.add(name);
  });
  return bits;
}

function serialHex(serial: asn1js.Integer): string {
  const hex = Buffer.from(serial.valueBlock.valueHexView).toString('hex').replace(/^(00)+(?=.)/, '');
  return hex === '' ? '00' : hex;
}

/** Byte equality of two DER blobs (public data, so early exit is fine). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}

/** Does `parent`'s key verify `child`'s signature (no CA checks: see certChain.ts)? */
export function signatureVerifiedBy(child: NotationCertificate, parent: NotationCertificate): boolean {
  try {
    return child.node.verify(parent.publicKey);
  } catch {
    return false;
  }
}

/** Issued by: `parent`'s subject is `child`'s issuer (byte for byte) and its key verifies the signature. */
export function isIssuedBy(child: NotationCertificate, parent: NotationCertificate): boolean {
  return sameBytes(child.rawIssuer, parent.rawSubject) && signatureVerifiedBy(child, parent);
}

export function isSelfSigned(cert: NotationCertificate): boolean {
  return isIssuedBy(cert, cert);
}

/** The certificate as PEM, e.g. for a trust store file. */
export function certificatePem(cert: NotationCertificate): string {
  return encodePem('CERTIFICATE', cert.der);
}

/** Is `time` (epoch ms) inside the certificate's validity, bounds included? */
export function validAt(cert: NotationCertificate, time: number): boolean {
  return time >= cert.notBefore && time <= cert.notAfter;
}
