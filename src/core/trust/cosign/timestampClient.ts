/**
 * Asks an RFC 3161 timestamp authority to stamp a signature, as `cosign sign --timestamp-server-url`
 * does: a TimeStampReq (SHA-256 of the signature bytes, a random nonce, the TSA's certificate asked
 * for) posted as `application/timestamp-query`. A granted answer is returned whole, as the authority
 * encoded it: cosign's annotation and the Sigstore bundle both hold the DER TimeStampResp. The answer
 * must stamp this signature with this nonce. Built and read with PKI.js and asn1js.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HttpClient } from '../../net/http';

const SHA256 = '2.16.840.1.101.3.4.2.1';
const MAX_REPLY_BYTES = 1024 * 1024;

/** A timestamp authority that could not be asked, refused, or answered with something else. */
export class TimestampRequestError extends Error {}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The TimeStampResp (DER, as the authority encoded it) whose token stamps `signature`. */
export async function requestTimestamp(http: HttpClient, url: string, signature: Uint8Array, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Uint8Array> {
  const imprint = createHash('sha256').update(signature).digest();
  const nonce = randomBytes(8);
  nonce[0] = (nonce[0]! & 0x7f) | 0x01;
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: imprint }),
    }),
    nonce: new asn1js.Integer({ valueHex: nonce }),
    certReq: true,
  });
  const response = await http.post(url, new Uint8Array(request.toSchema().toBER(false)), {
    contentType: 'application/timestamp-query', accept: 'application/timestamp-reply', maxBytes: MAX_REPLY_BYTES, throwHttpErrors: false,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}), ...(options.signal ? { signal: options.signal } : {}),
  });
  if (response.status !== 200) throw new TimestampRequestError(`the timestamp authority ${url} answered HTTP ${response.status}`);
  const parsed = asn1js.fromBER(response.body);
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Sequence)) throw new TimestampRequestError(`the timestamp authority ${url} did not answer with a TimeStampResp`);
  let status: number;
  let tst: pkijs.TSTInfo;
  try {
    const reply = new pkijs.TimeStampResp({ schema: parsed.result });
    status = reply.status.status;
    if (!reply.timeStampToken) throw new TimestampRequestError(`the timestamp authority ${url} refused to stamp (status ${status})`);
    const signed = new pkijs.SignedData({ schema: reply.timeStampToken.content });
    if (!signed.encapContentInfo.eContent) throw new TimestampRequestError('the timestamp holds no TSTInfo');
    tst = pkijs.TSTInfo.fromBER(signed.encapContentInfo.eContent.getValue());
  } catch (e) {
    throw e instanceof TimestampRequestError ? e : new TimestampRequestError(`the timestamp authority ${url} answered a malformed TimeStampResp: ${(e as Error).message}`);
  }
  if (status !== 0 && status !== 1) throw new TimestampRequestError(`the timestamp authority ${url} refused to stamp (status ${status})`);
  if (tst.messageImprint.hashAlgorithm.algorithmId !== SHA256 || !sameBytes(new Uint8Array(tst.messageImprint.hashedMessage.valueBlock.valueHexView), imprint)) {
    throw new TimestampRequestError(`the timestamp authority ${url} stamped something else than this signature`);
  }
  if (!tst.nonce || !sameBytes(new Uint8Array(tst.nonce.valueBlock.valueHexView), nonce)) throw new TimestampRequestError(`the timestamp authority ${url} answered without this request's nonce`);
  return new Uint8Array(response.body);
}
