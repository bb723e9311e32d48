/**
 * Revocation of a whole chain (notation-core-go `revocation.ValidateContext` and notation-go
 * `revocationFinalResult`): every certificate but the root, in parallel; OCSP first, the CRL when OCSP
 * gives no answer; a certificate with neither counts as good. Any revoked → revoked; all good → good;
 * else unknown.
 */
import type { NotationCertificate } from '../certificate';
import { checkCrl } from './crl';
import { checkOcsp } from './ocsp';
import type { CertRevocation, CertRevocationStatus, RevocationContext } from './context';

/** The chain's answer, naming the certificate that decided it when it is not good. */
export interface ChainRevocation {
  status: CertRevocationStatus;
  /** Subject of the revoked (or undetermined) certificate. */
  subject?: string;
  /** Per certificate, leaf first (the root is not checked and not listed). */
  certificates: CertRevocation[];
}

async function checkCertificate(cert: NotationCertificate, issuer: NotationCertificate, ctx: RevocationContext): Promise<CertRevocation> {
  if (cert.ocspUrls.length > 0) {
    const ocsp = await checkOcsp(cert, issuer, ctx);
    if (ocsp.status !== 'unknown' || cert.crlUrls.length === 0) return { status: ocsp.status, method: 'ocsp', problems: ocsp.problems };
    const crl = await checkCrl(cert, issuer, ctx);
    return { status: crl.status, method: 'ocsp+crl', problems: [...ocsp.problems, ...crl.problems] };
  }
  if (cert.crlUrls.length > 0) {
    const crl = await checkCrl(cert, issuer, ctx);
    return { status: crl.status, method: 'crl', problems: crl.problems };
  }
  return { status: 'good', method: 'none', problems: [] };
}

/** Checks a chain already validated as leaf-first, issued-by-next, ending with its root. */
export async function checkChainRevocation(chain: readonly NotationCertificate[], ctx: RevocationContext): Promise<ChainRevocation> {
  const certificates = await Promise.all(chain.slice(0, -1).map((cert, i) => checkCertificate(cert, chain[i + 1] as NotationCertificate, ctx)));
  const revoked = certificates.findIndex((c) => c.status === 'revoked');
  if (revoked >= 0) return { status: 'revoked', subject: (chain[revoked] as NotationCertificate).subject, certificates };
  // notation-go reports the problem closest to the root.
  const unknown = certificates.map((c) => c.status).lastIndexOf('unknown');
  if (unknown >= 0) return { status: 'unknown', subject: (chain[unknown] as NotationCertificate).subject, certificates };
  return { status: 'good', certificates };
}
