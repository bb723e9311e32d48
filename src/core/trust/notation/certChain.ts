/**
 * Certificate chain requirements (signature-specification.md, "Certificate Requirements"), applied to
 * the envelope's chain (code signing) and to a timestamp token's chain (time stamping), independent of
 * any trust store. Each function returns a message saying what is wrong, or undefined.
 */
import { EKU, isIssuedBy, isSelfSigned, signatureVerifiedBy, type NotationCertificate } from './certificate';
import { algorithmForKey } from './keySpec';

export type ChainPurpose = 'codeSigning' | 'timeStamping';

const FORBIDDEN_LEAF_KEY_USAGES = ['keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'] as const;
// A code signing leaf MAY list id-kp-codeSigning and MUST NOT list these (spec, "Leaf Certificates" 3).
const FORBIDDEN_CODE_SIGNING_EKUS: Readonly<Record<string, string>> = {
  [EKU.any]: 'anyExtendedKeyUsage',
  [EKU.serverAuth]: 'serverAuth',
  [EKU.clientAuth]: 'clientAuth',
  [EKU.emailProtection]: 'emailProtection',
  [EKU.timeStamping]: 'timeStamping',
  [EKU.ocspSigning]: 'OCSPSigning',
};

function name(cert: NotationCertificate): string {
  return `certificate "${cert.subject}"`;
}

/**
 * Validates a chain given leaf first and ending with a self-signed root ("Other requirements" 1 and 2):
 * each certificate issued by the next, nothing unrelated in it, CA and leaf rules per purpose, no SHA-1.
 */
export function validateChain(chain: readonly NotationCertificate[], purpose: ChainPurpose): string | undefined {
  if (chain.length === 0) return 'the certificate chain is empty';
  for (const cert of chain) {
    if (cert.sha1Signature) return `${name(cert)} is signed with SHA-1, which is not allowed`;
  }
  if (chain.length === 1) {
    const only = chain[0] as NotationCertificate;
    // A lone certificate is its own root and must meet the leaf requirements instead of the CA ones.
    if (!signatureVerifiedBy(only, only)) return `${name(only)} is not self-signed: the chain must end with a root certificate`;
    if (!isSelfSigned(only)) return `${name(only)} is not self-signed: its issuer and subject differ`;
    return validateLeaf(only, purpose);
  }
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i] as NotationCertificate;
    const last = i === chain.length - 1;
    if (last) {
      if (!isSelfSigned(cert)) return `the root ${name(cert)} is not self-signed; the chain must end with a self-signed root`;
    } else {
      if (isSelfSigned(cert)) return `${i === 0 ? 'the leaf' : 'the intermediate'} ${name(cert)} is self-signed but not the last certificate`;
      const parent = chain[i + 1] as NotationCertificate;
      if (!isIssuedBy(cert, parent)) return `${name(cert)} is not issued by "${parent.subject}"`;
    }
    const problem = i === 0 ? validateLeaf(cert, purpose) : validateCa(cert, i - 1, purpose);
    if (problem) return problem;
  }
  return undefined;
}

function validateCa(cert: NotationCertificate, expectedPathLen: number, purpose: ChainPurpose): string | undefined {
  const bc = cert.basicConstraints;
  // "Root and Intermediate CA Certificates" 1: basicConstraints present, critical, cA true.
  if (!bc || !bc.ca || !bc.critical) return `${name(cert)}: basic constraints must be present, critical and have cA set`;
  if (bc.pathLen !== undefined && bc.pathLen < expectedPathLen) {
    return `${name(cert)}: its path length constraint ${bc.pathLen} is below the ${expectedPathLen} certificates it signs for`;
  }
  const ku = cert.keyUsage;
  if (!ku) return `${name(cert)}: the key usage extension must be present`;
  // Code signing CAs MUST mark key usage critical; for time stamping CAs it SHOULD be.
  if (purpose === 'codeSigning' && !ku.critical) return `${name(cert)}: the key usage extension must be critical`;
  if (!ku.bits.has('keyCertSign')) return `${name(cert)}: key usage must include keyCertSign`;
  return undefined;
}

function validateLeaf(cert: NotationCertificate, purpose: ChainPurpose): string | undefined {
  if (cert.basicConstraints?.ca) return `${name(cert)}: a signing certificate must not be a CA (basic constraints cA is set)`;
  const ku = cert.keyUsage;
  if (!ku) return `${name(cert)}: the key usage extension must be present`;
  if (purpose === 'codeSigning' && !ku.critical) return `${name(cert)}: the key usage extension must be critical`;
  if (!ku.bits.has('digitalSignature')) return `${name(cert)}: key usage must include digitalSignature`;
  const extra = FORBIDDEN_LEAF_KEY_USAGES.filter((bit) => ku.bits.has(bit));
  if (extra.length > 0) return `${name(cert)}: key usage must be digitalSignature only, but also has ${extra.join(', ')}`;
  const eku = cert.extKeyUsage;
  if (purpose === 'codeSigning') {
    const forbidden = (eku?.oids ?? []).map((oid) => FORBIDDEN_CODE_SIGNING_EKUS[oid]).filter((n): n is string => n !== undefined);
    if (forbidden.length > 0) return `${name(cert)}: extended key usage ${forbidden.join(', ')} is not allowed for code signing (only codeSigning)`;
  } else {
    // RFC 3161 §2.3: a TSA certificate has exactly one, critical, extended key usage: timeStamping.
    if (!eku || eku.oids.length !== 1 || eku.oids[0] !== EKU.timeStamping || !eku.critical) {
      return `${name(cert)}: a timestamping certificate must have timeStamping, critical, as its only extended key usage`;
    }
  }
  const alg = algorithmForKey(cert.publicKey);
  if ('error' in alg) return `${name(cert)}: ${alg.error}`;
  return undefined;
}
