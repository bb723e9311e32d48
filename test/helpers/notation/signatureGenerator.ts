/**
 * A test-only Notation signer: envelopes (JWS and COSE) and signature manifests structured exactly as
 * notation writes them (the e2e layouts in ../shared/fixtures/notation are the model: Go's sorted JSON
 * keys, RFC 3339 times, the x5c chain, `Notation/1.0.0` as signing agent, a manifest with the
 * thumbprint and created annotations). Every field can be bent to make an attack.
 */
import { constants, createHash, sign } from 'node:crypto';
import { encode, Tagged } from 'cborg';
import type { OciDescriptor } from '../../../src/core/trust/notation/source';
import type { TestCert, TestKey } from './testPki';

export type EnvelopeFormat = 'jws' | 'cose';
export const PAYLOAD_TYPE = 'application/vnd.cncf.notary.payload.v1+json';

export interface SignOptions {
  format: EnvelopeFormat;
  /** The descriptor put in the payload's `targetArtifact`. */
  target: OciDescriptor & { annotations?: Record<string, string> };
  /** Leaf first. */
  chain: readonly TestCert[];
  /** The key that signs (default: the leaf's). */
  key?: TestKey;
  scheme?: 'notary.x509' | 'notary.x509.signingAuthority';
  signingTime?: Date;
  expiry?: Date;
  /** Extra protected headers, and names to add to `crit`. */
  extraHeaders?: Record<string, unknown>;
  extraCrit?: readonly string[];
  /** Replace `crit` entirely. */
  crit?: readonly string[];
  /** Replace `alg` (JWS name, e.g. `PS384`). */
  alg?: string;
  /** Payload content type (default the Notary payload type). */
  contentType?: string;
  /** Produces the RFC 3161 token for the primitive signature, or raw bytes to embed. */
  timestamp?: (signature: Uint8Array) => Uint8Array | Promise<Uint8Array>;
  signingAgent?: string;
}

const JWS_ALG = { rsa2048: 'PS256', rsa3072: 'PS384', rsa4096: 'PS512', ec256: 'ES256', ec384: 'ES384', ec521: 'ES512' } as const;
const COSE_ALG: Readonly<Record<string, number>> = { PS256: -37, PS384: -38, PS512: -39, ES256: -7, ES384: -35, ES512: -36 };

function algorithmOf(key: TestKey): string {
  const d = key.publicKey.asymmetricKeyDetails ?? {};
  // Keys the spec does not allow still sign (with the nearest algorithm), so tests can offer them.
  if (key.kind === 'rsa') return JWS_ALG[`rsa${d.modulusLength}` as keyof typeof JWS_ALG] ?? 'PS256';
  const size = d.namedCurve === 'secp384r1' ? 384 : d.namedCurve === 'secp521r1' ? 521 : 256;
  return JWS_ALG[`ec${size}` as keyof typeof JWS_ALG];
}

