/**
 * The two parts of undici the HTTP client uses: an Agent (connection pools with TLS options) and the
 * request API. undici's package entry also loads fetch, WebSocket, caches and mocks, which would more
 * than double the extension bundle; these modules are undici's own, loaded directly.
 */
import type { Dispatcher } from 'undici';
import type * as Undici from 'undici';

/* eslint-disable @typescript-eslint/no-require-imports */
const AgentClass = require('undici/lib/dispatcher/agent') as typeof Undici.Agent;
const apiRequest = require('undici/lib/api/api-request') as (
  this: Dispatcher,
  options: Dispatcher.RequestOptions,
) => Promise<Dispatcher.ResponseData>;
/* eslint-enable @typescript-eslint/no-require-imports */

/** undici's `Agent`. */
export const Agent = AgentClass;

/** Options of {@link request}: undici's request options without origin and path, which come from the URL. */
export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & { method: Dispatcher.HttpMethod };

/** undici's `request(url, { dispatcher, … })`, for an explicit dispatcher. */
export function request(dispatcher: Dispatcher, url: string | URL, options: RequestOptions): Promise<Dispatcher.ResponseData> {
  const u = new URL(url);
  return apiRequest.call(dispatcher, { ...options, origin: u.origin, path: `${u.pathname}${u.search}` });
}
