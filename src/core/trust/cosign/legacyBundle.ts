/**
 * A legacy signature layer (payload + annotations) restated as a Sigstore bundle, the way cosign itself
 * bridges the two: a message signature over the payload's SHA-256, the certificate and chain (or a key
 * hint), the Rekor entry with its SET as inclusion promise, and the RFC 3161 timestamp. The bundle is
 * then verified by sigstore-js exactly like a bundle found as a referrer: Fulcio chain, SCT, SET and
 * tlog body (the entry must record this payload's hash and this signature).
 */
import { createHash } from 'node:crypto';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { decodePemBlocks } from '../../crypto/pem';
import { ANNOTATIONS } from './cosignFormats';

/** The bundle media type that allows a certificate chain and an inclusion promise without proof. */
const LEGACY_BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle+json;version=0.1';

/** The Rekor entry cosign stores in the `dev.sigstore.cosign/bundle` annotation. */
export interface RekorBundleAnnotation {
  readonly signedEntryTimestamp: string;
  /** Base64 canonical entry body. */
  readonly body: string;
  readonly integratedTime: number;
  readonly logIndex: number;
  /** Hex log ID. */
  readonly logId: string;
  readonly kind: string;
  readonly apiVersion: string;
}

/** Parses the Rekor bundle annotation; undefined when malformed. */
export function parseRekorAnnotation(text: string): RekorBundleAnnotation | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const root = json as { SignedEntryTimestamp?: unknown; Payload?: Record<string, unknown> } | null;
  const payload = root?.Payload;
  if (!payload || typeof root?.SignedEntryTimestamp !== 'string') return undefined;
  const { body, integratedTime, logIndex, logID } = payload;
  if (typeof body !== 'string' || typeof logID !== 'string' || !/^[0-9a-f]{64}$/.test(logID)) return undefined;
  if (!Number.isSafeInteger(integratedTime) || !Number.isSafeInteger(logIndex)) return undefined;
  let entry: { kind?: unknown; apiVersion?: unknown };
  try {
    entry = JSON.parse(Buffer.from(body, 'base64').toString('utf8')) as typeof entry;
  } catch {
    return undefined;
  }
  if (typeof entry.kind !== 'string' || typeof entry.apiVersion !== 'string') return undefined;
  return {
    signedEntryTimestamp: root.SignedEntryTimestamp, body, integratedTime: integratedTime as number, logIndex: logIndex as number,
    logId: logID, kind: entry.kind, apiVersion: entry.apiVersion,
  };
}

/** What a legacy layer carries. */
export interface LegacySignature {
  readonly payload: Uint8Array;
  /** Base64 signature (the `dev.cosignproject.cosign/signature` annotation). */
  readonly signature: string;
  readonly annotations: Readonly<Record<string, string>>;
}

/** Outcome of the conversion. */
export type LegacyBundle = { ok: true; bundle: Bundle; rekor: RekorBundleAnnotation | undefined } | { ok: false; reason: string };

/**
 * Restates a legacy signature as a bundle. `keyHint` is used when the layer has no certificate.
 */
export function legacyToBundle(sig: LegacySignature, keyHint = ''): LegacyBundle {
  const certPem = sig.annotations[ANNOTATIONS.certificate];
  const chainPem = sig.annotations[ANNOTATIONS.chain];
  const rekorText = sig.annotations[ANNOTATIONS.bundle];
  const timestampText = sig.annotations[ANNOTATIONS.rfc3161Timestamp];
  const rekor = rekorText === undefined ? undefined : parseRekorAnnotation(rekorText);
  if (rekorText !== undefined && !rekor) return { ok: false, reason: 'the Rekor bundle annotation is malformed' };
  let certificates: { rawBytes: string }[] | undefined;
  if (certPem !== undefined) {
    const pemCertificates = (text: string) => decodePemBlocks(new TextEncoder().encode(text)).filter((b) => b.type === 'CERTIFICATE').map((b) => ({ rawBytes: Buffer.from(b.bytes).toString('base64') }));
    const leaf = pemCertificates(certPem)[0];
    if (!leaf) return { ok: false, reason: 'the certificate annotation holds no PEM certificate' };
    certificates = [leaf, ...pemCertificates(chainPem ?? '')];
  }
  let rfc3161: string | undefined;
  if (timestampText !== undefined) {
    try {
      const parsed = JSON.parse(timestampText) as { SignedRFC3161Timestamp?: unknown };
      if (typeof parsed.SignedRFC3161Timestamp !== 'string') throw new Error('no timestamp');
      rfc3161 = parsed.SignedRFC3161Timestamp;
    } catch {
      return { ok: false, reason: 'the RFC 3161 timestamp annotation is malformed' };
    }
  }
  const json = {
    mediaType: LEGACY_BUNDLE_MEDIA_TYPE,
    verificationMaterial: {
      ...(certificates ? { x509CertificateChain: { certificates } } : { publicKey: { hint: keyHint } }),
      tlogEntries: rekor ? [{
        logIndex: String(rekor.logIndex),
        logId: { keyId: Buffer.from(rekor.logId, 'hex').toString('base64') },
        kindVersion: { kind: rekor.kind, version: rekor.apiVersion },
        integratedTime: String(rekor.integratedTime),
        inclusionPromise: { signedEntryTimestamp: rekor.signedEntryTimestamp },
        canonicalizedBody: rekor.body,
      }] : [],
      timestampVerificationData: { rfc3161Timestamps: rfc3161 ? [{ signedTimestamp: rfc3161 }] : [] },
    },
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(sig.payload).digest('base64') },
      signature: sig.signature,
    },
  };
  try {
    return { ok: true, bundle: bundleFromJSON(json), rekor };
  } catch (e) {
    return { ok: false, reason: `the signature's annotations do not form a valid bundle: ${(e as Error).message}` };
  }
}
