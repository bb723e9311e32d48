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
  return encode(value, 0, ordinaryObjectPrototype()) ?? JSON.stringify(value);
}

// Metadata with 10,000 targets is canonicalised on every verification, so this path is hot. Most of
// a parsed file is already canonical in `JSON.stringify`'s terms: plain objects whose keys come in
// sorted order, strings without control characters or surrogates, safe integers. For such a value
// `JSON.stringify` writes exactly the canonical bytes (it escapes only `"` and `\` in those strings,
// and prints those numbers as int64 decimals), natively and without building a string per node.
// `encode` walks the value once: it returns `undefined` for a subtree that `JSON.stringify` writes
// canonically, and otherwise the subtree's canonical text, built from its children's (each safe
// child written by `JSON.stringify`). Every node is visited once and written once.
//
// `plain`: whether `Object.prototype` is as the language defines it (no enumerable property, no
// `toJSON`), so that `for…in` lists exactly an object's own keys and `JSON.stringify` calls nothing.
function encode(value: unknown, depth: number, plain: boolean): string | undefined {
  if (depth > MAX_DEPTH) throw new TufError('malformed', 'JSON nests too deeply to canonicalise');
  switch (typeof value) {
    case 'string':
      return UNSAFE_CHARS.test(value) ? quote(value) : undefined;
    case 'number':
      return Number.isSafeInteger(value) ? undefined : formatNumber(value);
    case 'boolean':
      return undefined;
    case 'object':
      if (value === null) return undefined;
      return Array.isArray(value) ? encodeArray(value, depth, plain) : encodeObject(value as Record<string, unknown>, depth, plain);
    default:
      throw new TufError('malformed', `cannot canonicalise a value of type ${typeof value}`);
  }
}

function encodeArray(value: readonly unknown[], depth: number, plain: boolean): string | undefined {
  let parts: (string | undefined)[] | undefined = typeof (value as { toJSON?: unknown }).toJSON === 'function' ? [] : undefined;
  for (let i = 0; i < value.length; i += 1) {
    const part = encode(value[i], depth + 1, plain);
    if (part !== undefined) (parts ??= [])[i] = part;
  }
  if (!parts) return undefined;
  let out = '[';
  for (let i = 0; i < value.length; i += 1) {
    if (i > 0) out += ',';
    out += parts[i] ?? JSON.stringify(value[i]);
  }
  return `${out}]`;
}

function encodeObject(value: Record<string, unknown>, depth: number, plain: boolean): string | undefined {
  const proto: unknown = Object.getPrototypeOf(value);
  if (!(proto === null || (plain && proto === Object.prototype))) {
    // Not a plain JSON object (a date, a buffer, a class instance): written member by member.
    const parts = new Map<string, string | undefined>();
    for (const key of Object.keys(value)) parts.set(key, encode(value[key], depth + 1, plain));
    return writeMembers(value, parts);
  }
  // for…in rather than Object.keys: no array per object. Here it lists exactly the own keys.
  let stringifiable = true;
  let parts: Map<string, string | undefined> | undefined;
  let previous: string | undefined;
  for (const key in value) {
    // Without surrogates, UTF-16 order is UTF-8 byte order; JSON.stringify would call a toJSON method.
    if (UNSAFE_CHARS.test(key) || key === 'toJSON' || (previous !== undefined && !(previous < key))) stringifiable = false;
    previous = key;
    const part = encode(value[key], depth + 1, plain);
    if (part !== undefined) (parts ??= new Map()).set(key, part);
  }
  if (stringifiable && !parts) return undefined;
  return writeMembers(value, parts ?? new Map());
}

/** `{…}` with keys sorted by UTF-8 bytes; a member's text is in `parts`, else JSON.stringify writes it. */
function writeMembers(value: Record<string, unknown>, parts: ReadonlyMap<string, string | undefined>): string {
  const keys = Object.keys(value);
  if (keys.some((k) => SURROGATE.test(k))) keys.sort(compareUtf8);
  else keys.sort();
  let out = '{';
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i] as string;
    if (i > 0) out += ',';
    out += `${quote(key)}:${parts.get(key) ?? JSON.stringify(value[key])}`;
  }
  return `${out}}`;
}

/** Whether `Object.prototype` has no enumerable property and no `toJSON`, as the language defines it. */
function ordinaryObjectPrototype(): boolean {
  const proto = Object.prototype as Record<string, unknown>;
  for (const key in proto) if (key !== undefined) return false;
  return typeof proto.toJSON !== 'function';
}

/** Characters JSON.stringify would escape (or, unpaired, replace) where canonical JSON writes them raw. */
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\ud800-\udfff]/;
const NEEDS_ESCAPE = /[\\"]/;
const SURROGATE = /[\ud800-\udfff]/;

/** docker/go canonical mode escapes only the quote and the backslash. */
function quote(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
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
