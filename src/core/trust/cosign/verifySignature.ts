/**
 * Verifies one discovered cosign signature against a policy's trust: the payload must bind the image
 * digest; then a key signature must verify with a trusted key, and a certificate signature must chain
 * either to the CA roots a rule names (checked now, no log needed) or to the Sigstore trusted root
 * (Fulcio chain, SCT, Rekor SET or inclusion proof, signing time inside the certificate's validity).
 * A signature that verifies is then trusted or not by the rules' keys and identities.
 */
import type { X509Certificate } from '@sigstore/core';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { HashAlgorithm, type TrustedRoot } from '@sigstore/protobuf-specs';
import { createPublicKey } from 'node:crypto';
import { decodeStdBase64 } from '../../crypto/encoding';
import { certificateIdentity, parseCertificateDer, parseCertificatesPem, verifyChain, type CertificateIdentity } from './certificates';
import { ANNOTATIONS } from './cosignFormats';
import { identityMatches } from './cosignPolicy';
import type { DiscoveredSignature, SignatureLocation } from './discovery';
import { legacyToBundle } from './legacyBundle';
import { bindingProblem, isSignatureStatement, parseInTotoStatement, parseSimpleSigning } from './payloads';
import { describeKey, toCosignPublicKey, verifyMessageSignature, type CosignPublicKey } from './publicKeys';
import type { RootAvailability } from './sigstoreRoot';
import { signatureMadeBy, tlogEvidence, verifyKeyless, verifyWithKey, type TlogEvidence } from './sigstoreVerify';
import type { CosignTrust, LoadedIdentity } from './trustMaterial';

/** A signer whose signature verified. */
export type VerifiedSigner =
  | { kind: 'key'; key: CosignPublicKey; tlog: readonly TlogEvidence[] }
  | { kind: 'certificate'; identity: CertificateIdentity; authority: 'sigstore' | 'ca'; ca?: readonly string[]; caRoots?: readonly X509Certificate[]; tlog: readonly TlogEvidence[] };

/** What one signature came to. */
export type SignatureOutcome =
  | { kind: 'verified'; location: SignatureLocation; signer: VerifiedSigner; trusted: boolean }
  /** A key signature that no trusted key verifies: who made it cannot be known without their key. */
  | { kind: 'unknown-key'; location: SignatureLocation; reason: string }
  | { kind: 'invalid'; location: SignatureLocation; reason: string }
  /** Could not be decided (no Sigstore root); `claimed` is the certificate's unverified identity. */
  | { kind: 'unverifiable'; location: SignatureLocation; reason: string; claimed?: CertificateIdentity }
  /** Not a signature (an attestation of another predicate type). */
  | { kind: 'not-a-signature'; location: SignatureLocation; reason: string };

/** What verification needs besides the signature. */
export interface VerifyContext {
  /** The digest being checked, e.g. `sha256:…`. */
  readonly digest: string;
  readonly trust: CosignTrust;
  /** The public-good root (asked only when a certificate does not chain to a named CA and the policy names no root). */
  readonly publicGoodRoot: () => Promise<RootAvailability>;
  /** Time for certificates from a named CA, which no log timestamps. */
  readonly now: Date;
  /** The manifest bytes of `digest`, for bundles that sign them directly (message signatures). */
  readonly manifestBytes: () => Promise<Uint8Array>;
}

/** Verifies one signature. Never throws for bad signatures; only a failing `manifestBytes` may throw. */
export async function verifySignature(sig: DiscoveredSignature, ctx: VerifyContext): Promise<SignatureOutcome> {
  const location: SignatureLocation = { source: sig.source, manifestDigest: sig.manifestDigest, layerDigest: sig.layerDigest };
  return sig.kind === 'simple-signing' ? verifySimpleSigning(sig.payload, sig.annotations, location, ctx) : verifyBundle(sig.bundle, location, ctx);
}

