import { TrustLensError } from '../errors';

/**
 * A policy file that does not parse or validate, at a place in it. The message stays
 * `<file>:<line>:<col>: <detail>`; callers read the place from the fields, never from the message.
 */
export class PolicyFileError extends TrustLensError<'invalid-config'> {
  /** The file's name as the message gives it. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** The message without the place. */
  readonly detail: string;

  constructor(file: string, line: number, column: number, detail: string, options?: { cause?: unknown }) {
    super('invalid-config', `${file}:${line}:${column}: ${detail}`, options);
    this.file = file;
    this.line = line;
    this.column = column;
    this.detail = detail;
  }

  /** Checks the fields rather than `instanceof`, because bundling can duplicate classes. */
  static isPolicyFileError(e: unknown): e is PolicyFileError {
    if (!TrustLensError.is(e, 'invalid-config')) return false;
    const { file, line, column, detail } = e as Partial<PolicyFileError>;
    return typeof file === 'string' && typeof detail === 'string' && Number.isInteger(line) && Number.isInteger(column);
  }
}
