/**
 * Ports: the only ways the core reaches the outside world. The CLI and the extension supply
 * implementations; tests supply fakes for pure logic.
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
