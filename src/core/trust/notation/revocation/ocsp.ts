/**
 * OCSP (RFC 6960) as trust-store-trust-policy.md "OCSP" describes it: each responder URL in order
 * until one answers; the response signed by the issuing CA or by a responder certificate that CA issued
 * for OCSP signing; not past its nextUpdate; `good`, `revoked` (unless its invalidity date follows the
 * authentic signing time) or `unknown`. Built and parsed with PKI.js.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { verifyAsn1Signature } from '../asn1Signature';
import { EKU, isIssuedBy, parseCertificate, sameBytes, validAt, type NotationCertificate } from '../certificate';
import { fetchOnce, isHttpUrl, reasonOf, type CertRevocationStatus, type RevocationContext } from './context';

const OID_SHA1 = '1.3.14.3.2.26';
const OID_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
const OID_INVALIDITY_DATE = '2.5.29.24';
// A response from slightly in the future is accepted, as clocks drift.
const CLOCK_SKEW_MS = 5 * 60_000;

/** One responder's answer: a status, or a reason it gave none. */
export type OcspAnswer = { status: CertRevocationStatus; fromStatus: boolean } | { error: string };

function sha1(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(data).digest());
}

function certId(cert: NotationCertificate, issuer: NotationCertificate): pkijs.CertID {
  return new pkijs.CertID({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID_SHA1, algorithmParams: new asn1js.Null() }),
    issuerNameHash: new asn1js.OctetString({ valueHex: sha1(issuer.rawSubject) }),
    issuerKeyHash: new asn1js.OctetString({ valueHex: sha1(issuer.pki.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView) }),
    serialNumber: new asn1js.Integer({ valueHex: cert.pki.serialNumber.valueBlock.valueHexView }),
  });
}

/** The DER OCSP request for `cert` (SHA-1 CertID, as notation-core-go and most responders use). */
export function ocspRequest(cert: NotationCertificate, issuer: NotationCertificate): Uint8Array {
  const request = new pkijs.OCSPRequest();
  request.tbsRequest.requestList = [new pkijs.Request({ reqCert: certId(cert, issuer) })];
  return new Uint8Array(request.toSchema(true).toBER());
}

function sameCertId(a: pkijs.CertID, b: pkijs.CertID): boolean {
  return (
    a.hashAlgorithm.algorithmId === b.hashAlgorithm.algorithmId &&
    sameBytes(a.issuerNameHash.valueBlock.valueHexView, b.issuerNameHash.valueBlock.valueHexView) &&
    sameBytes(a.issuerKeyHash.valueBlock.valueHexView, b.issuerKeyHash.valueBlock.valueHexView) &&
    Buffer.from(a.serialNumber.valueBlock.valueHexView).toString('hex').replace(/^(00)+(?=.)/, '') ===
      Buffer.from(b.serialNumber.valueBlock.valueHexView).toString('hex').replace(/^(00)+(?=.)/, '')
  );
}

