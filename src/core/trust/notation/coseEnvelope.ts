/**
 * The COSE envelope (signature-envelope-cose.md): a COSE_Sign1_Tagged message (RFC 9052 §4.2), decoded
 * with `cborg` in strict mode (shortest-form integers and lengths, no duplicate map keys, no
 * indefinite lengths, only the tags 18 and 1), its Sig_structure checked with node:crypto.
 */
import { decode, encode, Tagged } from 'cborg';
import {
  HEADER_AUTHENTIC_SIGNING_TIME,
  HEADER_EXPIRY,
  HEADER_SIGNING_AGENT,
  HEADER_SIGNING_TIME,
  HEADER_TIMESTAMP_SIGNATURE,
} from './constants';
import type { NotationCertificate } from './certificate';
import { EnvelopeError, readSignedAttributes, type EnvelopeContent } from './envelope';
import { parseChain } from './jwsEnvelope';
import { algorithmForKey, COSE_ALGORITHMS, verifyRawSignature } from './keySpec';

const COSE_SIGN1_TAG = 18;
const LABEL_ALG = 1;
const LABEL_CRIT = 2;
const LABEL_CONTENT_TYPE = 3;
const LABEL_X5CHAIN = 33;
const TIME_HEADERS = new Set([HEADER_SIGNING_TIME, HEADER_AUTHENTIC_SIGNING_TIME, HEADER_EXPIRY]);

const DECODE_OPTIONS = {
  tags: Tagged.preserve(COSE_SIGN1_TAG, 1),
  useMaps: true,
  strict: true,
  rejectDuplicateMapKeys: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  allowBigInt: false,
};

function decodeCbor(bytes: Uint8Array, what: string): unknown {
  try {
    return decode(bytes, DECODE_OPTIONS);
  } catch (e) {
    throw new EnvelopeError(`${what} is not valid CBOR: ${(e as Error).message.replace(/^CBOR decode error: /, '')}`);
  }
}

/** An epoch-based date/time (RFC 8949 §3.4.2, tag 1) as epoch ms; NaN when it is not one. */
function coseTime(value: unknown): number {
  if (!(value instanceof Tagged) || value.tag !== 1 || typeof value.value !== 'number' || !Number.isFinite(value.value)) return NaN;
  return value.value * 1000;
}

/** Parses and verifies a COSE_Sign1_Tagged envelope. Throws {@link EnvelopeError} (or PluginRequiredError). */
export function verifyCoseEnvelope(bytes: Uint8Array, maxChainLength: number): EnvelopeContent {
  const message = decodeCbor(bytes, 'the COSE envelope');
  if (!(message instanceof Tagged) || message.tag !== COSE_SIGN1_TAG) throw new EnvelopeError('the envelope is not a COSE_Sign1_Tagged message');
  const parts = message.value;
  if (!Array.isArray(parts) || parts.length !== 4) throw new EnvelopeError('COSE_Sign1 must be an array of 4 items');
  const [rawProtected, unprotected, payload, signature] = parts as [unknown, unknown, unknown, unknown];
  if (!(rawProtected instanceof Uint8Array) || rawProtected.length === 0) throw new EnvelopeError('the COSE protected header is missing');
  if (!(unprotected instanceof Map)) throw new EnvelopeError('the COSE unprotected header is not a map');
  if (!(payload instanceof Uint8Array) || payload.length === 0) throw new EnvelopeError('the COSE payload is missing (detached payloads are not supported)');
  if (!(signature instanceof Uint8Array) || signature.length === 0) throw new EnvelopeError('the COSE signature is missing');
  const protectedHeader = decodeCbor(rawProtected, 'the COSE protected header');
  if (!(protectedHeader instanceof Map)) throw new EnvelopeError('the COSE protected header is not a map');
  for (const label of unprotected.keys()) {
    if (protectedHeader.has(label)) throw new EnvelopeError(`header ${JSON.stringify(label)} is both protected and unprotected`);
  }

  // x5chain (label 33) may be protected or unprotected (signature-envelope-cose.md, "x5chain").
  const chain = protectedHeader.get(LABEL_X5CHAIN) ?? unprotected.get(LABEL_X5CHAIN);
  const ders = chain instanceof Uint8Array ? [chain] : chain;
  if (!Array.isArray(ders) || ders.some((d) => !(d instanceof Uint8Array))) throw new EnvelopeError('the certificate chain (x5chain) is missing');
  const certificates = parseChain(ders as Uint8Array[], maxChainLength);
  const leaf = certificates[0] as NotationCertificate;
  const allowed = algorithmForKey(leaf.publicKey);
  if ('error' in allowed) throw new EnvelopeError(`signing certificate: ${allowed.error}`);
  const alg = protectedHeader.get(LABEL_ALG);
  const named = typeof alg === 'number' ? COSE_ALGORITHMS[alg] : undefined;
  if (!named) throw new EnvelopeError(`unsupported COSE algorithm ${JSON.stringify(alg)}`);
  if (named !== allowed.algorithm) throw new EnvelopeError(`"alg" (${named}) does not match the signing certificate's key (${allowed.algorithm} expected)`);

  // RFC 9052 §4.4: Sig_structure = ["Signature1", body_protected, external_aad, payload].
  const toBeSigned = encode(['Signature1', rawProtected, new Uint8Array(0), payload]);
  if (!verifyRawSignature(named, leaf.publicKey, toBeSigned, signature)) {
    throw new EnvelopeError('the signature does not verify with the signing certificate\'s key');
  }

  const crit = protectedHeader.get(LABEL_CRIT);
  if (crit !== undefined && (!Array.isArray(crit) || crit.some((c) => typeof c !== 'string' && typeof c !== 'number'))) {
    throw new EnvelopeError('"crit" must be a list of labels');
  }
  const critList = (crit ?? []) as (string | number)[];
  // signature-envelope-cose.md, "crit": it MUST NOT contain the integer labels 0 to 8.
  const reserved = critList.find((c) => typeof c === 'number' && c >= 0 && c <= 8);
  if (reserved !== undefined) throw new EnvelopeError(`"crit" must not list the standard header ${reserved}`);
  const signed = readSignedAttributes({
    crit: critList,
    contentType: protectedHeader.get(LABEL_CONTENT_TYPE),
    labels: new Set(protectedHeader.keys() as Iterable<string | number>),
    get: (name) => (TIME_HEADERS.has(name) ? coseTime(protectedHeader.get(name)) : protectedHeader.get(name)),
  });

  const content: EnvelopeContent = { payload, algorithm: named, signature, certificates, signed };
  const token = unprotected.get(HEADER_TIMESTAMP_SIGNATURE);
  if (token !== undefined) {
    if (!(token instanceof Uint8Array)) throw new EnvelopeError('the timestamp signature is not a byte string');
    content.timestampToken = token;
  }
  const agent = unprotected.get(HEADER_SIGNING_AGENT);
  if (typeof agent === 'string') content.signingAgent = agent;
  return content;
}
