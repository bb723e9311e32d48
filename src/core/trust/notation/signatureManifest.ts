/**
 * Signature manifests (signature-specification.md, "OCI Signatures"), told apart as notation-go's
 * `signatureReferrers` does: an OCI image manifest whose `subject` is the image, with `artifactType`
 * `application/vnd.cncf.notary.signature` and an empty config, or (the older form) no `artifactType`
 * and that config media type; exactly one layer, the envelope.
 */
import { MEDIA_TYPE_COSE, MEDIA_TYPE_JWS, NOTATION_ARTIFACT_TYPE, OCI_EMPTY_JSON, OCI_IMAGE_MANIFEST } from './constants';
import { readDescriptor, sameContent, type OciDescriptor } from './source';

/** What a referrer turned out to be. */
export type SignatureManifest =
  | { kind: 'signature'; envelope: OciDescriptor; annotations: Readonly<Record<string, string>> }
  /** Not a Notation signature of this image: ignored, as notation ignores it. */
  | { kind: 'other'; reason: string }
  /** Claims to be a Notation signature of this image but breaks the format. */
  | { kind: 'invalid'; reason: string };

/** Could this referrer be a signature, judging by its descriptor alone (saves fetching others)? */
export function mayBeSignature(descriptor: OciDescriptor): boolean {
  if (descriptor.mediaType !== OCI_IMAGE_MANIFEST) return false;
  return descriptor.artifactType === undefined || descriptor.artifactType === '' || descriptor.artifactType === NOTATION_ARTIFACT_TYPE;
}

/** Reads a referrer's manifest bytes. */
export function readSignatureManifest(bytes: Uint8Array, subject: OciDescriptor): SignatureManifest {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { kind: 'other', reason: 'the manifest is not JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { kind: 'other', reason: 'the manifest is not a JSON object' };
  const m = json as Record<string, unknown>;
  if (m.mediaType !== undefined && m.mediaType !== OCI_IMAGE_MANIFEST) return { kind: 'other', reason: `media type ${String(m.mediaType)}` };
  const manifestSubject = readDescriptor(m.subject);
  if (!manifestSubject || !sameContent(manifestSubject, subject)) return { kind: 'other', reason: 'its subject is another artifact' };
  const config = readDescriptor(m.config);
  const artifactType = m.artifactType;
  if (artifactType === NOTATION_ARTIFACT_TYPE) {
    if (config?.mediaType !== OCI_EMPTY_JSON) return { kind: 'other', reason: `artifactType is a Notation signature but config.mediaType is ${String(config?.mediaType)}` };
  } else if (artifactType === undefined || artifactType === '') {
    if (config?.mediaType !== NOTATION_ARTIFACT_TYPE) return { kind: 'other', reason: 'not a Notation signature' };
  } else {
    return { kind: 'other', reason: `artifactType ${String(artifactType)}` };
  }
  const layers = m.layers;
  if (!Array.isArray(layers) || layers.length !== 1) {
    return { kind: 'invalid', reason: `a signature manifest must have exactly one layer, found ${Array.isArray(layers) ? layers.length : 'none'}` };
  }
  const envelope = readDescriptor(layers[0]);
  if (!envelope) return { kind: 'invalid', reason: 'the signature layer descriptor is malformed' };
  if (envelope.mediaType !== MEDIA_TYPE_JWS && envelope.mediaType !== MEDIA_TYPE_COSE) {
    return { kind: 'invalid', reason: `unsupported signature envelope type ${envelope.mediaType}` };
  }
  const annotations = m.annotations;
  return { kind: 'signature', envelope, annotations: typeof annotations === 'object' && annotations !== null ? (annotations as Record<string, string>) : {} };
}
