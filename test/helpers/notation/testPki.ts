/**
 * A throw-away PKI for the Notation tests: certificates made with PKI.js and signed with node:crypto,
 * shaped like the ones notation and the Notary Project test data use (code signing leaves, CAs, TSAs,
 * OCSP responders), with any validity, key usage, EKU, OCSP URL or CRL distribution point a test needs.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export interface TestKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  kind: 'rsa' | 'ec';
}

export interface TestCert {
  der: Uint8Array;
  pem: string;
  key: TestKey;
  subject: Name;
  serialHex: string;
}

/** Subject attributes in DER order, e.g. `[['C','US'],['ST','WA'],['O','Notary'],['CN','e2e']]`. */
export type Name = readonly (readonly [string, string])[];

const NAME_OIDS: Readonly<Record<string, string>> = { C: '2.5.4.6', ST: '2.5.4.8', L: '2.5.4.7', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' };
const RSA_SHA256 = '1.2.840.113549.1.1.11';
const ECDSA_SHA256 = '1.2.840.10045.4.3.2';

const keyCache = new Map<string, TestKey>();

/** A key pair; RSA keys are cached per label, since generating them is slow. */
export function testKey(kind: 'rsa' | 'ec' = 'rsa', label = 'default', size: number = kind === 'rsa' ? 2048 : 256): TestKey {
  const id = `${kind}:${size}:${label}`;
  let key = keyCache.get(id);
  if (!key) {
    const pair =
      kind === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: size })
        : generateKeyPairSync('ec', { namedCurve: size === 384 ? 'secp384r1' : size === 521 ? 'secp521r1' : 'prime256v1' });
    key = { ...pair, kind };
    keyCache.set(id, key);
  }
  return key;
}

/** One RDN per attribute (a multi-valued RDN would be one SET holding them all). */
function nameOf(name: Name): pkijs.RelativeDistinguishedNames {
  const sets = name.map(([type, value]) => {
    const oid = NAME_OIDS[type];
    if (!oid) throw new Error(`unknown name attribute ${type}`);
    const asn = type === 'C' ? new asn1js.PrintableString({ value }) : new asn1js.Utf8String({ value });
    return new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type: oid, value: asn }).toSchema()] });
  });
  const der = new asn1js.Sequence({ value: sets }).toBER();
  return new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(der).result });
}

function time(date: Date): pkijs.Time {
  // RFC 5280 §4.1.2.5: UTCTime until 2049, GeneralizedTime from 2050.
  return new pkijs.Time({ type: date.getUTCFullYear() >= 2050 ? 1 : 0, value: date });
}

export type KeyUsageName = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement' | 'keyCertSign' | 'cRLSign';
const KU_BITS: readonly KeyUsageName[] = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign'];

export const EKU_OIDS = {
  codeSigning: '1.3.6.1.5.5.7.3.3',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
} as const;

export interface CertSpec {
  subject: Name;
  key?: TestKey;
  /** The issuing certificate; omit for a self-signed one. */
  issuer?: TestCert;
  notBefore?: Date;
  notAfter?: Date;
  serial?: Uint8Array;
  /** Basic constraints: `{ ca, critical, pathLen }`; omit for none. */
  basicConstraints?: { ca: boolean; critical?: boolean; pathLen?: number };
  keyUsage?: { bits: readonly KeyUsageName[]; critical?: boolean };
  extKeyUsage?: { oids: readonly string[]; critical?: boolean };
  ocspUrls?: readonly string[];
  crlUrls?: readonly string[];
  /** Sign with SHA-1 (refused by the spec). */
  sha1?: boolean;
}

function keyUsageExtension(bits: readonly KeyUsageName[], critical: boolean): pkijs.Extension {
  let value = 0;
  for (const bit of bits) value |= 0x80 >> KU_BITS.indexOf(bit);
  const byte = new Uint8Array([value]);
  let unused = 0;
  while (unused < 7 && (value & (1 << unused)) === 0) unused++;
  const bitString = new asn1js.BitString({ valueHex: byte, unusedBits: value === 0 ? 0 : unused });
  return new pkijs.Extension({ extnID: '2.5.29.15', critical, extnValue: bitString.toBER(false), parsedValue: bitString });
}

