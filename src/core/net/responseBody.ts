import type { Readable } from 'node:stream';
import { NetError } from './netError';

/**
 * Reads a response body completely, refusing more than `maxBytes`: first by the announced
 * `Content-Length`, then while streaming, so an endless or lying server costs at most `maxBytes` of memory.
 * The stream is destroyed as soon as the limit is passed.
 * @param body the response stream
 * @param contentLength the `content-length` header, if any
 * @param maxBytes the limit, e.g. `1_048_576`
 * @param url redacted URL, for the error
 * @throws NetError `too-large`
 */
export async function readBodyLimited(body: Readable, contentLength: string | undefined, maxBytes: number, url: string): Promise<Uint8Array> {
  if (contentLength !== undefined && /^\d+$/.test(contentLength) && Number(contentLength) > maxBytes) {
    discard(body);
    throw new NetError('too-large', `${url} announced ${contentLength} bytes, more than the limit of ${maxBytes}`, { url });
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      discard(body);
      throw new NetError('too-large', `${url} sent more than the limit of ${maxBytes} bytes`, { url });
    }
    chunks.push(chunk);
  }
  return concat(chunks, total);
}

/**
 * Destroys a body nobody will read. A stream destroyed before its end emits an `error` (undici's
 * "Request aborted"); without a listener that is an uncaught exception, which a server could cause
 * at will by announcing too large a body that it sends in full.
 */
function discard(body: Readable): void {
  body.on('error', () => {});
  body.destroy();
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
