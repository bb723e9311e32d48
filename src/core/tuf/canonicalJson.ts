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
  const parts: string[] = [];
  write(value, parts, 0);
  return parts.join('');
}

function write(value: unknown, out: string[], depth: number): void {
  if (depth > MAX_DEPTH) throw new TufError('malformed', 'JSON nests too deeply to canonicalise');
  if (value === null) {
    out.push('null');
  } else if (value === true || value === false) {
    out.push(value ? 'true' : 'false');
  } else if (typeof value === 'string') {
    out.push(quote(value));
  } else if (typeof value === 'number') {
    out.push(formatNumber(value));
  } else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, i) => {
      if (i > 0) out.push(',');
      write(item, out, depth + 1);
    });
    out.push(']');
  } else if (typeof value === 'object') {
    const keys = Object.keys(value).sort(compareUtf8);
    out.push('{');
    keys.forEach((key, i) => {
      if (i > 0) out.push(',');
      out.push(quote(key), ':');
      write((value as Record<string, unknown>)[key], out, depth + 1);
    });
    out.push('}');
  } else {
    throw new TufError('malformed', `cannot canonicalise a value of type ${typeof value}`);
  }
}

/** docker/go canonical mode escapes only the quote and the backslash. */
function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Go decodes numbers to float64; patch 0003 prints integral floats as int64 and refuses fractions. */
function formatNumber(n: number): string {
  if (!Number.isFinite(n) || !Number.isInteger(n)) {
    throw new TufError('malformed', `canonical JSON cannot encode the non-integer number ${n}`);
  }
  if (n >= INT64_LIMIT || n < -INT64_LIMIT) {
    throw new TufError('malformed', `canonical JSON cannot encode ${n}: outside the int64 range`);
  }
  // Via BigInt, -0 prints as 0, like Go's int64(-0.0).
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
