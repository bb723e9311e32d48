/**
 * Sigstore bundle verification with sigstore-js (`@sigstore/verify`): keyless against a trusted root
 * (Fulcio chain, SCT, Rekor SET or inclusion proof, tlog body, signing time inside the certificate's
 * validity), and with a public key (the tlog entries and timestamps checked against the policy's
 * trusted root when it names one). Failures come back as values with sigstore-js's error code.
 */
import type { Bundle, TransparencyLogEntry } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial, type SignedEntity, type TrustMaterial } from '@sigstore/verify';
import type { X509Certificate } from '@sigstore/core';
import { describeError } from '../../errors';
import { certificateIdentity, type CertificateIdentity } from './certificates';
import type { CosignPublicKey } from './publicKeys';

/** A Rekor entry that took part in a verification. */
export interface TlogEvidence {
  readonly logIndex: number;
  /** ISO time the log integrated the entry; absent for Rekor v2 entries. */
  readonly integratedTime?: string;
  /** Hex log ID. */
  readonly logId: string;
}

/** What a successful verification established. */
export interface SigstoreVerified {
  readonly ok: true;
  /** For certificates: the identity, issuer and validity. */
  readonly certificate?: CertificateIdentity;
  readonly tlog: readonly TlogEvidence[];
}

export type SigstoreOutcome = SigstoreVerified | { readonly ok: false; readonly code: string; readonly reason: string };

const trustCache = new WeakMap<TrustedRoot, TrustMaterial>();
const EMPTY_ROOT = TrustedRoot.fromJSON({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1' });

/** Keyless: the bundle's certificate must chain to the root's CAs, with SCT and a tlog entry or timestamp. */
export function verifyKeyless(bundle: Bundle, artifact: Uint8Array | undefined, root: TrustedRoot): SigstoreOutcome {
  let trust = trustCache.get(root);
  if (!trust) {
    trust = toTrustMaterial(root);
    trustCache.set(root, trust);
  }
  return run(() => {
    const entity = toSignedEntity(bundle, artifact === undefined ? undefined : Buffer.from(artifact));
    new Verifier(trust, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 }).verify(entity);
    return { ok: true, certificate: leafIdentity(entity), tlog: evidence(entity.tlogEntries) };
  });
}

/**
 * With a key: first whether `key` made the signature at all (so callers can try each trusted key), then,
 * with `root`, every tlog entry and timestamp the bundle carries. Without `root` they are not consulted:
 * trusting a key does not depend on them.
 * @returns `{ ok: false, code: 'SIGNATURE_ERROR' }` when the key did not make this signature
 */
export function verifyWithKey(bundle: Bundle, artifact: Uint8Array | undefined, key: CosignPublicKey, root: TrustedRoot | undefined): SigstoreOutcome {
  return run(() => {
    const entity = toSignedEntity(bundle, artifact === undefined ? undefined : Buffer.from(artifact));
    if (entity.key.$case !== 'public-key') return { ok: false, code: 'KEY_ERROR', reason: 'the bundle carries a certificate, not a key hint' };
    if (!entity.signature.verifySignature(key.key)) return { ok: false, code: 'SIGNATURE_ERROR', reason: 'the signature does not verify with this key' };
    const finder = () => ({ publicKey: key.key, validFor: () => true });
    const checked: SignedEntity = root ? entity : { ...entity, tlogEntries: [], timestamps: [] };
    new Verifier(toTrustMaterial(root ?? EMPTY_ROOT, finder), { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(checked);
    return { ok: true, tlog: root ? evidence(entity.tlogEntries) : [] };
  });
}

/** Whether `key` (e.g. a certificate's key checked by the caller) made the bundle's signature. */
export function signatureMadeBy(bundle: Bundle, artifact: Uint8Array | undefined, key: CosignPublicKey['key']): boolean {
  try {
    return toSignedEntity(bundle, artifact === undefined ? undefined : Buffer.from(artifact)).signature.verifySignature(key);
  } catch {
    return false;
  }
}

/** The Rekor entries a bundle carries, unverified (for display before or without verification). */
export function tlogEvidence(bundle: Bundle): TlogEvidence[] {
  return evidence(bundle.verificationMaterial.tlogEntries);
}

function run(verify: () => SigstoreOutcome): SigstoreOutcome {
  try {
    return verify();
  } catch (e) {
    const code = typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : 'VERIFICATION_ERROR';
    return { ok: false, code, reason: describeError(e) };
  }
}

function leafIdentity(entity: SignedEntity): CertificateIdentity | undefined {
  return entity.key.$case === 'certificate' ? certificateIdentity(entity.key.certificate as X509Certificate) : undefined;
}

function evidence(entries: readonly TransparencyLogEntry[]): TlogEvidence[] {
  return entries.map((entry) => {
    const seconds = Number(entry.integratedTime);
    return {
      logIndex: Number(entry.logIndex),
      ...(Number.isFinite(seconds) && seconds > 0 ? { integratedTime: new Date(seconds * 1000).toISOString() } : {}),
      logId: Buffer.from(entry.logId?.keyId ?? []).toString('hex'),
    };
  });
}
