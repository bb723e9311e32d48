import { readFileSync, statSync } from 'node:fs';
import { TrustLensError } from '../errors';
import type { FileError } from '../model/occurrence';
import { LIMITS, policyTooLarge } from '../parse/limits';
import { tooLargeError } from '../parse/scanText';
import { defaultPolicy, type Policy } from './policy';
import { parsePolicy } from './policyFile';
import { PolicyFileError } from './policyError';

/** A policy for a gate: the file's, or, when the file is invalid, the problem as an error entry on it. */
export interface GatePolicy {
  policy: Policy;
  /** Set when the file does not parse or validate: the gate must fail on it, naming the line. */
  problem?: FileError;
}

/** Turns parsePolicy's error into an error entry at its place, to the end of that line. */
function problemAt(path: string, text: string, e: TrustLensError): FileError {
  if (!PolicyFileError.isPolicyFileError(e)) return { file: path, message: `invalid policy file: ${e.message}` };
  const line = e.line - 1;
  const start = { line, character: e.column - 1 };
  const lineLength = text.split('\n', line + 1)[line]?.replace(/\r$/, '').length ?? start.character;
  return { file: path, message: `invalid policy file: ${e.detail}`, range: { start, end: { line, character: Math.max(lineLength, start.character) } } };
}

/**
 * Reads a policy file for a gate. A file that cannot be read at all is a usage problem
 * (`invalid-config`, exit 2); a file that is read but invalid, or over the size limit, becomes a
 * problem entry, so the run still reports everything else and fails on it.
 */
export function loadGatePolicy(path: string, maxFileBytes: number): GatePolicy {
  let text: string;
  try {
    const { size } = statSync(path);
    if (size > maxFileBytes) return { policy: defaultPolicy(), problem: tooLargeError(path, size, maxFileBytes) };
    if (size > LIMITS.policyBytes) return { policy: defaultPolicy(), problem: { file: path, message: `not read: ${policyTooLarge(size)}` } };
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new TrustLensError('invalid-config', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  }
  try {
    return { policy: parsePolicy(text, path) };
  } catch (e) {
    if (!TrustLensError.is(e, 'invalid-config')) throw e;
    return { policy: defaultPolicy(), problem: problemAt(path, text, e) };
  }
}
