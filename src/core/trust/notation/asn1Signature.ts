/**
 * Signatures named by ASN.1 algorithm identifiers, as CMS (RFC 5652), OCSP (RFC 6960) and CRLs
 * (RFC 5280) carry them, checked with node:crypto. SHA-1 and anything unknown are refused.
 */
import { constants, verify, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

const HASHES: Readonly<Record<string, 'sha256' | 'sha384' | 'sha512'>> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
// Full signature algorithms: RSA PKCS #1 v1.5 and ECDSA with SHA-2.
const SIGNATURES: Readonly<Record<string, { hash: 'sha256' | 'sha384' | 'sha512'; kind: 'rsa' | 'ecdsa' }>> = {
  '1.2.840.113549.1.1.11': { hash: 'sha256', kind: 'rsa' },
  '1.2.840.113549.1.1.12': { hash: 'sha384', kind: 'rsa' },
  '1.2.840.113549.1.1.13': { hash: 'sha512', kind: 'rsa' },
  '1.2.840.10045.4.3.2': { hash: 'sha256', kind: 'ecdsa' },
  '1.2.840.10045.4.3.3': { hash: 'sha384', kind: 'ecdsa' },
  '1.2.840.10045.4.3.4': { hash: 'sha512', kind: 'ecdsa' },
};
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const RSASSA_PSS = '1.2.840.113549.1.1.10';
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';

/** The node:crypto name of a digest algorithm identifier, or undefined when not allowed. */
export function hashName(algorithm: pkijs.AlgorithmIdentifier | string): 'sha256' | 'sha384' | 'sha512' | undefined {
  return HASHES[typeof algorithm === 'string' ? algorithm : algorithm.algorithmId];
}

/** RSASSA-PSS parameters (RFC 4055 §3.1): the hash and the salt length. */
function pssParams(params: unknown): { hash: 'sha256' | 'sha384' | 'sha512'; saltLength: number } | undefined {
  if (!(params instanceof asn1js.Sequence)) return undefined;
  let hash: 'sha256' | 'sha384' | 'sha512' | undefined;
  let saltLength = 20;
  for (const item of params.valueBlock.value) {
    const tag = item.idBlock.tagNumber;
    const inner = (item as asn1js.Constructed).valueBlock.value?.[0];
    if (tag === 0 && inner instanceof asn1js.Sequence) {
      const oid = inner.valueBlock.value[0];
      hash = oid instanceof asn1js.ObjectIdentifier ? HASHES[oid.valueBlock.toString()] : undefined;
    } else if (tag === 2 && inner instanceof asn1js.Integer) {
      saltLength = inner.valueBlock.valueDec;
    }
  }
  return hash ? { hash, saltLength } : undefined;
}

/**
 * Checks `signature` over `data`. `digestAlgorithm` is the CMS signer's digest algorithm, needed when
 * the signature algorithm is plain rsaEncryption or ecPublicKey (RFC 5754 §3).
 */
export function verifyAsn1Signature(
  signatureAlgorithm: pkijs.AlgorithmIdentifier,
  key: KeyObject,
  data: Uint8Array,
  signature: Uint8Array,
  digestAlgorithm?: pkijs.AlgorithmIdentifier,
): boolean {
  const oid = signatureAlgorithm.algorithmId;
  try {
    const known = SIGNATURES[oid];
    if (known) {
      if (key.asymmetricKeyType !== (known.kind === 'rsa' ? 'rsa' : 'ec')) return false;
      return verify(known.hash, data, known.kind === 'rsa' ? { key, padding: constants.RSA_PKCS1_PADDING } : { key, dsaEncoding: 'der' }, signature);
    }
    if (oid === RSASSA_PSS) {
      const pss = pssParams(signatureAlgorithm.algorithmParams);
      if (!pss || key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'rsa-pss') return false;
      return verify(pss.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength }, signature);
    }
    if ((oid === RSA_ENCRYPTION || oid === EC_PUBLIC_KEY) && digestAlgorithm) {
      const hash = hashName(digestAlgorithm);
      if (!hash) return false;
      if (oid === RSA_ENCRYPTION) return key.asymmetricKeyType === 'rsa' && verify(hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
      return key.asymmetricKeyType === 'ec' && verify(hash, data, { key, dsaEncoding: 'der' }, signature);
    }
  } catch {
    return false;
  }
  return false;
}
