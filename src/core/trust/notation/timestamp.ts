/**
 * RFC 3161 timestamp countersignatures (`io.cncf.notary.timestampSignature`), verified as
 * trust-store-trust-policy.md "Validate Authentic Timestamp" (notary.x509) lists it: a CMS SignedData
 * of a TSTInfo whose message imprint is the hash of the envelope's primitive signature, signed by the
 * certificate that the signing-certificate-v2 attribute names, chaining to a `tsa` trust store root at
 * the stamped time, with the TSA certificate requirements. Parsed with PKI.js/asn1js.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { hashName, verifyAsn1Signature } from './asn1Signature';
import { EKU, isIssuedBy, parseCertificate, sameBytes, validAt, type NotationCertificate } from './certificate';
import { validateChain } from './certChain';

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_TST_INFO = '1.2.840.113549.1.9.16.1.4';
const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';
const OID_SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';
// ETSI baseline time-stamp policy (RFC 3628 §5.2): an accuracy of one second when none is given.
const OID_BASELINE_POLICY = '0.4.0.2023.1.1';

export class TimestampError extends Error {}

/** A verified timestamp. Times are epoch ms; `[lower, upper]` is genTime ± accuracy (RFC 3161 §2.4.2). */
export interface VerifiedTimestamp {
  genTime: number;
  lower: number;
  upper: number;
  /** The TSA's chain, signing certificate first, ending with the trusted root. */
  chain: NotationCertificate[];
}

function sha(name: string, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(name).update(data).digest());
}

function attribute(info: pkijs.SignerInfo, oid: string): unknown {
  const attrs = info.signedAttrs?.attributes.filter((a) => a.type === oid) ?? [];
  if (attrs.length > 1) throw new TimestampError(`the timestamp repeats the signed attribute ${oid}`);
  return attrs[0]?.values[0];
}

/** The certificates of a SignedData exactly as encoded (a re-encoding could break their signatures). */
function embeddedCertificates(signedDataSchema: asn1js.Sequence, max: number): NotationCertificate[] {
  const certsField = signedDataSchema.valueBlock.value.find((b) => b.idBlock.tagClass === 3 && b.idBlock.tagNumber === 0) as asn1js.Constructed | undefined;
  const items = certsField?.valueBlock.value ?? [];
  if (items.length > max) throw new TimestampError(`the timestamp carries ${items.length} certificates (at most ${max})`);
  return items.filter((b) => b instanceof asn1js.Sequence).map((b) => parseCertificate(new Uint8Array(b.valueBeforeDecodeView)));
}

/** The certificate signing-certificate-v2 (RFC 5816) names, checked by its hash. */
function signingCertificate(info: pkijs.SignerInfo, certs: readonly NotationCertificate[]): NotationCertificate {
  const value = attribute(info, OID_SIGNING_CERTIFICATE_V2);
  const essCerts = value instanceof asn1js.Sequence ? value.valueBlock.value[0] : undefined;
  const first = essCerts instanceof asn1js.Sequence ? essCerts.valueBlock.value[0] : undefined;
  if (!(first instanceof asn1js.Sequence)) throw new TimestampError('the timestamp has no signing-certificate-v2 attribute');
  let hash = 'sha256';
  let fields = first.valueBlock.value;
  if (fields[0] instanceof asn1js.Sequence) {
    const oid = fields[0].valueBlock.value[0];
    const named = oid instanceof asn1js.ObjectIdentifier ? hashName(oid.valueBlock.toString()) : undefined;
    if (!named) throw new TimestampError('unsupported hash algorithm in signing-certificate-v2');
    hash = named;
    fields = fields.slice(1);
  }
  const certHash = fields[0];
  if (!(certHash instanceof asn1js.OctetString)) throw new TimestampError('malformed signing-certificate-v2 attribute');
  const sid = info.sid as pkijs.IssuerAndSerialNumber;
  if (!(sid instanceof pkijs.IssuerAndSerialNumber)) throw new TimestampError('the timestamp signer is not identified by issuer and serial number');
  const issuer = new Uint8Array(sid.issuer.valueBeforeDecode);
  const serial = Buffer.from(sid.serialNumber.valueBlock.valueHexView).toString('hex').replace(/^(00)+(?=.)/, '');
  const cert = certs.find((c) => sameBytes(c.rawIssuer, issuer) && c.serialHex === serial);
  if (!cert) throw new TimestampError('the timestamp signing certificate is not in the token');
  if (!sameBytes(sha(hash, cert.der), certHash.valueBlock.valueHexView)) throw new TimestampError('the signing certificate does not match the hash in signing-certificate-v2');
  return cert;
}

