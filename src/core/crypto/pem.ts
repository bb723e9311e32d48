/**
 * PEM as Go's `encoding/pem` reads and writes it. notary rebuilds root keys with Go's encoder and
 * derives key IDs from those bytes (protocol doc §3.3), so both directions must match Go exactly.
 */
import { decodeStdBase64 } from './encoding';

/** One decoded PEM block, e.g. `{ type: 'CERTIFICATE', headers: {}, bytes: <DER> }`. */
export interface PemBlock {
  readonly type: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly bytes: Uint8Array;
}

const BEGIN = '-----BEGIN ';
const END = '\n-----END ';
const EOL = '-----';

/**
 * Every block Go's `pem.Decode` would return, in order, when called repeatedly until it returns nil.
 * Blocks Go skips (bad type line, mismatched END, invalid base64) are skipped here too.
 */
export function decodePemBlocks(data: Uint8Array): PemBlock[] {
  const blocks: PemBlock[] = [];
  let rest = Buffer.from(data).toString('latin1');
  for (;;) {
    const found = decodeOne(rest);
    if (!found) return blocks;
    blocks.push(found.block);
    rest = found.rest;
  }
}

/** The first block Go's `pem.Decode` returns, if any. */
export function decodeFirstPemBlock(data: Uint8Array): PemBlock | undefined {
  return decodeOne(Buffer.from(data).toString('latin1'))?.block;
}

/** Go `pem.Decode` over a latin1 string (one char per byte). */
function decodeOne(data: string): { block: PemBlock; rest: string } | undefined {
  let rest = data;
  for (;;) {
    if (rest.startsWith(BEGIN)) {
      rest = rest.slice(BEGIN.length);
    } else {
      const at = rest.indexOf(`\n${BEGIN}`);
      if (at < 0) return undefined;
      rest = rest.slice(at + 1 + BEGIN.length);
    }
    let typeLine: string;
    [typeLine, rest] = getLine(rest);
    if (!typeLine.endsWith(EOL)) continue;
    const type = typeLine.slice(0, -EOL.length);

    const headers: Record<string, string> = Object.create(null) as Record<string, string>;
    let truncated = false;
    for (;;) {
      if (rest.length === 0) {
        truncated = true;
        break;
      }
      const [line, next] = getLine(rest);
      const colon = line.indexOf(':');
      if (colon < 0) break;
      headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
      rest = next;
    }
    if (truncated) return undefined;

    let endIndex: number;
    let trailerIndex: number;
    if (Object.keys(headers).length === 0 && rest.startsWith(END.slice(1))) {
      endIndex = 0;
      trailerIndex = END.length - 1;
    } else {
      endIndex = rest.indexOf(END);
      trailerIndex = endIndex + END.length;
    }
    if (endIndex < 0) continue;
    const trailerLen = type.length + EOL.length;
    const trailer = rest.slice(trailerIndex, trailerIndex + trailerLen);
    if (trailer.length < trailerLen || trailer !== `${type}${EOL}`) continue;
    if (getLine(rest.slice(trailerIndex + trailerLen))[0].length !== 0) continue;
    const bytes = decodeStdBase64(rest.slice(0, endIndex).replace(/[ \t]/g, ''));
    if (!bytes) continue;
    const after = getLine(rest.slice(endIndex + END.length - 1))[1];
    return { block: { type, headers, bytes }, rest: after };
  }
}

/** Go `getLine`: the first line without its terminator and trailing spaces/tabs/CR, and the rest. */
function getLine(data: string): [string, string] {
  const i = data.indexOf('\n');
  const line = i < 0 ? data : data.slice(0, i);
  const rest = i < 0 ? '' : data.slice(i + 1);
  return [line.replace(/[ \t\r]+$/, ''), rest];
}

/**
 * Go `pem.EncodeToMemory`: 64-character base64 lines, LF endings, a trailing newline, e.g.
 * `-----BEGIN CERTIFICATE-----\nMIIB…\n-----END CERTIFICATE-----\n`. Headers, if any, come first as
 * `name: value` lines, `Proc-Type` first and the others sorted by name, then a blank line.
 */
export function encodePem(type: string, der: Uint8Array, headers: Readonly<Record<string, string>> = {}): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  const names = Object.keys(headers).filter((k) => k !== 'Proc-Type').sort(compareBytes);
  if ('Proc-Type' in headers) names.unshift('Proc-Type');
  const head = names.length > 0 ? `${names.map((k) => `${k}: ${headers[k] as string}\n`).join('')}\n` : '';
  return `-----BEGIN ${type}-----\n${head}${lines.map((l) => `${l}\n`).join('')}-----END ${type}-----\n`;
}

/** Go's `sort.Strings` order (byte-wise). */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
