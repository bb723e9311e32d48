/**
 * Typed errors. The core throws only these; callers switch on `code`, never on message text.
 * `is()` checks `name` rather than `instanceof`, because bundling can duplicate classes.
 */
export class TrustLensError<C extends string = string> extends Error {
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'TrustLensError';
  }

  static is<C extends string>(e: unknown, code?: C): e is TrustLensError<C> {
    return (
      typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'TrustLensError' &&
      (code === undefined || (e as { code?: unknown }).code === code)
    );
  }
}

/** A short, human-readable description of any thrown value, for messages and logs. */
export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    return cause instanceof Error && !e.message.includes(cause.message) ? `${e.message}: ${cause.message}` : e.message;
  }
  return String(e);
}
