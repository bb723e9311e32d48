/**
 * What both envelope formats yield once parsed and cryptographically verified, and the rules on signed
 * attributes they share (signature-specification.md, "Signed Attributes"; signing-scheme.md).
 */
import {
  HEADER_AUTHENTIC_SIGNING_TIME,
  HEADER_EXPIRY,
  HEADER_SIGNING_SCHEME,
  HEADER_SIGNING_TIME,
  HEADER_VERIFICATION_PLUGIN,
  HEADER_VERIFICATION_PLUGIN_MIN_VERSION,
  PAYLOAD_CONTENT_TYPE,
  SIGNING_SCHEMES,
  type SigningScheme,
} from './constants';
import type { NotationCertificate } from './certificate';
import type { NotationAlgorithm } from './keySpec';

/** An integrity failure: the envelope is malformed, does not verify, or breaks a rule of the spec. */
export class EnvelopeError extends Error {}

/** The envelope names a verification plugin, whose checks TrustLens cannot perform. */
export class PluginRequiredError extends Error {
  constructor(readonly plugin: string) {
    super(`the signature requires the verification plugin "${plugin}", which TrustLens does not run`);
  }
}

/** The signed attributes that matter for verification. Times are epoch milliseconds. */
export interface SignedAttributes {
  signingScheme: SigningScheme;
  /** `io.cncf.notary.signingTime` (notary.x509) or `io.cncf.notary.authenticSigningTime` (signing authority). */
  signingTime: number;
  expiry?: number;
}

/** A verified envelope. */
export interface EnvelopeContent {
  payload: Uint8Array;
  algorithm: NotationAlgorithm;
  /** The primitive signature, which an RFC 3161 timestamp stamps. */
  signature: Uint8Array;
  /** Leaf first, as the envelope lists them. */
  certificates: NotationCertificate[];
  signed: SignedAttributes;
  timestampToken?: Uint8Array;
  signingAgent?: string;
}

/** Protected headers as both formats expose them to the shared rules. */
export interface ProtectedHeaderView {
  /** The `crit` list as written (strings; COSE may also hold integer labels). */
  crit: readonly (string | number)[];
  contentType: unknown;
  /** Every header label present. */
  labels: ReadonlySet<string | number>;
  /** A header value by name; times are already read as epoch ms, or `NaN` when malformed. */
  get(name: string): unknown;
}

/** Headers of notation's own that may appear in `crit`; anything else there is refused. */
const KNOWN_CRITICAL = new Set<string | number>([HEADER_SIGNING_SCHEME, HEADER_AUTHENTIC_SIGNING_TIME, HEADER_EXPIRY]);
const PLUGIN_HEADERS = new Set<string | number>([HEADER_VERIFICATION_PLUGIN, HEADER_VERIFICATION_PLUGIN_MIN_VERSION]);

/**
 * Applies the signed-attribute rules: the signing scheme and its time attribute (signing-scheme.md),
 * `crit` listing every critical header and only ones this verifier understands
 * (signature-specification.md, "Extended attributes": unknown critical attributes MUST fail), the
 * content type, and an expiry later than the signing time (notation-core-go `validateSigningAndExpiryTime`).
 */
export function readSignedAttributes(h: ProtectedHeaderView): SignedAttributes {
  if (h.contentType !== PAYLOAD_CONTENT_TYPE) throw new EnvelopeError(`unsupported payload content type ${JSON.stringify(h.contentType)}`);
  const scheme = h.get(HEADER_SIGNING_SCHEME);
  if (typeof scheme !== 'string' || !(SIGNING_SCHEMES as readonly string[]).includes(scheme)) {
    throw new EnvelopeError(`unsupported signing scheme ${JSON.stringify(scheme)}`);
  }
  const signingScheme = scheme as SigningScheme;
  if (h.crit.length === 0) throw new EnvelopeError('the "crit" header is missing');
  const plugin = h.crit.find((c) => PLUGIN_HEADERS.has(c));
  for (const name of h.crit) {
    if (!h.labels.has(name)) throw new EnvelopeError(`${JSON.stringify(name)} is marked critical but not present`);
    if (!KNOWN_CRITICAL.has(name) && !PLUGIN_HEADERS.has(name)) throw new EnvelopeError(`unknown critical header ${JSON.stringify(name)}`);
  }
  const mustBeCritical = [HEADER_SIGNING_SCHEME];
  if (signingScheme === 'notary.x509.signingAuthority') mustBeCritical.push(HEADER_AUTHENTIC_SIGNING_TIME);
  if (h.labels.has(HEADER_EXPIRY)) mustBeCritical.push(HEADER_EXPIRY);
  const notCritical = mustBeCritical.filter((name) => !h.crit.includes(name));
  if (notCritical.length > 0) throw new EnvelopeError(`required headers are not marked critical: ${notCritical.join(', ')}`);

  const [timeHeader, otherHeader] =
    signingScheme === 'notary.x509' ? [HEADER_SIGNING_TIME, HEADER_AUTHENTIC_SIGNING_TIME] : [HEADER_AUTHENTIC_SIGNING_TIME, HEADER_SIGNING_TIME];
  if (h.labels.has(otherHeader)) throw new EnvelopeError(`"${otherHeader}" must not be present under the ${signingScheme} signing scheme`);
  const signingTime = h.get(timeHeader);
  if (!h.labels.has(timeHeader)) throw new EnvelopeError(`"${timeHeader}" is missing`);
  if (typeof signingTime !== 'number' || !Number.isFinite(signingTime)) throw new EnvelopeError(`"${timeHeader}" is not a valid time`);
  const attributes: SignedAttributes = { signingScheme, signingTime };
  if (h.labels.has(HEADER_EXPIRY)) {
    const expiry = h.get(HEADER_EXPIRY);
    if (typeof expiry !== 'number' || !Number.isFinite(expiry)) throw new EnvelopeError(`"${HEADER_EXPIRY}" is not a valid time`);
    if (expiry <= signingTime) throw new EnvelopeError('the expiry is not after the signing time');
    attributes.expiry = expiry;
  }
  // A verification plugin is named last: the rest of the envelope must be sound before this matters.
  if (plugin !== undefined) {
    const name = h.get(HEADER_VERIFICATION_PLUGIN);
    throw new PluginRequiredError(typeof name === 'string' ? name : String(plugin));
  }
  return attributes;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 time (JWS headers) as epoch ms, or NaN. */
export function parseRfc3339(value: unknown): number {
  if (typeof value !== 'string' || !RFC3339.test(value)) return NaN;
  return Date.parse(value);
}