async function verifySimpleSigning(payload: Uint8Array, annotations: Readonly<Record<string, string>>, location: SignatureLocation, ctx: VerifyContext): Promise<SignatureOutcome> {
  const claims = parseSimpleSigning(payload);
  if (!claims.ok) return { kind: 'invalid', location, reason: claims.reason };
  const unbound = bindingProblem([claims.value.digest], ctx.digest);
  if (unbound) return { kind: 'invalid', location, reason: unbound };
  const signatureText = annotations[ANNOTATIONS.signature];
  const signature = signatureText === undefined ? undefined : decodeStdBase64(signatureText);
  if (!signatureText || !signature || signature.length === 0) return { kind: 'invalid', location, reason: 'the signature layer carries no base64 signature' };

  const certificatePem = annotations[ANNOTATIONS.certificate];
  if (certificatePem !== undefined) {
    const leaf = parseCertificatesPem(certificatePem)?.[0];
    const chain = parseCertificatesPem(annotations[ANNOTATIONS.chain] ?? '');
    if (!leaf || !chain) return { kind: 'invalid', location, reason: 'the signature\'s certificate or chain is malformed' };
    const converted = legacyToBundle({ payload, signature: signatureText, annotations });
    return verifyCertificateSignature({
      leaf, intermediates: chain, location, ctx, artifact: payload,
      madeBy: (key) => verifyMessageSignature(key, payload, signature),
      bundle: converted.ok ? converted.bundle : converted.reason,
    });
  }
  for (const key of ctx.trust.keys) {
    if (!verifyMessageSignature(key, payload, signature)) continue;
    let tlog: readonly TlogEvidence[] = [];
    // With a trusted root, the log entry and the RFC 3161 timestamp the layer carries must verify against it:
    // a timestamp from a TSA the root does not list, or over other bytes, makes the signature invalid.
    const evidence = annotations[ANNOTATIONS.bundle] !== undefined || annotations[ANNOTATIONS.rfc3161Timestamp] !== undefined;
    if (evidence && ctx.trust.trustedRootFile) {
      const converted = legacyToBundle({ payload, signature: signatureText, annotations }, key.hint);
      if (!converted.ok) return { kind: 'invalid', location, reason: converted.reason };
      const checked = verifyWithKey(converted.bundle, payload, key, ctx.trust.trustedRootFile.root);
      if (!checked.ok) return { kind: 'invalid', location, reason: `signed by ${describeKey(key)}, but ${lower(checked.reason)}` };
      tlog = checked.tlog;
    }
    return { kind: 'verified', location, signer: { kind: 'key', key, tlog }, trusted: true };
  }
  return unknownKey(location, ctx);
}

async function verifyBundle(bytes: Uint8Array, location: SignatureLocation, ctx: VerifyContext): Promise<SignatureOutcome> {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)));
  } catch (e) {
    return { kind: 'invalid', location, reason: `the Sigstore bundle is malformed: ${(e as Error).message}` };
  }
  let artifact: Uint8Array | undefined;
  if (bundle.content.$case === 'dsseEnvelope') {
    const envelope = bundle.content.dsseEnvelope;
    const claims = parseInTotoStatement(envelope.payloadType, envelope.payload);
    if (!claims.ok) return { kind: 'not-a-signature', location, reason: claims.reason };
    if (!isSignatureStatement(claims.value)) return { kind: 'not-a-signature', location, reason: `an attestation of type ${claims.value.predicateType}, not a signature` };
    const unbound = bindingProblem(claims.value.digests, ctx.digest);
    if (unbound) return { kind: 'invalid', location, reason: unbound };
  } else {
    const signed = bundle.content.messageSignature.messageDigest;
    const digest = signed ? `sha256:${Buffer.from(signed.digest).toString('hex')}` : 'no digest';
    const unbound = signed?.algorithm === HashAlgorithm.SHA2_256 ? bindingProblem([digest], ctx.digest) : 'the bundle signs a digest that is not SHA-256';
    if (unbound) return { kind: 'invalid', location, reason: unbound };
    artifact = await ctx.manifestBytes();
  }
  const material = bundle.verificationMaterial.content;
  if (material.$case === 'publicKey') {
    for (const key of ctx.trust.keys) {
      const checked = verifyWithKey(bundle, artifact, key, ctx.trust.trustedRootFile?.root);
      if (checked.ok) return { kind: 'verified', location, signer: { kind: 'key', key, tlog: checked.tlog }, trusted: true };
      if (checked.code !== 'SIGNATURE_ERROR') return { kind: 'invalid', location, reason: `signed by ${describeKey(key)}, but ${lower(checked.reason)}` };
    }
    return unknownKey(location, ctx);
  }
  const ders = material.$case === 'certificate' ? [material.certificate.rawBytes] : material.x509CertificateChain.certificates.map((c) => c.rawBytes);
  const certs = ders.map((der) => parseCertificateDer(der));
  const [leaf, ...intermediates] = certs;
  if (!leaf || certs.some((c) => c === undefined)) return { kind: 'invalid', location, reason: 'the bundle\'s certificate is malformed' };
  return verifyCertificateSignature({
    leaf, intermediates: intermediates as X509Certificate[], location, ctx, artifact, bundle,
    madeBy: (key) => signatureMadeBy(bundle, artifact, key.key),
  });
}

