/**
 * A minimal DER reader and writer. The reader reads just enough for the certificate fields
 * node:crypto does not expose on Node 20 (signature algorithm, exact validity times, subject CN),
 * ECDSA `SEQUENCE{r,s}` signatures and private key containers; every reader returns `undefined` on
 * malformed input instead of throwing. The writer (`der*` functions) builds the few structures the
 * key store writes: PKCS#8 containers and notary's root certificates.
 */

/** One TLV: its tag byte and where its value lies in the buffer. */
export interface Tlv {
  readonly tag: number;
  /** Offset of the first value byte. */
  readonly start: number;
  /** Offset just past the last value byte. */
  readonly end: number;
}

/** Reads the TLV at `offset` (single-byte tags, definite lengths only), bounded by `limit`. */
export function readTlv(buf: Uint8Array, offset: number, limit = buf.length): Tlv | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) return undefined;
  let len = buf[offset + 1] as number;
  let start = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[start + i] as number);
    start += n;
  }
  const end = start + len;
  return end > limit ? undefined : { tag, start, end };
}

/** The TLVs directly inside a constructed value. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] | undefined {
  const out: Tlv[] = [];
  let at = parent.start;
  while (at < parent.end) {
    const t = readTlv(buf, at, parent.end);
    if (!t) return undefined;
    out.push(t);
    at = t.end;
  }
  return out;
}

/** Dotted form of an OBJECT IDENTIFIER value, e.g. `1.2.840.10045.4.3.2`. */
export function oidToString(buf: Uint8Array, t: Tlv): string | undefined {
  if (t.tag !== 0x06 || t.end <= t.start) return undefined;
  const arcs: number[] = [];
  let value = 0;
  for (let i = t.start; i < t.end; i++) {
    const b = buf[i] as number;
    value = value * 128 + (b & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER) return undefined;
    if (!(b & 0x80)) {
      arcs.push(value);
      value = 0;
    } else if (i === t.end - 1) {
      return undefined;
    }
  }
  const first = arcs.shift() as number;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}

