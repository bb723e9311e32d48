/**
 * notary's trust pinning checkers (`trustpinning/trustpin.go`): which of a root's certificates the
 * client's `trust_pinning` accepts. TOFU accepts them all (no pin); a certs pin those whose rebuilt
 * key ID it lists; a CA pin those that chain to its CA bundle; a refusal none.
 */
import { chainsToRoot } from '../../../crypto/certChain';
import type { CertInfo } from '../../../crypto/x509';
import { rootCertKeyId, type RootCert } from './rootCerts';

/** The pin one GUN's roots are checked against (undefined: trust on first use). */
export type RootPin =
  /** `certs`: the root certificate key IDs, e.g. from `docker trust inspect`. */
  | { readonly kind: 'certs'; readonly ids: readonly string[]; readonly source: string }
  /** `ca`: the valid CA certificates of the bundle. */
  | { readonly kind: 'ca'; readonly cas: readonly CertInfo[]; readonly source: string }
  /** `disableTOFU` and no pin for the GUN. */
  | { readonly kind: 'refuse'; readonly source: string };

/** The certificates of `certs` (valid leaves with their valid intermediates) that `pin` accepts. */
export function certsMatchingPin(certs: ReadonlyMap<string, RootCert>, pin: RootPin, nowMs: number): Map<string, RootCert> {
  if (pin.kind === 'refuse') return new Map();
  const accepted = (cert: RootCert): boolean =>
    pin.kind === 'certs' ? pin.ids.includes(rootCertKeyId(cert) ?? '') : chainsToRoot(cert.leaf, cert.intermediates, pin.cas, nowMs);
  return new Map([...certs].filter(([, cert]) => accepted(cert)));
}