interface CertificateCase {
  leaf: X509Certificate;
  intermediates: readonly X509Certificate[];
  location: SignatureLocation;
  ctx: VerifyContext;
  artifact: Uint8Array | undefined;
  /** Whether the certificate's key made the signature. */
  madeBy: (key: CosignPublicKey) => boolean;
  /** The signature as a Sigstore bundle, or why it cannot be one. */
  bundle: Bundle | string;
}

async function verifyCertificateSignature(c: CertificateCase): Promise<SignatureOutcome> {
  const { leaf, location, ctx } = c;
  const claimed = certificateIdentity(leaf);
  let leafKey: CosignPublicKey;
  try {
    leafKey = toCosignPublicKey(createPublicKey({ key: leaf.publicKey, format: 'der', type: 'spki' }));
  } catch (e) {
    return { kind: 'invalid', location, reason: `the certificate's key cannot be used: ${(e as Error).message}` };
  }
  // Certificates from a CA a rule names: chain at the time of the check.
  let namedCaFailure: string | undefined;
  for (const group of caGroups(ctx.trust.identities)) {
    const chain = verifyChain(leaf, c.intermediates, group.roots, ctx.now);
    if (!chain.ok) {
      if (chain.reachedRoot) namedCaFailure = chain.reason;
      continue;
    }
    if (!c.madeBy(leafKey)) return { kind: 'invalid', location, reason: `the signature does not verify with the certificate of ${who(claimed)}` };
    const trusted = group.rules.some((rule) => identityMatches(rule, claimed.subject, claimed.issuer));
    return { kind: 'verified', location, trusted, signer: { kind: 'certificate', identity: claimed, authority: 'ca', ca: group.files, caRoots: group.roots, tlog: [] } };
  }
  // Otherwise Sigstore: the policy's trusted root, else the public-good one.
  let root: TrustedRoot;
  if (ctx.trust.trustedRootFile) root = ctx.trust.trustedRootFile.root;
  else {
    const available = await ctx.publicGoodRoot();
    if (available.kind !== 'ok') {
      if (namedCaFailure) return { kind: 'invalid', location, reason: `the certificate of ${who(claimed)}: ${namedCaFailure}` };
      return { kind: 'unverifiable', location, reason: `the keyless signature of ${who(claimed)} cannot be checked: ${available.message}`, claimed };
    }
    root = available.root;
  }
  if (typeof c.bundle === 'string') return { kind: 'invalid', location, reason: c.bundle };
  const checked = verifyKeyless(c.bundle, c.artifact, root);
  if (!checked.ok) {
    const reason = namedCaFailure && checked.code === 'CERTIFICATE_ERROR' ? namedCaFailure : lower(checked.reason);
    return { kind: 'invalid', location, reason: `the certificate of ${who(claimed)}: ${reason}` };
  }
  const identity = checked.certificate ?? claimed;
  const trusted = ctx.trust.identities.some((i) => i.roots === undefined && identityMatches(i.rule, identity.subject, identity.issuer));
  return { kind: 'verified', location, trusted, signer: { kind: 'certificate', identity, authority: 'sigstore', tlog: checked.tlog.length > 0 ? checked.tlog : tlogEvidence(c.bundle) } };
}

/** Identity rules grouped by the CA files they name (rules without `ca` use Sigstore). */
function caGroups(identities: readonly LoadedIdentity[]): { files: readonly string[]; roots: readonly X509Certificate[]; rules: LoadedIdentity['rule'][] }[] {
  const groups = new Map<string, { files: readonly string[]; roots: readonly X509Certificate[]; rules: LoadedIdentity['rule'][] }>();
  for (const identity of identities) {
    if (!identity.roots || !identity.rule.ca) continue;
    const id = identity.rule.ca.join('\n');
    const group = groups.get(id) ?? { files: identity.rule.ca, roots: identity.roots, rules: [] };
    group.rules.push(identity.rule);
    groups.set(id, group);
  }
  return [...groups.values()];
}

function unknownKey(location: SignatureLocation, ctx: VerifyContext): SignatureOutcome {
  const reason = ctx.trust.keys.length === 0
    ? 'signed with a key, and no rule in .trustlens.yaml names a key for this image'
    : `a signature that none of the trusted keys (${ctx.trust.keys.map((k) => describeKey(k)).join(', ')}) verifies: made with another key, or changed after signing`;
  return { kind: 'unknown-key', location, reason };
}

function who(identity: CertificateIdentity): string {
  return identity.subject ?? 'an unnamed signer';
}

function lower(text: string): string {
  return text.length > 0 ? text[0]!.toLowerCase() + text.slice(1) : text;
}