/** UTCTime (`YYMMDDHHMMSSZ`) or GeneralizedTime (`YYYYMMDDHHMMSSZ`) as epoch milliseconds. */
export function readTime(buf: Uint8Array, t: Tlv): number | undefined {
  const s = Buffer.from(buf.subarray(t.start, t.end)).toString('latin1');
  let m: RegExpExecArray | null;
  let year: number;
  if (t.tag === 0x17 && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
    const yy = Number(m[1]);
    // RFC 5280 §4.1.2.5.1: two-digit years 50–99 are 19xx, 00–49 are 20xx.
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (t.tag === 0x18 && (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
    year = Number(m[1]);
  } else {
    return undefined;
  }
  const [mo, d, h, mi, sec] = m.slice(2, 7).map(Number) as [number, number, number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(year, mo - 1, d);
  date.setUTCHours(h, mi, sec, 0);
  const ok = date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && sec < 60;
  return ok ? date.getTime() : undefined;
}

/** A directory string value (UTF8String, PrintableString, IA5String, T61String, BMPString). */
export function readDirectoryString(buf: Uint8Array, t: Tlv): string | undefined {
  const bytes = Buffer.from(buf.subarray(t.start, t.end));
  switch (t.tag) {
    case 0x0c:
      return bytes.toString('utf8');
    case 0x13:
    case 0x16:
    case 0x14:
      return bytes.toString('latin1');
    case 0x1e: {
      if (bytes.length % 2) return undefined;
      return bytes.swap16().toString('utf16le');
    }
    default:
      return undefined;
  }
}

/**
 * An ECDSA signature `SEQUENCE { r INTEGER, s INTEGER }` as Go's `asn1.Unmarshal` reads it: bytes
 * after the SEQUENCE are ignored, INTEGERs must be minimally encoded. Returns r and s as unsigned
 * big-endian bytes; `'negative'` when it parses but r or s is negative (Go then fails verification
 * rather than trying the raw form); `undefined` when the bytes are not such a SEQUENCE.
 */
export function readEcdsaDerSignature(sig: Uint8Array): { r: Uint8Array; s: Uint8Array } | 'negative' | undefined {
  const seq = readTlv(sig, 0);
  if (!seq || seq.tag !== 0x30) return undefined;
  const parts = children(sig, seq);
  if (!parts || parts.length !== 2) return undefined;
  const [r, s] = parts.map((p) => readInteger(sig, p));
  if (!r || !s) return undefined;
  if (r.negative || s.negative) return 'negative';
  return { r: r.magnitude, s: s.magnitude };
}

/**
 * A non-negative INTEGER small enough for a JS number (e.g. a PBKDF2 iteration count or a version);
 * `undefined` for anything else.
 */
export function readSmallInteger(buf: Uint8Array, t: Tlv): number | undefined {
  const n = readInteger(buf, t);
  if (!n || n.negative || n.magnitude.length > 6) return undefined;
  return n.magnitude.reduce((acc, b) => acc * 256 + b, 0);
}

function readInteger(buf: Uint8Array, t: Tlv): { negative: boolean; magnitude: Uint8Array } | undefined {
  if (t.tag !== 0x02 || t.end === t.start) return undefined;
  const first = buf[t.start] as number;
  const second = buf[t.start + 1] as number;
  // Go's asn1 rejects non-minimal INTEGER encodings.
  if (t.end - t.start > 1 && ((first === 0x00 && !(second & 0x80)) || (first === 0xff && second & 0x80))) {
    return undefined;
  }
  let i = t.start;
  while (i < t.end - 1 && buf[i] === 0) i++;
  return { negative: (first & 0x80) !== 0, magnitude: buf.subarray(i, t.end) };
}

// --- Writer -------------------------------------------------------------------------------------

/** A TLV with the given tag byte around the concatenated contents (definite length, minimal form). */
export function derTlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(contents);
  const len: number[] = [];
  if (body.length < 0x80) {
    len.push(body.length);
  } else {
    for (let v = body.length; v > 0; v = Math.floor(v / 256)) len.unshift(v % 256);
    len.unshift(0x80 | len.length);
  }
  return new Uint8Array(Buffer.concat([Buffer.from([tag, ...len]), body]));
}

/** SEQUENCE of the given encoded elements. */
export function derSequence(...elements: Uint8Array[]): Uint8Array {
  return derTlv(0x30, ...elements);
}

/** SET of the given encoded elements (the caller supplies them in DER order). */
export function derSet(...elements: Uint8Array[]): Uint8Array {
  return derTlv(0x31, ...elements);
}

/** OBJECT IDENTIFIER from its dotted form, e.g. `1.2.840.10045.2.1`. */
export function derOid(dotted: string): Uint8Array {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const out: number[] = [];
  for (const arc of [40 * a + b, ...rest]) {
    const chunk = [arc % 128];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | v % 128);
    out.push(...chunk);
  }
  return derTlv(0x06, Uint8Array.from(out));
}

/** INTEGER from unsigned big-endian bytes, minimally encoded (a 0x00 prefix keeps it positive). */
export function derUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const bytes = magnitude.length === 0 ? Uint8Array.of(0) : magnitude.subarray(i);
  return (bytes[0] as number) & 0x80 ? derTlv(0x02, Uint8Array.of(0), bytes) : derTlv(0x02, bytes);
}

/** INTEGER from a small non-negative number, e.g. a version or an iteration count. */
export function derSmallInteger(n: number): Uint8Array {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return derUnsignedInteger(Uint8Array.from(bytes));
}

/** OCTET STRING. */
export function derOctetString(bytes: Uint8Array): Uint8Array {
  return derTlv(0x04, bytes);
}

/** BIT STRING with `unusedBits` unused bits in the last byte. */
export function derBitString(bytes: Uint8Array, unusedBits = 0): Uint8Array {
  return derTlv(0x03, Uint8Array.of(unusedBits), bytes);
}

/** BOOLEAN as DER writes it (`0xff` for true). */
export function derBoolean(value: boolean): Uint8Array {
  return derTlv(0x01, Uint8Array.of(value ? 0xff : 0));
}

/**
 * A time as Go's `encoding/asn1` writes it: UTCTime (`YYMMDDHHMMSSZ`) for years 1950–2049,
 * GeneralizedTime otherwise; always UTC, fractional seconds dropped.
 */
export function derTime(date: Date): Uint8Array {
  const digits = date.toISOString().slice(0, 19).replace(/[-:T]/g, '');
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050 ? derTlv(0x17, Buffer.from(`${digits.slice(2)}Z`)) : derTlv(0x18, Buffer.from(`${digits}Z`));
}

/**
 * A string as Go's `encoding/asn1` writes an untagged Go string: PrintableString when every
 * character is in its set (letters, digits, space and `'()+,-./:=?`), UTF8String otherwise.
 */
export function derGoString(s: string): Uint8Array {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s) ? derTlv(0x13, Buffer.from(s, 'latin1')) : derTlv(0x0c, Buffer.from(s, 'utf8'));
}
