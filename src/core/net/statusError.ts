import { NetError } from './netError';
import { bodyText, type HttpMethod, type HttpResponse } from './http';
import { redactUrl } from './redact';

const MAX_DETAIL = 200;

/**
 * A short reason from an error body in the docker/distribution errcode format
 * (`{"errors":[{"code":"METADATA_NOT_FOUND","message":"…"}]}`), read only when the server says it is JSON.
 */
export function errorBodySummary(response: HttpResponse): string | undefined {
  const first = firstError(response);
  if (!first) return undefined;
  const text = [first.code, first.message].filter((p) => typeof p === 'string' && p !== '').join(': ');
  return text === '' ? undefined : text.slice(0, MAX_DETAIL);
}

function firstError(response: HttpResponse): { code?: unknown; message?: unknown } | undefined {
  if (!/json/i.test(response.headers['content-type'] ?? '') || response.body.byteLength === 0) return undefined;
  try {
    const parsed = JSON.parse(bodyText(response)) as { errors?: { code?: unknown; message?: unknown }[] };
    const first = Array.isArray(parsed.errors) ? parsed.errors[0] : undefined;
    return first !== null && typeof first === 'object' ? first : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The typed error for a non-2xx answer: `auth` for 401/403, `not-found` for 404, `http-status` otherwise.
 * The message names method, redacted URL, status and the server's errcode, if any.
 */
export function statusError(method: HttpMethod, response: HttpResponse): NetError {
  const url = redactUrl(response.url);
  const summary = errorBodySummary(response);
  const message = `${method} ${url} -> ${response.status}${summary ? ` (${summary})` : ''}`;
  const code = response.status === 401 || response.status === 403 ? 'auth' : response.status === 404 ? 'not-found' : 'http-status';
  const registryCode = firstError(response)?.code;
  return new NetError(code, message, { url, status: response.status, ...(typeof registryCode === 'string' ? { registryCode } : {}) });
}
