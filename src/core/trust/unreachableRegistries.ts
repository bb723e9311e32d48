/**
 * Registries that could not be reached, held for a while so that a registry that is down is not asked
 * again on every re-check (each keystroke, in the editor): no connection, no answer in time, or a TLS
 * failure. Held 30 s after the first failure, doubling up to 5 minutes (see {@link FailureBackoff});
 * any answer from the registry, or the user's Refresh (`force`), starts over. An answer that is an
 * error (404, 401, a malformed manifest) is the registry speaking, and is never held.
 */
import { isNetError, NetError, type NetErrorCode } from '../net/netError';
import type { Clock, Logger } from '../ports';
import { FailureBackoff } from './failureBackoff';

/** Failures that say the registry itself could not be reached. */
const UNREACHABLE: ReadonlySet<NetErrorCode> = new Set(['connection', 'timeout', 'tls']);

export class UnreachableRegistries {
  readonly #held: FailureBackoff<{ error: NetError }>;

  constructor(clock: Clock, private readonly logger: Logger) {
    this.#held = new FailureBackoff(clock);
  }

  /**
   * Runs `ask` against `registry`, unless the registry is held: then it fails at once with the failure
   * held, which says until when. `force` asks whatever is held.
   */
  async ask<T>(registry: string, force: boolean | undefined, ask: () => Promise<T>): Promise<T> {
    if (force) this.#held.reset(registry);
    const held = this.#held.current(registry);
    if (held) throw held.error;
    let value: T;
    try {
      value = await ask();
    } catch (e) {
      throw isNetError(e) && UNREACHABLE.has(e.code) ? this.#hold(registry, e) : e;
    }
    this.#held.succeeded(registry);
    return value;
  }

  /** Holds `e` for `registry`; returns it as held (saying until when). */
  #hold(registry: string, e: NetError): NetError {
    const held = { error: e };
    const until = this.#held.failed(registry, held).retryAt.toISOString();
    held.error = new NetError(e.code, `${e.message} (${registry} is not asked again before ${until} unless refreshed)`, { ...(e.url ? { url: e.url } : {}), cause: e });
    this.logger.info(`${registry} could not be reached (${e.message}); not asked again before ${until} unless refreshed`);
    return held.error;
  }
}
