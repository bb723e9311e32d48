/**
 * What a cosign signature says it signs, and whether that is the image being checked: the
 * simple-signing payload of a legacy signature (`critical.image.docker-manifest-digest`) and the in-toto
 * statement of a bundle (a subject's digest). A signature whose payload names another digest was
 * copied from another image and is invalid, however good its cryptography.
 */
import { IN_TOTO_PAYLOAD_TYPE, SIGN_PREDICATE_TYPE, SIMPLE_SIGNING_TYPE } from './cosignFormats';

/** A simple-signing payload's claims. */
export interface SimpleSigningClaims {
  /** `critical.image.docker-manifest-digest`, e.g. `sha256:…`. */
  readonly digest: string;
  /** `critical.identity.docker-reference`, e.g. `127.0.0.1:5000/team/app` (informative only). */
  readonly dockerReference: string | undefined;
  /** `optional`, the annotations given at signing time (informative only). */
  readonly annotations: Readonly<Record<string, unknown>> | undefined;
}

/** Parsing outcome: the claims, or why the payload is unusable. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Reads a simple-signing payload as cosign writes it. */
export function parseSimpleSigning(payload: Uint8Array): Parsed<SimpleSigningClaims> {
  const json = parseJson(payload);
  if (!isRecord(json)) return { ok: false, reason: 'the signed payload is not a JSON object' };
  const critical = json.critical;
  if (!isRecord(critical)) return { ok: false, reason: 'the signed payload has no "critical" section' };
  if (critical.type !== SIMPLE_SIGNING_TYPE) return { ok: false, reason: `the signed payload's type is ${JSON.stringify(critical.type)}, not "${SIMPLE_SIGNING_TYPE}"` };
  const image = critical.image;
  const digest = isRecord(image) ? image['docker-manifest-digest'] : undefined;
  if (typeof digest !== 'string') return { ok: false, reason: 'the signed payload names no image digest' };
  const identity = critical.identity;
  const reference = isRecord(identity) && typeof identity['docker-reference'] === 'string' ? identity['docker-reference'] : undefined;
  const optional = isRecord(json.optional) ? json.optional : undefined;
  return { ok: true, value: { digest, dockerReference: reference, annotations: optional } };
}

/** An in-toto statement's subjects and predicate type. */
export interface InTotoClaims {
  readonly predicateType: string;
  /** Every `sha256` digest among the subjects, as `sha256:<hex>`. */
  readonly digests: readonly string[];
  /** Subject names, when given (cosign 2 writes the repository; cosign 3 writes none). */
  readonly names: readonly string[];
}

/** Reads a DSSE payload as an in-toto statement (v0.1 or v1). */
export function parseInTotoStatement(payloadType: string, payload: Uint8Array): Parsed<InTotoClaims> {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) return { ok: false, reason: `the envelope's payload type is ${payloadType}, not an in-toto statement` };
  const json = parseJson(payload);
  if (!isRecord(json)) return { ok: false, reason: 'the in-toto statement is not a JSON object' };
  if (typeof json._type !== 'string' || !json._type.startsWith('https://in-toto.io/Statement/')) return { ok: false, reason: 'the payload is not an in-toto statement' };
  if (typeof json.predicateType !== 'string') return { ok: false, reason: 'the in-toto statement has no predicate type' };
  if (!Array.isArray(json.subject) || json.subject.length === 0) return { ok: false, reason: 'the in-toto statement names no subject' };
  const digests: string[] = [];
  const names: string[] = [];
  for (const subject of json.subject.slice(0, 1000)) {
    if (!isRecord(subject)) continue;
    if (typeof subject.name === 'string' && subject.name !== '') names.push(subject.name);
    const sha = isRecord(subject.digest) ? subject.digest.sha256 : undefined;
    if (typeof sha === 'string' && /^[0-9a-f]{64}$/.test(sha)) digests.push(`sha256:${sha}`);
  }
  return { ok: true, value: { predicateType: json.predicateType, digests, names } };
}

/** Whether an in-toto statement is a cosign signature (rather than another attestation). */
export function isSignatureStatement(claims: InTotoClaims): boolean {
  return claims.predicateType === SIGN_PREDICATE_TYPE;
}

/**
 * Why the claims do not bind `digest`, or undefined when they do.
 * @example bindingProblem(['sha256:aaa…'], 'sha256:bbb…') // 'the signature is for sha256:aaa…, not sha256:bbb… (copied from another image?)'
 */
export function bindingProblem(signed: readonly string[], digest: string): string | undefined {
  const wanted = digest.toLowerCase();
  if (signed.some((d) => d.toLowerCase() === wanted)) return undefined;
  const named = signed.length === 0 ? 'no digest' : signed.slice(0, 3).join(', ');
  return `the signature is for ${named}, not ${wanted} (copied from another image?)`;
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
