/**
 * The root role's certificates, as notary's trust pinning reads them (`trustpinning/certs.go`
 * `parseAllCerts`, `validRootLeafCerts`, `validRootIntCerts`; `utils.CertsToKeys`).
 */
import { certBundleToKey, type TufPublicKey } from './keys';
import { certificateProblem, loadCertBundleFromPem, type CertInfo, type CertProblem } from '../../../crypto/x509';
import type { Root } from './metadata';

/** A root key's leaf certificate and the CA certificates bundled after it. */
export interface RootCert {
  readonly leaf: CertInfo;
  readonly intermediates: readonly CertInfo[];
}

/** Why a leaf certificate was not usable. */
export interface LeafRejection {
  /** TUF key ID of the root key holding the certificate. */
  readonly keyId: string;
  readonly commonName: string;
  readonly problem: CertProblem | 'cn-mismatch';
}

/**
 * notary `parseAllCerts`: for each key listed in `roles.root.keyids`, its PEM bundle must parse, hold
 * exactly one non-CA certificate and start with it; the CA certificates are its intermediates.
 * Keyed by the key's recomputed TUF ID, as notary does.
 */
export function parseRootCerts(root: Root): Map<string, RootCert> {
  const out = new Map<string, RootCert>();
  for (const keyId of root.roles.get('root')?.keyids ?? []) {
    const key = root.keys.get(keyId);
    const bundle = key ? loadCertBundleFromPem(key.public) : undefined;
    if (!key || !bundle) continue;
    const leaves = bundle.filter((c) => !c.isCA);
    if (leaves.length !== 1 || bundle[0]?.isCA) continue;
    out.set(key.id, { leaf: leaves[0] as CertInfo, intermediates: bundle.filter((c) => c.isCA) });
  }
  return out;
}

/**
 * notary `MatchCNToGun`: equal, or a CN ending in `*` whose prefix (all trailing `*` trimmed)
 * starts the GUN, e.g. CN `docker.io/library/*` matches `docker.io/library/alpine`.
 */
export function matchCnToGun(commonName: string, gun: string): boolean {
  if (commonName.endsWith('*')) return gun.startsWith(commonName.replace(/\*+$/, ''));
  return commonName === gun;
}

/**
 * notary `validRootLeafCerts`: leaves whose CN matches the GUN and that pass `ValidateCertificate`
 * (with the expiry check when `nowMs` is given). Also returns why the others were dropped.
 */
export function validLeafCerts(
  certs: ReadonlyMap<string, RootCert>,
  gun: string,
  nowMs: number | undefined,
): { valid: Map<string, RootCert>; rejected: LeafRejection[] } {
  const valid = new Map<string, RootCert>();
  const rejected: LeafRejection[] = [];
  for (const [keyId, cert] of certs) {
    const commonName = cert.leaf.commonName;
    const problem = matchCnToGun(commonName, gun) ? certificateProblem(cert.leaf, nowMs) : 'cn-mismatch';
    if (problem) rejected.push({ keyId, commonName, problem });
    else valid.set(keyId, cert);
  }
  return { valid, rejected };
}

/** notary `validRootIntCerts`: intermediates that pass `ValidateCertificate` with the expiry check. */
export function withValidIntermediates(certs: ReadonlyMap<string, RootCert>, nowMs: number): Map<string, RootCert> {
  const out = new Map<string, RootCert>();
  for (const [keyId, cert] of certs) {
    out.set(keyId, { leaf: cert.leaf, intermediates: cert.intermediates.filter((c) => certificateProblem(c, nowMs) === undefined) });
  }
  return out;
}

/**
 * notary `utils.CertsToKeys`: each leaf and its intermediates rebuilt as a Go-PEM `*-x509` key,
 * keyed by the rebuilt key's ID (which is what signatures must name).
 */
export function certsToKeys(certs: ReadonlyMap<string, RootCert>): Map<string, TufPublicKey> {
  const keys = new Map<string, TufPublicKey>();
  for (const cert of certs.values()) {
    const key = certBundleToKey(cert.leaf, cert.intermediates);
    if (key) keys.set(key.id, key);
  }
  return keys;
}

/** The key ID notary's certificate pinning compares: that of the rebuilt leaf + intermediates key. */
export function rootCertKeyId(cert: RootCert): string | undefined {
  return certBundleToKey(cert.leaf, cert.intermediates)?.id;
}
