/**
 * Canonical JSON exactly as docker/go `canonical/json` `MarshalCanonical` writes it (notary signs and
 * verifies over these bytes), plus the file bytes Go's `encoding/json` writes for a signed envelope.
 *
 * Canonical rules (docker/go `encode.go` with patches 0001–0003; protocol doc §2.2):
 * no whitespace; object keys sorted by their UTF-8 bytes; in strings only `"` and `\` are escaped and
 * every other character (control characters, `<`, `>`, `&`, U+2028/2029, non-ASCII) is emitted raw;
 * numbers must be integral and are printed as int64 decimals.
 */
import { TufError } from './tufErrors';

/** Nesting deeper than this is refused rather than risking the stack; real metadata nests ~6 deep. */
const MAX_DEPTH = 512;
const INT64_LIMIT = 2 ** 63;

/**
 * Canonical JSON bytes of a JSON value (as produced by `JSON.parse`).
 * Throws `TufError('malformed')` for values Go cannot canonicalise (fractional numbers, non-JSON values).
 *
 * @example canonicalize({ b: 1, a: 'x"y<' }) // bytes of {"a":"x\"y<","b":1}
 */
export function canonicalize(value: unknown): Uint8Array {
  return Buffer.from(canonicalString(value), 'utf8');
}

/**
 * The canonical form as a JS string; encode it as UTF-8 for the signed bytes. Lone surrogates become
 * U+FFFD on encoding, as Go's decoder already does when it reads `\ud800`.
 */
export function canonicalString(value: unknown): string {
  return write(value, 0);
}

// Strings are built by concatenation (V8 ropes) rather than pushed into an array: metadata with
// 10,000 targets is canonicalised on every verification, so this path is hot.
function write(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new TufError('malformed', 'JSON nests too deeply to canonicalise');
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') return formatNumber(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) out += ',';
      out += write(value[i], depth + 1);
    }
    return `${out}]`;
  }
  if (typeof value === 'object') {
    const keys = sortKeys(Object.keys(value));
    let out = '{';
    for (let i = 0; i < keys.length; i += 1) {
      const key = keys[i] as string;
      if (i > 0) out += ',';
      out += `${quote(key)}:${write((value as Record<string, unknown>)[key], depth + 1)}`;
    }
    return `${out}}`;
  }
  throw new TufError('malformed', `cannot canonicalise a value of type ${typeof value}`);
}

const NEEDS_ESCAPE = /[\\"]/;
const SURROGATE = /[\ud800-\udfff]/;

/** docker/go canonical mode escapes only the quote and the backslash. */
function quote(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * Go sorts map keys by their UTF-8 bytes. Without surrogate pairs, UTF-16 code unit order is code
 * point order, which is UTF-8 byte order, so the plain sort is exact and much cheaper.
 */
function sortKeys(keys: string[]): string[] {
  return keys.some((k) => SURROGATE.test(k)) ? keys.sort(compareUtf8) : keys.sort();
}

/** Go decodes numbers to float64; patch 0003 prints integral floats as int64 and refuses fractions. */
function formatNumber(n: number): string {
  if (!Number.isFinite(n) || !Number.isInteger(n)) {
    throw new TufError('malformed', `canonical JSON cannot encode the non-integer number ${n}`);
  }
  if (n >= INT64_LIMIT || n < -INT64_LIMIT) {
    throw new TufError('malformed', `canonical JSON cannot encode ${n}: outside the int64 range`);
  }
  // Safe integers print exactly; beyond them BigInt gives the int64 digits. -0 prints as 0, like Go's int64(-0.0).
  if (Number.isSafeInteger(n)) return n === 0 ? '0' : String(n);
  return BigInt(n).toString();
}

/** Go sorts map keys as byte strings; JS sorts UTF-16 code units, which differs above U+FFFF. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** One signature as Go's `encoding/json` writes it in a metadata file. */
export interface FileSignature {
  /** e.g. `041b64da…` */
  readonly keyid: string;
  /** lower-case method, e.g. `ecdsa` */
  readonly method: string;
  /** raw signature bytes; written as standard base64 with padding */
  readonly sig: Uint8Array;
}

/**
 * The exact bytes notary writes for a signed metadata file (protocol doc §2.3):
 * `{"signed":<canonical bytes, HTML-escaped>,"signatures":[{"keyid":…,"method":…,"sig":…}]}`,
 * with no whitespace and no trailing newline. The server hashes what it re-serialises this way, so
 * anything uploaded must match these bytes.
 *
 * Throws `TufError('malformed')` when the canonical bytes hold raw control characters, which Go's
 * compaction step rejects.
 */
export function serializeSignedFile(canonicalSigned: Uint8Array, signatures: readonly FileSignature[]): Uint8Array {
  const signed = htmlEscapeCanonical(Buffer.from(canonicalSigned).toString('utf8'));
  const sigs = signatures
    .map((s) => `{"keyid":${goQuote(s.keyid)},"method":${goQuote(s.method)},"sig":"${Buffer.from(s.sig).toString('base64')}"}`)
    .join(',');
  return Buffer.from(`{"signed":${signed},"signatures":[${sigs}]}`, 'utf8');
}

/** Go's `compact(…, escapeHTML=true)` over already-compact canonical JSON. */
function htmlEscapeCanonical(canonical: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(canonical)) {
    throw new TufError('malformed', 'canonical JSON holds a raw control character; Go cannot write it to a file');
  }
  return canonical.replace(/[<>&\u2028\u2029]/g, unicodeEscape);
}

/** A string as Go's `encoding/json` `Marshal` quotes it (HTML-safe, control characters escaped). */
export function goQuote(s: string): string {
  const escaped = s.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f"\\<>&\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => {
      switch (c) {
        case '"': return '\\"';
        case '\\': return '\\\\';
        case '\n': return '\\n';
        case '\r': return '\\r';
        case '\t': return '\\t';
        default:
          // Go writes invalid UTF-8 (here: a lone surrogate) as \ufffd.
          return c.charCodeAt(0) >= 0xd800 && c.charCodeAt(0) <= 0xdfff ? '\\ufffd' : unicodeEscape(c);
      }
    },
  );
  return `"${escaped}"`;
}

function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