/** Checks a DER OCSP response for `cert`; throws with a reason when it gives no usable answer. */
export function readOcspResponse(body: Uint8Array, cert: NotationCertificate, issuer: NotationCertificate, now: number, authenticSigningTime?: number): CertRevocationStatus {
  const response = pkijs.OCSPResponse.fromBER(body);
  const status = response.responseStatus.valueBlock.valueDec;
  if (status !== 0) throw new Error(`the responder answered with OCSP status ${status} (not successful)`);
  if (!response.responseBytes || response.responseBytes.responseType !== OID_OCSP_BASIC) throw new Error('not a basic OCSP response');
  const basic = pkijs.BasicOCSPResponse.fromBER(response.responseBytes.response.valueBlock.valueHexView);
  const tbs = basic.tbsResponseData.tbsView;
  const signature = basic.signature.valueBlock.valueHexView;
  // RFC 6960 §4.2.2.2: signed by the CA itself, or by a responder certificate it issued for OCSP signing.
  let signedBy: NotationCertificate | undefined;
  if (verifyAsn1Signature(basic.signatureAlgorithm, issuer.publicKey, tbs, signature)) {
    signedBy = issuer;
  } else {
    for (const embedded of basic.certs ?? []) {
      const responder = parseCertificate(new Uint8Array(embedded.toSchema().toBER()));
      if (!isIssuedBy(responder, issuer) || !responder.extKeyUsage?.oids.includes(EKU.ocspSigning) || !validAt(responder, now)) continue;
      if (verifyAsn1Signature(basic.signatureAlgorithm, responder.publicKey, tbs, signature)) signedBy = responder;
    }
  }
  if (!signedBy) throw new Error('the OCSP response is not signed by the issuing CA or a responder it authorised');
  const wanted = certId(cert, issuer);
  const single = basic.tbsResponseData.responses.find((r) => sameCertId(r.certID, wanted));
  if (!single) throw new Error('the OCSP response does not answer for this certificate');
  if (single.thisUpdate.getTime() > now + CLOCK_SKEW_MS) throw new Error('the OCSP response is from the future');
  if (!single.nextUpdate || now > single.nextUpdate.getTime()) throw new Error('the OCSP response has expired (or has no nextUpdate)');
  const certStatus = single.certStatus as asn1js.BaseBlock;
  switch (certStatus.idBlock.tagNumber) {
    case 0:
      return 'good';
    case 1: {
      const invalidity = single.singleExtensions?.find((e) => e.extnID === OID_INVALIDITY_DATE);
      if (invalidity && authenticSigningTime !== undefined) {
        const parsed = asn1js.fromBER(invalidity.extnValue.valueBlock.valueHexView).result;
        if (parsed instanceof asn1js.GeneralizedTime && authenticSigningTime < parsed.toDate().getTime()) return 'good';
      }
      return 'revoked';
    }
    default:
      return 'unknown';
  }
}

/** Asks one responder, once per request during a check (see {@link RevocationContext.ocspCache}). */
function askResponder(url: string, request: Uint8Array, ctx: RevocationContext): Promise<Uint8Array> {
  return fetchOnce(ctx.ocspCache, `${url}\n${Buffer.from(request).toString('base64')}`, () => postOrGet(url, request, ctx));
}

/** Asks one responder (GET for small requests, else POST, as notation-core-go does). */
async function postOrGet(url: string, request: Uint8Array, ctx: RevocationContext): Promise<Uint8Array> {
  const encoded = Buffer.from(request).toString('base64');
  const options = { maxBytes: ctx.limits.maxOcspBytes, timeoutMs: ctx.limits.ocspTimeoutMs, throwHttpErrors: false, ...(ctx.signal ? { signal: ctx.signal } : {}) };
  const escaped = encodeURIComponent(encoded);
  const response =
    escaped.length < 255
      ? await ctx.http.get(`${url.replace(/\/+$/, '')}/${escaped}`, options)
      : await ctx.http.post(url, request, { ...options, contentType: 'application/ocsp-request' });
  if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
  return response.body;
}

/** Asks each responder in turn until one gives a status. */
export async function checkOcsp(cert: NotationCertificate, issuer: NotationCertificate, ctx: RevocationContext): Promise<{ status: CertRevocationStatus; problems: string[] }> {
  const problems: string[] = [];
  const request = ocspRequest(cert, issuer);
  // A certificate naming many responders must not make a check wait on each of them.
  for (const url of cert.ocspUrls.slice(0, ctx.limits.maxRevocationUrls)) {
    if (!isHttpUrl(url)) {
      problems.push(`OCSP ${url}: only http URLs are supported`);
      continue;
    }
    try {
      const body = await askResponder(url, request, ctx);
      const status = readOcspResponse(body, cert, issuer, ctx.clock.now().getTime(), ctx.authenticSigningTime);
      if (status === 'unknown') problems.push(`OCSP ${url}: the responder does not know the certificate`);
      return { status, problems };
    } catch (e) {
      if (ctx.signal?.aborted) throw e;
      problems.push(`OCSP ${url}: ${reasonOf(e)}`);
    }
  }
  return { status: 'unknown', problems };
}
