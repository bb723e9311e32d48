/**
 * A small DER writer that builds X.509 certificates shaped like notary's root certificates
 * (protocol doc §3.3): subject and issuer `CN=<GUN>`, keyUsage digitalSignature+keyEncipherment,
 * extKeyUsage codeSigning, basicConstraints CA:FALSE. node:crypto can sign but not build certificates.
 */
import { randomBytes, sign, type KeyObject } from 'node:crypto';

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** A TLV with the given tag byte. */
export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

const seq = (...c: Buffer[]) => tlv(0x30, ...c);
const set = (...c: Buffer[]) => tlv(0x31, ...c);

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const out = [40 * a + b];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function posInt(bytes: Buffer): Buffer {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && !((b[1] as number) & 0x80)) b = b.subarray(1);
  return tlv(0x02, (b[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}

function time(d: Date): Buffer {
  const iso = d.toISOString();
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  const year = d.getUTCFullYear();
  return year >= 1950 && year < 2050 ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${digits}Z`));
}

const name = (cn: string) => seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn, 'utf8')))));

/** Signature algorithms a test certificate can use. */
export type CertSigAlg = 'ecdsa-sha256' | 'ecdsa-sha1' | 'rsa-sha256';

const ALGS: Record<CertSigAlg, { id: Buffer; hash: string }> = {
  'ecdsa-sha256': { id: seq(oid('1.2.840.10045.4.3.2')), hash: 'sha256' },
  'ecdsa-sha1': { id: seq(oid('1.2.840.10045.4.1')), hash: 'sha1' },
  'rsa-sha256': { id: seq(oid('1.2.840.113549.1.1.11'), tlv(0x05)), hash: 'sha256' },
};

/** What to put in a certificate. */
export interface CertSpec {
  /** Subject CN, e.g. the GUN. */
  readonly cn: string;
  /** Issuer CN; defaults to the subject (self-signed). */
  readonly issuerCn?: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The certified public key. */
  readonly publicKey: KeyObject;
  /** The issuer's private key (the subject's own for self-signed). */
  readonly signingKey: KeyObject;
  /** basicConstraints CA:TRUE (an intermediate) instead of CA:FALSE. */
  readonly isCA?: boolean;
  /** Extended key usage OIDs; default codeSigning, as notary's own certificates; null leaves the extension out. */
  readonly extKeyUsage?: readonly string[] | null;
  readonly sigAlg?: CertSigAlg;
}

/** Builds and signs a certificate; returns its DER bytes. */
export function buildCertificate(spec: CertSpec): Buffer {
  const alg = ALGS[spec.sigAlg ?? 'ecdsa-sha256'];
  const critical = tlv(0x01, Buffer.from([0xff]));
  const keyUsage = spec.isCA ? Buffer.from([0x01, 0x06]) : Buffer.from([0x05, 0xa0]);
  const eku = spec.extKeyUsage === undefined ? ['1.3.6.1.5.5.7.3.3'] : spec.extKeyUsage;
  const extensions = seq(
    seq(oid('2.5.29.15'), critical, tlv(0x04, tlv(0x03, keyUsage))),
    ...(eku === null ? [] : [seq(oid('2.5.29.37'), tlv(0x04, seq(...eku.map(oid))))]),
    seq(oid('2.5.29.19'), critical, tlv(0x04, spec.isCA ? seq(tlv(0x01, Buffer.from([0xff]))) : seq())),
  );
  const tbs = seq(
    tlv(0xa0, posInt(Buffer.from([2]))),
    posInt(randomBytes(16)),
    alg.id,
    name(spec.issuerCn ?? spec.cn),
    seq(time(spec.notBefore), time(spec.notAfter)),
    name(spec.cn),
    spec.publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, extensions),
  );
  const signature = sign(alg.hash, tbs, spec.signingKey);
  return seq(tbs, alg.id, tlv(0x03, Buffer.from([0]), signature));
}