/** Builds the chain from `leaf` through the token's certificates to one of `anchors`. */
function chainToAnchor(leaf: NotationCertificate, pool: readonly NotationCertificate[], anchors: readonly NotationCertificate[], max: number): NotationCertificate[] {
  const chain = [leaf];
  for (let current = leaf; chain.length <= max; ) {
    if (anchors.some((a) => sameBytes(a.der, current.der))) return chain;
    const anchor = anchors.find((a) => isIssuedBy(current, a));
    if (anchor) return [...chain, anchor];
    const next = pool.find((c) => !chain.includes(c) && isIssuedBy(current, c));
    if (!next) break;
    chain.push(next);
    current = next;
  }
  throw new TimestampError(`the timestamp was not issued by a TSA in the trust store (signed by "${leaf.issuer}")`);
}

/** A token whose CMS signature and message imprint verified; its chain is not yet anchored. */
export interface SignedTimestamp {
  genTime: number;
  accuracyMs: number;
  signer: NotationCertificate;
  /** Every certificate the token carries. */
  certificates: NotationCertificate[];
  /** The signer's signing-time attribute (epoch ms), when present. */
  signingTime?: number;
}

/**
 * Parses a TimeStampToken and checks that it stamps `signature` (the envelope's primitive signature)
 * and that the certificate signing-certificate-v2 names signed it. Throws {@link TimestampError}.
 */
