/**
 * X.509 certificates as notary uses them for root keys: parse, read the fields notary checks, and
 * apply notary's `ValidateCertificate` (`tuf/utils/x509.go`).
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { children, oidToString, readDirectoryString, readTime, readTlv, type Tlv } from './der';
import { DAY_MS } from '../model/time';
import { decodePemBlocks } from './pem';

/** The certificate facts notary's checks depend on. */
export interface CertInfo {
  /** The DER bytes, as Go's `cert.Raw`. */
  readonly der: Uint8Array;
  /** Subject CN as Go reads it (the last CN attribute), e.g. `docker.com/notary0.3/samplerepo`. */
  readonly commonName: string;
  /** Validity bounds in epoch milliseconds. */
  readonly notBefore: number;
  readonly notAfter: number;
  /** basicConstraints cA, as Go's `IsCA`. */
  readonly isCA: boolean;
  /** Dotted OID of the certificate's signature algorithm, e.g. `1.2.840.10045.4.3.2`. */
  readonly signatureAlgorithm: string;
  /** `ec` (P-224/256/384/521 only, as Go), `rsa`, or `other`. */
  readonly keyAlgorithm: 'ec' | 'rsa' | 'other';
  /** Modulus size for RSA keys. */
  readonly rsaBits: number | undefined;
  readonly publicKey: KeyObject;
}

/** Named curves Go's `crypto/x509` supports; node names them by OpenSSL's names. */
export const GO_EC_CURVES: Readonly<Record<string, number>> = {
  secp224r1: 28,
  prime256v1: 32,
  secp384r1: 48,
  secp521r1: 66,
};

const CN_OID = '2.5.4.3';
const SHA1_SIGNATURES = new Set([
  '1.2.840.113549.1.1.5', // sha1WithRSAEncryption
  '1.3.14.3.2.29', // sha1WithRSA (OIW)
  '1.2.840.10040.4.3', // dsa-with-sha1
  '1.2.840.10045.4.1', // ecdsa-with-SHA1
]);

/**
 * Certificates parsed lately, by their DER bytes: verifying a repository reads its root certificate
 * several times (the root's checks, its key IDs, each signature it makes), and parsing one is most of
 * the cost of a signature check. The facts are a function of the bytes alone.
 */
const parsed = new Map<string, CertInfo | undefined>();
const MAX_PARSED = 256;
/** Larger certificates are parsed each time: what is kept stays under 256 × 16 KiB, whatever a server sends. */
const MAX_KEPT_BYTES = 16 * 1024;

/** Parses one DER certificate; `undefined` if it is not one. */
export function parseCertificate(der: Uint8Array): CertInfo | undefined {
  if (der.byteLength > MAX_KEPT_BYTES) return parseCertificateUncached(der.slice());
  const id = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('latin1');
  if (parsed.has(id)) return parsed.get(id);
  const info = parseCertificateUncached(der.slice());
  if (parsed.size >= MAX_PARSED) parsed.delete(parsed.keys().next().value as string);
  parsed.set(id, info);
  return info;
}

/** Forgets the certificates parsed lately (a measurement of a cold start begins with none). */
export function forgetParsedCertificates(): void {
  parsed.clear();
}

/** {@link parseCertificate} without the memory of recent certificates (the tests compare the two). */
export function parseCertificateUncached(der: Uint8Array): CertInfo | undefined {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(der));
  } catch {
    return undefined;
  }
  const fields = readTbsFields(der);
  if (!fields) return undefined;
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  let keyAlgorithm: CertInfo['keyAlgorithm'] = 'other';
  if (key.asymmetricKeyType === 'rsa') keyAlgorithm = 'rsa';
  else if (key.asymmetricKeyType === 'ec' && details.namedCurve !== undefined && details.namedCurve in GO_EC_CURVES) keyAlgorithm = 'ec';
  return {
    der,
    ...fields,
    isCA: cert.ca,
    keyAlgorithm,
    rsaBits: keyAlgorithm === 'rsa' ? details.modulusLength : undefined,
    publicKey: key,
  };
}

/**
 * Go `utils.LoadCertBundleFromPEM`: every PEM block must be a parseable CERTIFICATE, and there must
 * be at least one; otherwise `undefined`.
 */
