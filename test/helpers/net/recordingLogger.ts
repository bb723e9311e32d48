import type { Logger } from '../../../src/core/ports';

/** A Logger that keeps every line, so tests can assert what was (and was not) logged. */
export class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  debug(message: string): void {
    this.lines.push(`debug ${message}`);
  }
  info(message: string): void {
    this.lines.push(`info ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error ${message}`);
  }
  /** Everything logged, one string, for "never contains the secret" checks. */
  get text(): string {
    return this.lines.join('\n');
  }
}
