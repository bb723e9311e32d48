/**
 * What a revocation check needs from the outside (an HTTP port and a clock) and what it answers, per
 * certificate and per chain (trust-store-trust-policy.md, "Certificate Revocation Evaluation").
 */
import type { HttpClient } from '../../../net/http';
import type { Clock } from '../../../ports';
import type { NotationLimits } from '../constants';

/** `good` also covers a certificate that names no OCSP responder and no CRL (notation: non-revokable). */
export type CertRevocationStatus = 'good' | 'revoked' | 'unknown';

/** The answer for one certificate, with what was asked and why it failed when it did. */
export interface CertRevocation {
  status: CertRevocationStatus;
  /** `ocsp`, `crl`, `ocsp+crl` (OCSP gave no answer, so the CRL decided) or `none`. */
  method: 'ocsp' | 'crl' | 'ocsp+crl' | 'none';
  /** One line per server that failed, e.g. `OCSP http://127.0.0.1:9/: connection refused`. */
  problems: string[];
}

export interface RevocationContext {
  http: HttpClient;
  clock: Clock;
  limits: Pick<NotationLimits, 'maxOcspBytes' | 'ocspTimeoutMs' | 'maxCrlBytes' | 'crlTimeoutMs' | 'maxChainLength' | 'maxRevocationUrls'>;
  signal?: AbortSignal;
  /**
   * The authentic signing time (epoch ms), under the signing authority scheme only: a certificate
   * revoked with an invalidity date after it still counts as good (spec, "Revocation Checking with OCSP").
   */
  authenticSigningTime?: number;
  /** CRLs fetched during this check, by URL, so a chain sharing a CRL fetches it once. */
  crlCache: Map<string, Promise<Uint8Array>>;
  /**
   * OCSP answers (or failures) during this check, by responder and request: an image whose signatures
   * share a certificate (the same signature in many manifests) asks its responder once, so an
   * unreachable responder costs one time budget per image, not one per signature.
   */
  ocspCache: Map<string, Promise<Uint8Array>>;
}

/** The answer `cache` holds for `key`, else the one `fetch` starts, kept there: one request per key during a check. */
export function fetchOnce(cache: Map<string, Promise<Uint8Array>>, key: string, fetch: () => Promise<Uint8Array>): Promise<Uint8Array> {
  let pending = cache.get(key);
  if (!pending) cache.set(key, (pending = fetch()));
  return pending;
}

/** Only plain HTTP URLs are used for OCSP and CRLs (spec: "support only HTTP CRL URLs"; notation-core-go for OCSP). */
export function isHttpUrl(url: string): boolean {
  try {
    return new URL(url).protocol === 'http:';
  } catch {
    return false;
  }
}

/** A short reason from any thrown value. */
export function reasonOf(e: unknown): string {
  const err = e as { code?: string; message?: string };
  return err.message ?? String(e);
}