/** Makes one certificate. */
export function makeCert(spec: CertSpec): TestCert {
  const key = spec.key ?? testKey('rsa', 'leaf');
  const signer = spec.issuer?.key ?? key;
  const cert = new pkijs.Certificate();
  cert.version = 2;
  const serial = spec.serial ?? new Uint8Array([0x01, ...randomBytes(8)]);
  cert.serialNumber = new asn1js.Integer({ valueHex: serial });
  cert.subject = nameOf(spec.subject);
  cert.issuer = nameOf(spec.issuer?.subject ?? spec.subject);
  const now = Date.now();
  cert.notBefore = time(spec.notBefore ?? new Date(now - 3_600_000));
  cert.notAfter = time(spec.notAfter ?? new Date(now + 365 * 86_400_000));
  cert.subjectPublicKeyInfo.fromSchema(asn1js.fromBER(key.publicKey.export({ type: 'spki', format: 'der' })).result);
  const extensions: pkijs.Extension[] = [];
  if (spec.basicConstraints) {
    const bc = new pkijs.BasicConstraints({ cA: spec.basicConstraints.ca, ...(spec.basicConstraints.pathLen !== undefined ? { pathLenConstraint: spec.basicConstraints.pathLen } : {}) });
    extensions.push(new pkijs.Extension({ extnID: '2.5.29.19', critical: spec.basicConstraints.critical ?? true, extnValue: bc.toSchema().toBER(false), parsedValue: bc }));
  }
  if (spec.keyUsage) extensions.push(keyUsageExtension(spec.keyUsage.bits, spec.keyUsage.critical ?? true));
  if (spec.extKeyUsage) {
    const eku = new pkijs.ExtKeyUsage({ keyPurposes: [...spec.extKeyUsage.oids] });
    extensions.push(new pkijs.Extension({ extnID: '2.5.29.37', critical: spec.extKeyUsage.critical ?? false, extnValue: eku.toSchema().toBER(false), parsedValue: eku }));
  }
  if (spec.ocspUrls?.length) {
    const aia = new pkijs.InfoAccess({
      accessDescriptions: spec.ocspUrls.map((url) => new pkijs.AccessDescription({ accessMethod: '1.3.6.1.5.5.7.48.1', accessLocation: new pkijs.GeneralName({ type: 6, value: url }) })),
    });
    extensions.push(new pkijs.Extension({ extnID: '1.3.6.1.5.5.7.1.1', critical: false, extnValue: aia.toSchema().toBER(false), parsedValue: aia }));
  }
  if (spec.crlUrls?.length) {
    const dps = new pkijs.CRLDistributionPoints({
      distributionPoints: spec.crlUrls.map((url) => new pkijs.DistributionPoint({ distributionPoint: [new pkijs.GeneralName({ type: 6, value: url })] })),
    });
    extensions.push(new pkijs.Extension({ extnID: '2.5.29.31', critical: false, extnValue: dps.toSchema().toBER(false), parsedValue: dps }));
  }
  if (extensions.length > 0) cert.extensions = extensions;
  const algorithmId = spec.sha1 ? (signer.kind === 'rsa' ? '1.2.840.113549.1.1.5' : '1.2.840.10045.4.1') : signer.kind === 'rsa' ? RSA_SHA256 : ECDSA_SHA256;
  const alg = new pkijs.AlgorithmIdentifier({ algorithmId, ...(signer.kind === 'rsa' ? { algorithmParams: new asn1js.Null() } : {}) });
  cert.signature = alg;
  cert.signatureAlgorithm = alg;
  cert.tbsView = new Uint8Array(cert.encodeTBS().toBER());
  const signature = sign(spec.sha1 ? 'sha1' : 'sha256', cert.tbsView, signer.kind === 'rsa' ? signer.privateKey : { key: signer.privateKey, dsaEncoding: 'der' });
  cert.signatureValue = new asn1js.BitString({ valueHex: signature });
  const der = new Uint8Array(cert.toSchema().toBER());
  return { der, pem: toPem(der), key, subject: spec.subject, serialHex: Buffer.from(serial).toString('hex').replace(/^(00)+(?=.)/, '') };
}

export function toPem(der: Uint8Array, type = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${type}-----\n${b64}\n-----END ${type}-----\n`;
}

/** The private key as unencrypted PKCS #8 PEM (for openssl). */
export function keyPem(key: TestKey): string {
  return createPrivateKey(key.privateKey.export({ type: 'pkcs8', format: 'pem' })).export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** Profiles: what notation's own test certificates and a typical CA hierarchy look like. */
export const profiles = {
  /** A self-signed code signing certificate like the e2e fixtures' `e2e.crt` (KU digitalSignature critical, EKU codeSigning). */
  selfSignedLeaf: (subject: Name, extra: Partial<CertSpec> = {}): CertSpec => ({
    subject,
    keyUsage: { bits: ['digitalSignature'] },
    extKeyUsage: { oids: [EKU_OIDS.codeSigning] },
    ...extra,
  }),
  rootCa: (subject: Name, extra: Partial<CertSpec> = {}): CertSpec => ({
    subject,
    key: testKey('rsa', `ca:${subject.map((a) => a[1]).join('/')}`),
    basicConstraints: { ca: true },
    keyUsage: { bits: ['keyCertSign', 'cRLSign', 'digitalSignature'] },
    ...extra,
  }),
  leafOf: (issuer: TestCert, subject: Name, extra: Partial<CertSpec> = {}): CertSpec => ({
    subject,
    issuer,
    basicConstraints: { ca: false, critical: false },
    keyUsage: { bits: ['digitalSignature'] },
    extKeyUsage: { oids: [EKU_OIDS.codeSigning] },
    ...extra,
  }),
  tsaLeafOf: (issuer: TestCert, subject: Name, extra: Partial<CertSpec> = {}): CertSpec => ({
    subject,
    issuer,
    key: testKey('rsa', `tsa:${subject.map((a) => a[1]).join('/')}`),
    keyUsage: { bits: ['digitalSignature'] },
    extKeyUsage: { oids: [EKU_OIDS.timeStamping], critical: true },
    ...extra,
  }),
};
