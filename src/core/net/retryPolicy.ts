import { NetError } from './netError';
import type { HttpMethod } from './http';

/** How failed idempotent requests are retried. */
export interface RetryPolicy {
  /** Total attempts including the first, e.g. `3`. `1` disables retries. */
  attempts: number;
  /** Delay before the first retry, doubled for each further one, e.g. `250`. */
  baseDelayMs: number;
  /** Upper bound of any single delay, including one asked for by `Retry-After`, e.g. `2000`. */
  maxDelayMs: number;
}

/** Three attempts, 250 ms then 500 ms apart, never more than 2 s. */
export const defaultRetryPolicy: RetryPolicy = { attempts: 3, baseDelayMs: 250, maxDelayMs: 2000 };

// Gateway errors and rate limiting are transient; every other status is an answer.
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/** Only reads are retried: a repeated POST/PUT could apply an update twice. */
export function isIdempotent(method: HttpMethod): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** True for statuses worth another attempt (429, 502, 503, 504). Never 401/403. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/** True for failures worth another attempt: connection errors only (a timeout already used the budget). */
export function isRetryableError(e: unknown): boolean {
  return e instanceof NetError && e.code === 'connection';
}

/**
 * Delay before retry number `retry` (1-based), honouring a `Retry-After` header given in seconds,
 * bounded by `maxDelayMs`.
 */
export function retryDelayMs(policy: RetryPolicy, retry: number, retryAfter?: string): number {
  const exponential = policy.baseDelayMs * 2 ** (retry - 1);
  const asked = retryAfter !== undefined && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter.trim()) * 1000 : undefined;
  return Math.min(policy.maxDelayMs, asked ?? exponential);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
