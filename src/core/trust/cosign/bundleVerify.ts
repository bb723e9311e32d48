/**
 * Verifies a standalone Sigstore bundle (a `.sigstore.json` file) for an artifact against a trusted
 * root, keyless: what `cosign verify-blob --bundle` and `sigstore-go-verification` do. The artifact is
 * given by its bytes or its digest; a DSSE in-toto bundle must name it among its subjects, a DSSE
 * bundle of another payload type must carry it as its payload, and a message signature must sign it.
 */
import { createHash } from 'node:crypto';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { IN_TOTO_PAYLOAD_TYPE } from './cosignFormats';
import { parseInTotoStatement } from './payloads';
import { verifyKeyless, type SigstoreOutcome } from './sigstoreVerify';

/** The artifact a bundle should sign: its bytes, or (for in-toto subjects only) its digest. */
export type BundleArtifact = { bytes: Uint8Array } | { digest: { algorithm: 'sha256' | 'sha512'; hex: string } };

/** The outcome: who signed, or why the bundle is invalid. */
export type BundleVerification = SigstoreOutcome;

/** Verifies `json` (a parsed bundle) for `artifact` against `root`. Never throws. */
export function verifySigstoreBundle(json: unknown, artifact: BundleArtifact, root: TrustedRoot): BundleVerification {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (e) {
    return { ok: false, code: 'BUNDLE_ERROR', reason: `the bundle is malformed: ${(e as Error).message}` };
  }
  const bytes = 'bytes' in artifact ? artifact.bytes : undefined;
  if (bundle.content.$case === 'dsseEnvelope') {
    const envelope = bundle.content.dsseEnvelope;
    if (envelope.payloadType === IN_TOTO_PAYLOAD_TYPE) {
      const claims = parseInTotoStatement(envelope.payloadType, envelope.payload);
      if (!claims.ok) return { ok: false, code: 'PAYLOAD_ERROR', reason: claims.reason };
      const wanted = 'digest' in artifact ? artifact.digest : { algorithm: 'sha256' as const, hex: createHash('sha256').update(artifact.bytes).digest('hex') };
      if (!subjectDigests(envelope.payload, wanted.algorithm).includes(wanted.hex.toLowerCase())) {
        return { ok: false, code: 'ARTIFACT_ERROR', reason: `the statement's subjects do not include ${wanted.algorithm}:${wanted.hex}` };
      }
    } else if (!bytes || !Buffer.from(envelope.payload).equals(Buffer.from(bytes))) {
      return { ok: false, code: 'ARTIFACT_ERROR', reason: 'the envelope\'s payload is not the artifact' };
    }
    return verifyKeyless(bundle, undefined, root);
  }
  if (!bytes) return { ok: false, code: 'ARTIFACT_ERROR', reason: 'a message signature can only be checked against the artifact\'s bytes' };
  return verifyKeyless(bundle, bytes, root);
}

// The subjects' digests of one algorithm (in-toto statements may name sha512 digests, as npm provenance does).
function subjectDigests(payload: Uint8Array, algorithm: string): string[] {
  try {
    const statement = JSON.parse(Buffer.from(payload).toString('utf8')) as { subject?: { digest?: Record<string, unknown> }[] };
    return (statement.subject ?? []).flatMap((s) => {
      const value = s?.digest?.[algorithm];
      return typeof value === 'string' ? [value.toLowerCase()] : [];
    });
  } catch {
    return [];
  }
}