function rawSign(alg: string, key: TestKey, data: Uint8Array): Uint8Array {
  const hash = `sha${alg.slice(2)}`;
  if (alg.startsWith('PS')) return new Uint8Array(sign(hash, data, { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }));
  return new Uint8Array(sign(hash, data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' }));
}

/** Go's `json.Marshal` of a map: keys sorted. */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${sortedJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The payload bytes notation signs. */
export function payloadOf(target: SignOptions['target']): Uint8Array {
  const { mediaType, digest, size, annotations } = target;
  return Buffer.from(sortedJson({ targetArtifact: { mediaType, digest, size, ...(annotations ? { annotations } : {}) } }));
}

/** Signs an envelope. Returns its bytes and its media type. */
export async function signEnvelope(o: SignOptions): Promise<{ bytes: Uint8Array; mediaType: string }> {
  const leaf = o.chain[0] as TestCert;
  const key = o.key ?? leaf.key;
  const alg = o.alg ?? algorithmOf(key);
  const scheme = o.scheme ?? 'notary.x509';
  const signingTime = o.signingTime ?? new Date(Math.floor(Date.now() / 1000) * 1000);
  const timeHeader = scheme === 'notary.x509' ? 'io.cncf.notary.signingTime' : 'io.cncf.notary.authenticSigningTime';
  const crit = o.crit ?? [
    'io.cncf.notary.signingScheme',
    ...(scheme === 'notary.x509.signingAuthority' ? [timeHeader] : []),
    ...(o.expiry ? ['io.cncf.notary.expiry'] : []),
    ...(o.extraCrit ?? []),
  ];
  const payload = payloadOf(o.target);
  const agent = o.signingAgent ?? 'Notation/1.0.0';
  if (o.format === 'jws') {
    const protectedHeader = {
      alg,
      crit,
      cty: o.contentType ?? PAYLOAD_TYPE,
      'io.cncf.notary.signingScheme': scheme,
      [timeHeader]: rfc3339(signingTime),
      ...(o.expiry ? { 'io.cncf.notary.expiry': rfc3339(o.expiry) } : {}),
      ...o.extraHeaders,
    };
    const p = Buffer.from(sortedJson(protectedHeader)).toString('base64url');
    const body = Buffer.from(payload).toString('base64url');
    const signature = rawSign(algorithmOf(key), key, Buffer.from(`${p}.${body}`));
    const token = await o.timestamp?.(signature);
    const header = {
      ...(token ? { 'io.cncf.notary.timestampSignature': Buffer.from(token).toString('base64') } : {}),
      x5c: o.chain.map((c) => Buffer.from(c.der).toString('base64')),
      'io.cncf.notary.signingAgent': agent,
    };
    const envelope = { payload: body, protected: p, header, signature: Buffer.from(signature).toString('base64url') };
    return { bytes: Buffer.from(JSON.stringify(envelope)), mediaType: 'application/jose+json' };
  }
  const coseTime = (d: Date): Tagged => new Tagged(1, Math.floor(d.getTime() / 1000));
  const headers = new Map<unknown, unknown>([
    [1, COSE_ALG[alg] ?? alg],
    [2, crit],
    [3, o.contentType ?? PAYLOAD_TYPE],
    ['io.cncf.notary.signingScheme', scheme],
    [timeHeader, coseTime(signingTime)],
    ...(o.expiry ? [['io.cncf.notary.expiry', coseTime(o.expiry)] as [string, Tagged]] : []),
    ...Object.entries(o.extraHeaders ?? {}),
  ]);
  const rawProtected = encode(headers);
  const toBeSigned = encode(['Signature1', rawProtected, new Uint8Array(0), payload]);
  const signature = rawSign(algorithmOf(key), key, toBeSigned);
  const token = await o.timestamp?.(signature);
  const unprotected = new Map<unknown, unknown>([
    [33, o.chain.map((c) => c.der)],
    ...(token ? [['io.cncf.notary.timestampSignature', token] as [string, Uint8Array]] : []),
    ['io.cncf.notary.signingAgent', agent],
  ]);
  return { bytes: encode(new Tagged(18, [rawProtected, unprotected, payload, signature])), mediaType: 'application/cose' };
}

export const EMPTY_CONFIG = { mediaType: 'application/vnd.cncf.notary.signature', digest: `sha256:${createHash('sha256').update('{}').digest('hex')}`, size: 2 };

/**
 * The signature manifest notation pushes: `form: 'config'` (the e2e layouts' older form, config media
 * type = the signature type) or `'artifactType'` (the current form, with the empty config).
 */
export function signatureManifest(envelope: OciDescriptor, subject: OciDescriptor, chain: readonly TestCert[], form: 'config' | 'artifactType' = 'config', created = new Date()): Record<string, unknown> {
  const thumbprints = chain.map((c) => createHash('sha256').update(c.der).digest('hex'));
  return {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    ...(form === 'artifactType' ? { artifactType: 'application/vnd.cncf.notary.signature' } : {}),
    config: form === 'artifactType' ? { ...EMPTY_CONFIG, mediaType: 'application/vnd.oci.empty.v1+json' } : EMPTY_CONFIG,
    layers: [{ mediaType: envelope.mediaType, digest: envelope.digest, size: envelope.size }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: { 'io.cncf.notary.x509chain.thumbprint#S256': JSON.stringify(thumbprints), 'org.opencontainers.image.created': rfc3339(created) },
  };
}
