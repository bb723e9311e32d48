/**
 * File bytes of signed metadata exactly as notary writes them (`client/helpers.go`
 * `serializeCanonicalRole`; protocol doc §2.3), both for files we sign and, to check our shapes
 * against the real tools, for files notary wrote.
 */
import { canonicalize, serializeSignedFile, type FileSignature } from '../tuf/canonicalJson';
import { parseEnvelope } from '../tuf/parseMetadata';
import { docForRole, type MetaDoc, type RootDoc, type TargetsDoc } from './goShapes';

/** Any Go-shaped `signed` object. */
export type SignedDoc = RootDoc | TargetsDoc | MetaDoc;

/** The bytes a role's signers sign: canonical JSON of the Go-shaped `signed` (§2.1). */
export function signingInput(doc: SignedDoc): Uint8Array {
  return canonicalize(doc);
}

/** `{"signed":…,"signatures":[…]}` as Go's `json.Marshal` writes it, without a trailing newline. */
export function fileBytes(doc: SignedDoc, signatures: readonly FileSignature[]): Uint8Array {
  return serializeSignedFile(signingInput(doc), signatures);
}

/**
 * What notary-server computes for an uploaded file: parse into its Go struct, re-serialise. Equal to
 * the input exactly when the input is in notary's own shape; the snapshot hashes these bytes, so an
 * upload whose bytes differ would make the server vouch for a file it cannot serve.
 */
export function reserialize(role: string, bytes: Uint8Array): Uint8Array {
  const envelope = parseEnvelope(bytes, role);
  return fileBytes(docForRole(role, envelope.signed), envelope.signatures);
}
