import type { Clock } from '../ports';

/** How long failures are held. */
export interface FailureBackoffOptions {
  /** The first wait, e.g. `30000`. */
  initialMs?: number;
  /** The longest wait, e.g. `300000`. */
  maxMs?: number;
}

interface Held<T> {
  readonly value: T;
  readonly until: number;
  /** Failures in a row, the one held included. */
  readonly failures: number;
}

/**
 * Remembers a failure per key for a while, so that a server that is down is not asked again on every
 * keystroke: 30 s after the first failure, doubling with each failure in a row up to 5 minutes. A
 * success, or a reset (the user's Refresh), starts over.
 */
export class FailureBackoff<T> {
  readonly #held = new Map<string, Held<T>>();
  readonly #initialMs: number;
  readonly #maxMs: number;

  constructor(private readonly clock: Clock, options: FailureBackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 30_000;
    this.#maxMs = options.maxMs ?? 300_000;
  }

  /** The failure held for `key` while its wait lasts, else undefined. */
  current(key: string): T | undefined {
    const held = this.#held.get(key);
    return held && this.clock.now().getTime() < held.until ? held.value : undefined;
  }

  /** Holds a new failure for `key`; says until when. */
  failed(key: string, value: T): { retryAt: Date } {
    const failures = (this.#held.get(key)?.failures ?? 0) + 1;
    const wait = Math.min(this.#maxMs, this.#initialMs * 2 ** Math.min(failures - 1, 30));
    const until = this.clock.now().getTime() + wait;
    this.#held.set(key, { value, until, failures });
    return { retryAt: new Date(until) };
  }

  /** Forgets `key`'s failures: it answered. */
  succeeded(key: string): void {
    this.#held.delete(key);
  }

  /** Forgets the failures of `key`, or of every key. */
  reset(key?: string): void {
    if (key === undefined) this.#held.clear();
    else this.#held.delete(key);
  }
}
