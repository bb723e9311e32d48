/**
 * A minimal DER reader: just enough to read the certificate fields node:crypto does not expose on
 * Node 20 (signature algorithm, exact validity times, subject CN) and ECDSA `SEQUENCE{r,s}` signatures.
 * Every function returns `undefined` on malformed input instead of throwing.
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
