/**
 * Ports: time and logging, which the CLI and the extension supply (tests supply fakes for pure logic).
 * The core reaches files, the network and processes directly, through Node adapters named for it:
 * HTTP in `net/undiciHttpClient.ts` and `net/registryTransport.ts`, docker's config, CAs and credential
 * helpers in `net/`, the caches and key stores in each backend's folder, and the readers of the files
 * it checks in `parse/` and `policy/`.
 */

/** Every time decision (expiry, certificate validity, cache TTL) goes through a Clock. */
export interface Clock {
  /** The current time, e.g. `new Date()`. */
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock shifted by a fixed offset from another clock, e.g. to check expiry 15 days ahead. */
export function offsetClock(base: Clock, offsetMs: number): Clock {
  return { now: () => new Date(base.now().getTime() + offsetMs) };
}

/** Structured logging. Implementations must never receive a secret: callers redact first. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const nullLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