export function readSignedTimestamp(token: Uint8Array, signature: Uint8Array, maxCertificates: number): SignedTimestamp {
  const parsed = asn1js.fromBER(token);
  if (parsed.offset === -1 || parsed.offset !== token.length) throw new TimestampError('the timestamp is not a BER-encoded TimeStampToken');
  let signed: pkijs.SignedData;
  let tst: pkijs.TSTInfo;
  let certs: NotationCertificate[];
  try {
    const contentInfo = new pkijs.ContentInfo({ schema: parsed.result });
    if (contentInfo.contentType !== OID_SIGNED_DATA) throw new TimestampError('the timestamp is not a CMS SignedData');
    signed = new pkijs.SignedData({ schema: contentInfo.content });
    if (signed.version !== 3) throw new TimestampError(`unsupported SignedData version ${signed.version}`);
    if (signed.encapContentInfo.eContentType !== OID_TST_INFO || !signed.encapContentInfo.eContent) throw new TimestampError('the timestamp does not hold a TSTInfo');
    tst = pkijs.TSTInfo.fromBER(signed.encapContentInfo.eContent.getValue());
    certs = embeddedCertificates(contentInfo.content as asn1js.Sequence, maxCertificates);
  } catch (e) {
    throw e instanceof TimestampError ? e : new TimestampError(`malformed timestamp: ${(e as Error).message}`);
  }
  const eContent = new Uint8Array(signed.encapContentInfo.eContent.getValue());
  if (tst.version !== 1) throw new TimestampError(`unsupported TSTInfo version ${tst.version}`);
  const imprintHash = hashName(tst.messageImprint.hashAlgorithm);
  if (!imprintHash) throw new TimestampError('unsupported message imprint hash algorithm');
  if (!sameBytes(sha(imprintHash, signature), tst.messageImprint.hashedMessage.valueBlock.valueHexView)) {
    throw new TimestampError('the timestamp does not cover this signature (message imprint mismatch)');
  }
  const accuracy = tst.accuracy;
  let accuracyMs = (accuracy?.seconds ?? 0) * 1000 + (accuracy?.millis ?? 0) + (accuracy?.micros ?? 0) / 1000;
  if (accuracyMs === 0 && tst.policy === OID_BASELINE_POLICY) accuracyMs = 1000;

  let problem = 'the timestamp has no signer';
  for (const info of signed.signerInfos) {
    try {
      if (info.version !== 1) throw new TimestampError(`unsupported signer version ${info.version}`);
      const signer = signingCertificate(info, certs);
      if (!info.signedAttrs) throw new TimestampError('the timestamp has no signed attributes');
      const contentType = attribute(info, OID_CONTENT_TYPE);
      if (!(contentType instanceof asn1js.ObjectIdentifier) || contentType.valueBlock.toString() !== OID_TST_INFO) throw new TimestampError('content-type attribute mismatch');
      const digest = attribute(info, OID_MESSAGE_DIGEST);
      const digestHash = hashName(info.digestAlgorithm);
      if (!digestHash || !(digest instanceof asn1js.OctetString) || !sameBytes(sha(digestHash, eContent), digest.valueBlock.valueHexView)) {
        throw new TimestampError('message-digest attribute mismatch');
      }
      // RFC 5652 §5.4: the signature covers the DER SET OF signed attributes ([0] IMPLICIT retagged as SET).
      const signedAttrs = new Uint8Array(info.signedAttrs.encodedValue.slice(0));
      signedAttrs[0] = 0x31;
      if (!verifyAsn1Signature(info.signatureAlgorithm, signer.publicKey, signedAttrs, info.signature.valueBlock.valueHexView, info.digestAlgorithm)) {
        throw new TimestampError('the timestamp signature does not verify');
      }
      const at = attribute(info, OID_SIGNING_TIME);
      const signingTime = at instanceof asn1js.UTCTime || at instanceof asn1js.GeneralizedTime ? at.toDate().getTime() : undefined;
      return { genTime: tst.genTime.getTime(), accuracyMs, signer, certificates: certs, ...(signingTime !== undefined ? { signingTime } : {}) };
    } catch (e) {
      problem = e instanceof TimestampError ? e.message : `malformed timestamp: ${(e as Error).message}`;
    }
  }
  throw new TimestampError(problem);
}

/**
 * Verifies a TimeStampToken over `signature` against the TSA roots `anchors`: the signed token, then
 * its chain at the stamped time with the timestamping certificate requirements.
 */
export function verifyTimestampToken(token: Uint8Array, signature: Uint8Array, anchors: readonly NotationCertificate[], maxCertificates: number): VerifiedTimestamp {
  const stamp = readSignedTimestamp(token, signature, maxCertificates);
  const chain = chainToAnchor(stamp.signer, stamp.certificates, anchors, maxCertificates);
  for (const cert of chain) {
    if (!validAt(cert, stamp.genTime)) throw new TimestampError(`TSA certificate "${cert.subject}" was not valid at the stamped time`);
    const eku = cert.extKeyUsage?.oids;
    if (cert !== stamp.signer && eku && !eku.includes(EKU.timeStamping) && !eku.includes(EKU.any)) throw new TimestampError(`"${cert.subject}" may not issue timestamping certificates`);
    if (stamp.signingTime !== undefined && !validAt(cert, stamp.signingTime)) throw new TimestampError('the timestamp\'s signing time is outside its certificates\' validity');
  }
  const problem = validateChain(chain, 'timeStamping');
  if (problem) throw new TimestampError(problem);
  return { genTime: stamp.genTime, lower: stamp.genTime - stamp.accuracyMs, upper: stamp.genTime + stamp.accuracyMs, chain };
}
