/**
 * Fulcio-shaped signing certificates: the identity they carry (the SAN, and the OIDC issuer in Fulcio's
 * extensions `1.3.6.1.4.1.57264.1.8`, or the older `.1.1`) and, for certificates from a CA the policy
 * names, the path to one of its roots at the signing time, as Go's `x509.Verify` builds it for cosign:
 * every issuer a CA whose signature verifies, names chained, each certificate valid at that time,
 * path lengths respected, and code signing allowed by the leaf's extended key usage.
 */
import { X509Certificate } from '@sigstore/core';
import { decodePemBlocks } from '../../crypto/pem';

const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
const OID_EXT_KEY_USAGE = '2.5.29.37';
const OID_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
const OID_ANY_EXT_KEY_USAGE = '2.5.29.37.0';
/** Longest chain accepted, leaf included. */
const MAX_CHAIN = 6;

/** Who a certificate says signed. */
export interface CertificateIdentity {
  /** The SAN: a URI (workflow, SPIFFE ID) or an e-mail address; undefined when it has neither. */
  readonly subject: string | undefined;
  /** The OIDC issuer, e.g. `https://token.actions.githubusercontent.com`; undefined without Fulcio's extension. */
  readonly issuer: string | undefined;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Parses every `CERTIFICATE` block of a PEM text; malformed blocks make the whole text unusable. */
export function parseCertificatesPem(pem: string | Uint8Array): X509Certificate[] | undefined {
  const bytes = typeof pem === 'string' ? new TextEncoder().encode(pem) : pem;
  const certs: X509Certificate[] = [];
  for (const block of decodePemBlocks(bytes)) {
    if (block.type !== 'CERTIFICATE') continue;
    const cert = parseCertificateDer(block.bytes);
    if (!cert) return undefined;
    certs.push(cert);
  }
  return certs;
}

/** One DER certificate, or undefined. */
export function parseCertificateDer(der: Uint8Array): X509Certificate | undefined {
  try {
    const cert = X509Certificate.parse(Buffer.from(der));
    // Read the fields verification uses, so a malformed certificate fails here and not later.
    const fields = [cert.notBefore, cert.notAfter, cert.subject, cert.issuer, cert.publicKey, cert.extensions];
    return fields.every((f) => f !== undefined) ? cert : undefined;
  } catch {
    return undefined;
  }
}

/** The identity a certificate carries. */
export function certificateIdentity(cert: X509Certificate): CertificateIdentity {
  return { subject: safe(() => cert.subjectAltName), issuer: oidcIssuer(cert), notBefore: cert.notBefore, notAfter: cert.notAfter };
}

/** Fulcio's OIDC issuer extension: `.1.8` holds a DER UTF8String, the deprecated `.1.1` the raw string. */
export function oidcIssuer(cert: X509Certificate): string | undefined {
  return safe(() => {
    const v2 = cert.extension(OID_ISSUER_V2);
    if (v2) return v2.valueObj.subs[0]?.value.toString('utf8');
    return cert.extension(OID_ISSUER_V1)?.value.toString('utf8');
  });
}

/**
 * The outcome of building a path to a trusted root. `reachedRoot` tells a certificate that chains to
 * the roots but fails a check (expired, wrong usage) from one those roots never issued.
 */
export type ChainCheck = { ok: true; path: X509Certificate[] } | { ok: false; reachedRoot: boolean; reason: string };

/**
 * Builds a path from `leaf` through `intermediates` to one of `roots` and checks it at `at`.
 * `intermediates` come from the signature (untrusted); only `roots` are trusted.
 */
export function verifyChain(leaf: X509Certificate, intermediates: readonly X509Certificate[], roots: readonly X509Certificate[], at: Date): ChainCheck {
  if (roots.some((r) => r.equals(leaf))) return { ok: false, reachedRoot: true, reason: 'the signing certificate is itself a trusted root, not a certificate it issued' };
  const paths: X509Certificate[][] = [];
  const walk = (cert: X509Certificate, path: X509Certificate[]): void => {
    if (path.length > MAX_CHAIN || paths.length >= MAX_CHAIN) return;
    for (const root of roots) if (issues(root, cert)) paths.push([...path, root]);
    for (const ca of intermediates) {
      if (!path.some((c) => c.equals(ca)) && !roots.some((r) => r.equals(ca)) && issues(ca, cert)) walk(ca, [...path, ca]);
    }
  };
  walk(leaf, [leaf]);
  if (paths.length === 0) return { ok: false, reachedRoot: false, reason: 'the certificate does not chain to a trusted root' };
  let reason = '';
  for (const path of paths) {
    const problem = checkPath(path, at);
    if (problem === undefined) return { ok: true, path };
    reason ||= problem;
  }
  return { ok: false, reachedRoot: true, reason };
}

// Whether `issuer` names and signed `cert`.
function issues(issuer: X509Certificate, cert: X509Certificate): boolean {
  return safe(() => issuer.subject.equals(cert.issuer) && cert.verify(issuer)) ?? false;
}

// The leaf must allow code signing and be valid at `at`; every certificate above it must be a CA
// within its path length, allowed to sign certificates, and valid at `at`.
function checkPath(path: readonly X509Certificate[], at: Date): string | undefined {
  const leaf = path[0] as X509Certificate;
  if (!allowsCodeSigning(leaf)) return 'the certificate does not allow code signing (extended key usage)';
  if (!leaf.validForDate(at)) {
    return `the signature was made at ${at.toISOString()}, outside the certificate's validity (${leaf.notBefore.toISOString()} to ${leaf.notAfter.toISOString()})`;
  }
  for (let i = 1; i < path.length; i++) {
    const ca = path[i] as X509Certificate;
    if (!ca.isCA) return 'an issuer in the chain is not a CA';
    const limit = ca.extBasicConstraints?.pathLenConstraint;
    if (limit !== undefined && BigInt(i - 1) > limit) return 'the chain exceeds a CA\'s path length constraint';
    if (ca.extKeyUsage && !ca.extKeyUsage.keyCertSign) return 'an issuer in the chain may not sign certificates';
    if (!ca.validForDate(at)) return `a CA certificate of the chain is not valid at ${at.toISOString()} (valid ${ca.notBefore.toISOString()} to ${ca.notAfter.toISOString()})`;
  }
  return undefined;
}

// Go's x509: a leaf without the extension may be used for anything; with it, code signing (or any) must be listed.
function allowsCodeSigning(cert: X509Certificate): boolean {
  const ext = safe(() => cert.extension(OID_EXT_KEY_USAGE));
  if (!ext) return true;
  const usages = safe(() => ext.valueObj.subs[0]?.subs.map((s) => s.toOID())) ?? [];
  return usages.includes(OID_CODE_SIGNING) || usages.includes(OID_ANY_EXT_KEY_USAGE);
}

function safe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
