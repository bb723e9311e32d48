/**
 * The write side of the notary-server API (protocol doc §5): the multipart upload of new metadata
 * (`POST /v2/<gun>/_trust/tuf/`, notary `storage/httpstore.go` `SetMulti`/`NewMultiPartMetaRequest`)
 * and the server-held public keys (`GET …/timestamp.key`, `…/snapshot.key`, which need a token with
 * `push` as well as `pull`, §9.2).
 */
import { randomBytes } from 'node:crypto';
import { decodeStdBase64 } from '../../../crypto/encoding';
import { makeTufKey, type TufPublicKey } from '../tuf/keys';
import { bodyText, type HttpClient, type HttpResponse } from '../../../net/http';
import { statusError } from '../../../net/statusError';
import { trustFileUrl } from '../trustFiles';
import { SigningError } from './signingErrors';

/** One file of an upload: the role name (no `.json`) and its exact bytes. */
export interface UploadFile {
  /** e.g. `targets/releases` */
  readonly role: string;
  readonly bytes: Uint8Array;
}

/** A multipart body and its content type. */
export interface MultipartBody {
  readonly body: Uint8Array;
  /** e.g. `multipart/form-data; boundary=3f0c…` */
  readonly contentType: string;
}

/**
 * The body Go's `multipart.Writer` produces for notary's upload: one part per role with form field
 * `files`, `filename` = the role name (slashes kept), `Content-Type: application/octet-stream`
 * (`CreateFormFile`), headers in sorted order, CRLF line ends, and a 60-hex-digit boundary.
 */
export function multipartBody(files: readonly UploadFile[], boundary = randomBytes(30).toString('hex')): MultipartBody {
  const parts: Buffer[] = [];
  files.forEach((file, i) => {
    const filename = file.role.replace(/[\\"]/g, (c) => `\\${c}`);
    const head = `${i === 0 ? '' : '\r\n'}--${boundary}\r\n` +
      `Content-Disposition: form-data; name="files"; filename="${filename}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n';
    parts.push(Buffer.from(head, 'utf8'), Buffer.from(file.bytes));
  });
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'));
  return { body: new Uint8Array(Buffer.concat(parts)), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** One error of a docker/distribution errcode body, e.g. `{ code: 'VERSION', message: '…' }`. */
export interface ServerError {
  readonly code: string;
  readonly message: string;
  readonly detail?: unknown;
}

/** The errors of an errcode body (`{"errors":[{"code","message","detail"}]}`); [] if it is not one. */
export function serverErrors(response: HttpResponse): ServerError[] {
  try {
    const parsed = JSON.parse(bodyText(response)) as { errors?: unknown };
    if (!Array.isArray(parsed.errors)) return [];
    return parsed.errors.flatMap((e: unknown) => {
      const obj = e as { code?: unknown; message?: unknown; detail?: unknown };
      return typeof obj?.code === 'string' ? [{ code: obj.code, message: typeof obj.message === 'string' ? obj.message : '', detail: obj.detail }] : [];
    });
  } catch {
    return [];
  }
}

/** What an upload came to: stored, or refused because a newer version exists (§8: 400 `VERSION`). */
export type UploadOutcome = { readonly kind: 'stored' } | { readonly kind: 'conflict'; readonly message: string };

/** Options of one request. */
export interface WriteOptions {
  /** e.g. `15000` */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/**
 * Uploads new metadata in one atomic update. A 400 `VERSION` answer is a conflict with another
 * publisher (the caller refreshes and retries); any other refusal is a `server-rejected` error
 * carrying the server's code and detail (e.g. `INVALID_UPDATE` with `ErrBadTargets`).
 */
export async function uploadMetadata(
  http: HttpClient,
  server: string,
  gun: string,
  files: readonly UploadFile[],
  options: WriteOptions,
): Promise<UploadOutcome> {
  const { body, contentType } = multipartBody(files);
  const response = await http.post(trustFileUrl(server, gun, ''), body, {
    contentType,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    maxBytes: 1 << 20,
    throwHttpErrors: false,
  });
  if (response.status >= 200 && response.status < 300) return { kind: 'stored' };
  const errors = serverErrors(response);
  if (response.status === 400 && errors.some((e) => e.code === 'VERSION')) {
    return { kind: 'conflict', message: errors[0]?.message || 'a newer version of metadata is already available' };
  }
  if (response.status === 401 || response.status === 403) throw statusError('POST', response);
  const described = errors.map((e) => `${e.code}: ${e.message}${describeDetail(e.detail)}`).join('; ');
  throw new SigningError('server-rejected', `trust server rejected the update of ${gun} (${response.status}${described ? `, ${described}` : ''})`);
}

/** notary's validation errors carry `{"Name":"ErrBadTargets","Error":{"Msg":"…"}}` (§5.1). */
function describeDetail(detail: unknown): string {
  if (!detail || typeof detail !== 'object') return '';
  const d = detail as { Name?: unknown; Error?: { Msg?: unknown } };
  const parts = [d.Name, d.Error?.Msg].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.length > 0 ? ` (${parts.join(': ').slice(0, 300)})` : '';
}

/**
 * The public key the server holds for `role` of `gun` (`GET …/<role>.key`), created on first request
 * (`GetOrCreateTimestampKey`), e.g. `{"keytype":"ecdsa","keyval":{"public":"MFkw…","private":null}}`.
 */
export async function getServerKey(
  http: HttpClient,
  server: string,
  gun: string,
  role: 'timestamp' | 'snapshot',
  options: WriteOptions,
): Promise<TufPublicKey> {
  const response = await http.get(trustFileUrl(server, gun, `${role}.key`), {
    accept: 'application/json',
    maxBytes: 64 * 1024,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
  return serverKeyOf(response, role, gun);
}

/**
 * Has the server make a new key for `role` of `gun` and returns it (`POST …/<role>.key`, notary
 * `RotateKey` with `-r`; the request needs the `*` action). The server signs with it only once a root
 * that lists it is published; until then the old key stays in use.
 */
export async function rotateServerKey(
  http: HttpClient,
  server: string,
  gun: string,
  role: 'timestamp' | 'snapshot',
  options: WriteOptions,
): Promise<TufPublicKey> {
  const response = await http.post(trustFileUrl(server, gun, `${role}.key`), new Uint8Array(0), {
    accept: 'application/json',
    maxBytes: 64 * 1024,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    throwHttpErrors: false,
  });
  if (response.status === 401 || response.status === 403) throw statusError('POST', response);
  if (response.status < 200 || response.status >= 300) {
    const described = serverErrors(response).map((e) => `${e.code}: ${e.message}`).join('; ');
    throw new SigningError('server-rejected', `trust server refused to rotate the ${role} key of ${gun} (${response.status}${described ? `, ${described}` : ''})`);
  }
  return serverKeyOf(response, role, gun);
}

function serverKeyOf(response: HttpResponse, role: string, gun: string): TufPublicKey {
  let parsed: { keytype?: unknown; keyval?: { public?: unknown } };
  try {
    parsed = JSON.parse(bodyText(response)) as typeof parsed;
  } catch (cause) {
    throw new SigningError('server-rejected', `the trust server's ${role} key for ${gun} is not JSON`, { cause });
  }
  const publicBytes = typeof parsed.keyval?.public === 'string' ? decodeStdBase64(parsed.keyval.public) : undefined;
  if (typeof parsed.keytype !== 'string' || !publicBytes || publicBytes.length === 0) {
    throw new SigningError('server-rejected', `the trust server's ${role} key for ${gun} is not a key object`);
  }
  return makeTufKey(parsed.keytype, publicBytes);
}
