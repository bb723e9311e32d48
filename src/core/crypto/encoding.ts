/** Byte encodings as notary's Go code reads and writes them. */
import { createHash } from 'node:crypto';

// Module-level values are built by calls marked pure, so that a bundle that does not use this
// module's functions can leave it out (the extension's activation bundle imports a module that imports it).

/** Value of each standard base64 character by char code (below 128), -1 for every other one. */
const BASE64_VALUE = /* @__PURE__ */ base64Values();
const PAD = 0x3d; // '='

function base64Values(): Int8Array {
  const values = new Int8Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i += 1) values[alphabet.charCodeAt(i)] = i;
  return values;
}

const valueOf = (text: string, i: number): number => {
  const c = text.charCodeAt(i);
  return c < 128 ? (BASE64_VALUE[c] as number) : -1;
};

/**
 * Decodes standard base64 with padding (a multiple of 4 characters from the standard alphabet, one
 * or two `=` only at the very end) into `out` from index 0, in one pass: a loop rather than a
 * regular expression and `Buffer`, since metadata with 10,000 targets has 10,000 digests. Returns
 * the number of bytes, or -1 if `text` is not such base64 or does not fit in `out`. Unused bits of
 * the last character are ignored, as Go's `StdEncoding` (not `Strict`) ignores them.
 */
function decodeInto(text: string, out: Uint8Array): number {
  const n = text.length;
  if (n % 4 !== 0) return -1;
  const padding = n === 0 || text.charCodeAt(n - 1) !== PAD ? 0 : text.charCodeAt(n - 2) === PAD ? 2 : 1;
  const size = (n / 4) * 3 - padding;
  if (size > out.length) return -1;
  let o = 0;
  for (let i = 0; i < n; i += 4) {
    const v0 = valueOf(text, i);
    const v1 = valueOf(text, i + 1);
    if (v0 < 0 || v1 < 0) return -1;
    out[o++] = (v0 << 2) | (v1 >> 4);
    if (i + 4 === n && padding === 2) break;
    const v2 = valueOf(text, i + 2);
    if (v2 < 0) return -1;
    out[o++] = ((v1 & 15) << 4) | (v2 >> 2);
    if (i + 4 === n && padding === 1) break;
    const v3 = valueOf(text, i + 3);
    if (v3 < 0) return -1;
    out[o++] = ((v2 & 3) << 6) | v3;
  }
  return o;
}

/** Go's `base64.StdEncoding` skips `\r` and `\n` wherever they are. */
function withoutNewlines(text: string): string {
  return text.includes('\n') || text.includes('\r') ? text.replace(/[\r\n]/g, '') : text;
}

/**
 * Decodes standard base64 with padding, as Go's `encoding/json` does for `[]byte` fields
 * (`base64.StdEncoding`, which skips `\r` and `\n`). Returns `undefined` for anything else, e.g.
 * URL-safe alphabet or missing padding, which Go refuses.
 */
export function decodeStdBase64(text: string): Uint8Array | undefined {
  const compact = withoutNewlines(text);
  const n = compact.length;
  if (n % 4 !== 0) return undefined;
  const out = new Uint8Array((n / 4) * 3 - (n > 0 && compact.endsWith('=') ? (compact.endsWith('==') ? 2 : 1) : 0));
  return decodeInto(compact, out) === out.length ? out : undefined;
}

/** Room for a decoded sha512 digest and more; longer values get a buffer of their own. */
const scratch = /* @__PURE__ */ Buffer.allocUnsafe(96);

/**
 * The bytes of standard base64 with padding (read as {@link decodeStdBase64} reads it) as
 * lower-case hex, without keeping them: digests are kept as hex. `undefined` when not base64.
 */
export function stdBase64ToHex(text: string): string | undefined {
  let size = decodeInto(text, scratch);
  if (size >= 0) return scratch.toString('hex', 0, size);
  const compact = withoutNewlines(text);
  if (compact.length <= (scratch.length / 3) * 4) {
    size = decodeInto(compact, scratch);
    return size < 0 ? undefined : scratch.toString('hex', 0, size);
  }
  const bytes = decodeStdBase64(compact);
  return bytes && toHex(bytes);
}

/** Standard base64 with padding, as Go writes `[]byte`. */
export function encodeStdBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** Lower-case hex, e.g. for key IDs and digests. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** SHA-256 of some bytes. */
export function sha256(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/** SHA-512 of some bytes. */
export function sha512(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createHash('sha512').update(bytes).digest());
}

/** Byte equality without early exit on the first difference. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}
