/**
 * The integrity step (trust-store-trust-policy.md, "Validate Integrity"): the envelope parses as its
 * media type says and verifies, its certificate chain meets the certificate requirements, and its
 * payload's `targetArtifact` is the image being checked (digest, size and media type, as notation-go
 * compares them with `content.Equal`).
 */
import { MEDIA_TYPE_COSE, MEDIA_TYPE_JWS } from './constants';
import { validateChain } from './certChain';
import { verifyCoseEnvelope } from './coseEnvelope';
import { EnvelopeError, type EnvelopeContent } from './envelope';
import { verifyJwsEnvelope } from './jwsEnvelope';
import { readDescriptor, sameContent, type OciDescriptor } from './source';

/** Parses, verifies and binds an envelope to `target`. Throws EnvelopeError or PluginRequiredError. */
export async function verifyIntegrity(envelopeMediaType: string, bytes: Uint8Array, target: OciDescriptor, maxChainLength: number): Promise<EnvelopeContent> {
  let content: EnvelopeContent;
  if (envelopeMediaType === MEDIA_TYPE_JWS) content = await verifyJwsEnvelope(bytes, maxChainLength);
  else if (envelopeMediaType === MEDIA_TYPE_COSE) content = verifyCoseEnvelope(bytes, maxChainLength);
  else throw new EnvelopeError(`unsupported signature envelope type ${envelopeMediaType}`);

  const chainProblem = validateChain(content.certificates, 'codeSigning');
  if (chainProblem) throw new EnvelopeError(`invalid certificate chain: ${chainProblem}`);

  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(content.payload));
  } catch {
    throw new EnvelopeError('the signed payload is not JSON');
  }
  const signed = readDescriptor((payload as { targetArtifact?: unknown } | null)?.targetArtifact);
  if (!signed) throw new EnvelopeError('the signed payload has no valid targetArtifact descriptor');
  if (!sameContent(signed, target)) {
    const what = signed.digest !== target.digest ? `digest ${signed.digest}` : signed.size !== target.size ? `size ${signed.size}` : `media type ${signed.mediaType}`;
    throw new EnvelopeError(`the signature is for another artifact: it signs ${what}, the image is ${target.digest} (${target.size} bytes, ${target.mediaType})`);
  }
  return content;
}