export function loadCertBundleFromPem(pem: Uint8Array): CertInfo[] | undefined {
  const certs: CertInfo[] = [];
  for (const block of decodePemBlocks(pem)) {
    if (block.type !== 'CERTIFICATE') return undefined;
    const cert = parseCertificate(block.bytes);
    if (!cert) return undefined;
    certs.push(cert);
  }
  return certs.length > 0 ? certs : undefined;
}

/**
 * Go `utils.LoadCertFromPEM`: the first CERTIFICATE block without headers that parses.
 */
export function loadCertFromPem(pem: Uint8Array): CertInfo | undefined {
  for (const block of decodePemBlocks(pem)) {
    if (block.type !== 'CERTIFICATE' || Object.keys(block.headers).length !== 0) continue;
    const cert = parseCertificate(block.bytes);
    if (cert) return cert;
  }
  return undefined;
}

/** Why a certificate fails notary's `ValidateCertificate`. */
export type CertProblem = 'invalid-window' | 'sha1-signature' | 'rsa-too-short' | 'expired';

/**
 * notary `utils.ValidateCertificate`. With `nowMs`, also the expiry check: valid from one day before
 * NotBefore (leeway for clock skew) until NotAfter, with no leeway at the end.
 * Returns `undefined` when the certificate is acceptable.
 */
export function certificateProblem(cert: CertInfo, nowMs?: number): CertProblem | undefined {
  if (cert.notBefore > cert.notAfter) return 'invalid-window';
  if (SHA1_SIGNATURES.has(cert.signatureAlgorithm)) return 'sha1-signature';
  if (cert.keyAlgorithm === 'rsa' && (cert.rsaBits ?? 0) < 2048) return 'rsa-too-short';
  if (nowMs !== undefined && (nowMs + DAY_MS < cert.notBefore || nowMs > cert.notAfter)) return 'expired';
  return undefined;
}

type TbsFields = Pick<CertInfo, 'commonName' | 'notBefore' | 'notAfter' | 'signatureAlgorithm'>;

/** Reads validity, subject CN and the outer signature algorithm from certificate DER. */
function readTbsFields(der: Uint8Array): TbsFields | undefined {
  const top = readTlv(der, 0);
  const parts = top && top.tag === 0x30 ? children(der, top) : undefined;
  if (!parts || parts.length !== 3) return undefined;
  const [tbs, sigAlg] = parts as [Tlv, Tlv, Tlv];
  const algParts = children(der, sigAlg);
  const signatureAlgorithm = algParts?.[0] ? oidToString(der, algParts[0]) : undefined;
  const tbsParts = children(der, tbs);
  if (!tbsParts || signatureAlgorithm === undefined) return undefined;
  // tbsCertificate: [0] version (optional), serial, signature, issuer, validity, subject, …
  const base = tbsParts[0]?.tag === 0xa0 ? 1 : 0;
  const validity = tbsParts[base + 3];
  const subject = tbsParts[base + 4];
  if (!validity || !subject) return undefined;
  const times = children(der, validity);
  if (!times || times.length !== 2) return undefined;
  const notBefore = readTime(der, times[0] as Tlv);
  const notAfter = readTime(der, times[1] as Tlv);
  const commonName = readCommonName(der, subject);
  if (notBefore === undefined || notAfter === undefined || commonName === undefined) return undefined;
  return { commonName, notBefore, notAfter, signatureAlgorithm };
}

/** Go `pkix.Name.FillFromRDNSequence`: the last string-valued CN wins; no CN gives "". */
function readCommonName(der: Uint8Array, name: Tlv): string | undefined {
  const rdns = children(der, name);
  if (!rdns) return undefined;
  let cn = '';
  for (const rdn of rdns) {
    for (const atv of children(der, rdn) ?? []) {
      const pair = children(der, atv);
      if (!pair || pair.length !== 2 || oidToString(der, pair[0] as Tlv) !== CN_OID) continue;
      const value = readDirectoryString(der, pair[1] as Tlv);
      if (value !== undefined) cn = value;
    }
  }
  return cn;
}
