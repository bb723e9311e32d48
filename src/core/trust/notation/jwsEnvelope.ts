/**
 * The JWS envelope (signature-envelope-jws.md): flattened JSON serialisation, verified with `jose`
 * against the key of the first `x5c` certificate, with `alg` pinned to what that key allows.
 */
import { flattenedVerify, errors as joseErrors, type FlattenedJWSInput } from 'jose';
import { decodeStdBase64 } from '../../crypto/encoding';
import {
  HEADER_AUTHENTIC_SIGNING_TIME,
  HEADER_EXPIRY,
  HEADER_SIGNING_AGENT,
  HEADER_SIGNING_SCHEME,
  HEADER_SIGNING_TIME,
  HEADER_TIMESTAMP_SIGNATURE,
  HEADER_VERIFICATION_PLUGIN,
  HEADER_VERIFICATION_PLUGIN_MIN_VERSION,
} from './constants';
import { parseCertificate, type NotationCertificate } from './certificate';
import { EnvelopeError, parseRfc3339, readSignedAttributes, type EnvelopeContent } from './envelope';
import { algorithmForKey } from './keySpec';

const TIME_HEADERS = new Set([HEADER_SIGNING_TIME, HEADER_AUTHENTIC_SIGNING_TIME, HEADER_EXPIRY]);
// jose refuses any `crit` name not listed here; readSignedAttributes then decides about each one.
const RECOGNISED_CRIT = {
  [HEADER_SIGNING_SCHEME]: true,
  [HEADER_AUTHENTIC_SIGNING_TIME]: true,
  [HEADER_EXPIRY]: true,
  [HEADER_VERIFICATION_PLUGIN]: true,
  [HEADER_VERIFICATION_PLUGIN_MIN_VERSION]: true,
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads the certificate chain of a JWS or COSE envelope, leaf first. */
export function parseChain(items: readonly Uint8Array[], maxLength: number): NotationCertificate[] {
  if (items.length === 0) throw new EnvelopeError('the certificate chain is missing');
  if (items.length > maxLength) throw new EnvelopeError(`the certificate chain has ${items.length} certificates (at most ${maxLength})`);
  return items.map((der, i) => {
    try {
      return parseCertificate(der);
    } catch (e) {
      throw new EnvelopeError(`certificate ${i + 1} of the chain: ${(e as Error).message}`);
    }
  });
}

/** Parses and verifies a JWS envelope. Throws {@link EnvelopeError} (or PluginRequiredError). */
export async function verifyJwsEnvelope(bytes: Uint8Array, maxChainLength: number): Promise<EnvelopeContent> {
  let env: unknown;
  try {
    env = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new EnvelopeError('the JWS envelope is not JSON');
  }
  if (!isRecord(env) || typeof env.payload !== 'string' || typeof env.protected !== 'string' || typeof env.signature !== 'string' || !isRecord(env.header)) {
    throw new EnvelopeError('the JWS envelope is not in flattened JSON serialisation (payload, protected, header, signature)');
  }
  const header = env.header;
  const x5c = header.x5c;
  if (!Array.isArray(x5c)) throw new EnvelopeError('the certificate chain (x5c) is missing');
  const ders = x5c.map((item) => (typeof item === 'string' ? decodeStdBase64(item) : undefined));
  if (ders.some((d) => d === undefined)) throw new EnvelopeError('x5c holds a value that is not base64 DER');
  const certificates = parseChain(ders as Uint8Array[], maxChainLength);
  const leaf = certificates[0] as NotationCertificate;
  const allowed = algorithmForKey(leaf.publicKey);
  if ('error' in allowed) throw new EnvelopeError(`signing certificate: ${allowed.error}`);

  let verified: Awaited<ReturnType<typeof flattenedVerify>>;
  try {
    // `algorithms` pins `alg` to the one the leaf key allows (signature-envelope-jws.md, "alg").
    verified = await flattenedVerify(env as unknown as FlattenedJWSInput, leaf.publicKey, { algorithms: [allowed.algorithm], crit: RECOGNISED_CRIT });
  } catch (e) {
    if (e instanceof joseErrors.JWSSignatureVerificationFailed) throw new EnvelopeError('the signature does not verify with the signing certificate\'s key');
    if (e instanceof joseErrors.JOSEAlgNotAllowed) throw new EnvelopeError(`"alg" does not match the signing certificate's key (${allowed.algorithm} expected)`);
    if (e instanceof joseErrors.JOSENotSupported) throw new EnvelopeError(`unknown critical header: ${(e as Error).message}`);
    const missing = /Extension Header Parameter "(.*)" is missing/.exec((e as Error).message);
    if (missing) throw new EnvelopeError(`"${missing[1]}" is marked critical but not present`);
    throw new EnvelopeError(`malformed JWS envelope: ${(e as Error).message}`);
  }
  const protectedHeader = verified.protectedHeader ?? {};
  const crit = protectedHeader.crit;
  const signed = readSignedAttributes({
    crit: Array.isArray(crit) ? crit : [],
    contentType: protectedHeader.cty,
    labels: new Set(Object.keys(protectedHeader)),
    get: (name) => (TIME_HEADERS.has(name) ? parseRfc3339(protectedHeader[name]) : protectedHeader[name]),
  });

  const content: EnvelopeContent = {
    payload: verified.payload,
    algorithm: allowed.algorithm,
    signature: new Uint8Array(Buffer.from(env.signature, 'base64url')),
    certificates,
    signed,
  };
  const token = header[HEADER_TIMESTAMP_SIGNATURE];
  if (token !== undefined) {
    const decoded = typeof token === 'string' ? decodeStdBase64(token) : undefined;
    if (!decoded) throw new EnvelopeError('the timestamp signature is not base64');
    content.timestampToken = decoded;
  }
  if (typeof header[HEADER_SIGNING_AGENT] === 'string') content.signingAgent = header[HEADER_SIGNING_AGENT];
  if (content.payload.length === 0) throw new EnvelopeError('the payload is empty');
  return content;
}
