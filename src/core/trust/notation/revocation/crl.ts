/**
 * CRLs as trust-store-trust-policy.md "Revocation Checking with CRL" describes them: downloaded from the
 * certificate's distribution points in order until one works, signed by the issuing CA, not past
 * nextUpdate, no unknown critical extension; a listed serial is revoked unless the reason is
 * certificateHold lifted by removeFromCRL, or its invalidity date follows the authentic signing time.
 * Delta CRLs are not supported, so a certificate or CRL that points to one gives `unknown`.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { verifyAsn1Signature } from '../asn1Signature';
import { sameBytes, type NotationCertificate } from '../certificate';
import { fetchOnce, isHttpUrl, reasonOf, type CertRevocationStatus, type RevocationContext } from './context';

const OID_CRL_REASON = '2.5.29.21';
const OID_INVALIDITY_DATE = '2.5.29.24';
const OID_ISSUING_DISTRIBUTION_POINT = '2.5.29.28';
const OID_DELTA_CRL_INDICATOR = '2.5.29.27';
const OID_FRESHEST_CRL = '2.5.29.46';
const REASON_CERTIFICATE_HOLD = 6;
const REASON_REMOVE_FROM_CRL = 8;

function serialOf(integer: asn1js.Integer): string {
  return Buffer.from(integer.valueBlock.valueHexView).toString('hex').replace(/^(00)+(?=.)/, '');
}

/** Checks a DER CRL for `cert`; throws with a reason when the CRL cannot be used. */
export function readCrl(der: Uint8Array, cert: NotationCertificate, issuer: NotationCertificate, now: number, authenticSigningTime?: number): CertRevocationStatus {
  const crl = pkijs.CertificateRevocationList.fromBER(der);
  if (!sameBytes(new Uint8Array(crl.issuer.valueBeforeDecode), issuer.rawSubject)) throw new Error('the CRL was issued by another CA');
  if (issuer.keyUsage && !issuer.keyUsage.bits.has('cRLSign')) throw new Error('the issuing CA may not sign CRLs (no cRLSign key usage)');
  if (!verifyAsn1Signature(crl.signatureAlgorithm, issuer.publicKey, crl.tbsView, crl.signatureValue.valueBlock.valueHexView)) {
    throw new Error('the CRL signature does not verify with the issuing CA\'s key');
  }
  if (!crl.nextUpdate) throw new Error('the CRL has no nextUpdate');
  if (now > crl.nextUpdate.value.getTime()) throw new Error('the CRL has expired');
  for (const ext of crl.crlExtensions?.extensions ?? []) {
    if (ext.extnID === OID_DELTA_CRL_INDICATOR || ext.extnID === OID_FRESHEST_CRL) throw new Error('delta CRLs are not supported');
    if (ext.critical && ext.extnID !== OID_ISSUING_DISTRIBUTION_POINT) throw new Error(`unsupported critical CRL extension ${ext.extnID}`);
  }
  let hold: { time: number; reason: number } | undefined;
  for (const entry of crl.revokedCertificates ?? []) {
    if (serialOf(entry.userCertificate) !== cert.serialHex) continue;
    let reason: number | undefined;
    let invalidity: number | undefined;
    for (const ext of entry.crlEntryExtensions?.extensions ?? []) {
      const value = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView).result;
      if (ext.extnID === OID_CRL_REASON && value instanceof asn1js.Enumerated) reason = value.valueBlock.valueDec;
      else if (ext.extnID === OID_INVALIDITY_DATE && value instanceof asn1js.GeneralizedTime) invalidity = value.toDate().getTime();
      else if (ext.critical) throw new Error(`unsupported critical CRL entry extension ${ext.extnID}`);
    }
    if (authenticSigningTime !== undefined && invalidity !== undefined && authenticSigningTime < invalidity) return 'good';
    if (reason === REASON_CERTIFICATE_HOLD || reason === REASON_REMOVE_FROM_CRL) {
      const time = entry.revocationDate.value.getTime();
      if (!hold || hold.time < time) hold = { time, reason };
      continue;
    }
    return 'revoked';
  }
  return hold?.reason === REASON_CERTIFICATE_HOLD ? 'revoked' : 'good';
}

async function download(url: string, ctx: RevocationContext): Promise<Uint8Array> {
  return fetchOnce(ctx.crlCache, url, () => ctx.http
    .get(url, { maxBytes: ctx.limits.maxCrlBytes, timeoutMs: ctx.limits.crlTimeoutMs, throwHttpErrors: false, ...(ctx.signal ? { signal: ctx.signal } : {}) })
    .then((r) => {
      if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
      return r.body;
    }));
}

/** Tries each distribution point in order until one gives a usable CRL. */
export async function checkCrl(cert: NotationCertificate, issuer: NotationCertificate, ctx: RevocationContext): Promise<{ status: CertRevocationStatus; problems: string[] }> {
  const problems: string[] = [];
  if (cert.hasFreshestCrl) return { status: 'unknown', problems: ['the certificate names a delta CRL (freshest CRL), which is not supported'] };
  for (const url of cert.crlUrls.slice(0, ctx.limits.maxRevocationUrls)) {
    if (!isHttpUrl(url)) {
      problems.push(`CRL ${url}: only http URLs are supported`);
      continue;
    }
    try {
      const status = readCrl(await download(url, ctx), cert, issuer, ctx.clock.now().getTime(), ctx.authenticSigningTime);
      return { status, problems };
    } catch (e) {
      if (ctx.signal?.aborted) throw e;
      problems.push(`CRL ${url}: ${reasonOf(e)}`);
    }
  }
  return { status: 'unknown', problems };
}
