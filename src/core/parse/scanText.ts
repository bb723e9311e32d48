import { describeError } from '../errors';
import type { FileError, ScanResult } from '../model/occurrence';
import { scanCompose } from './compose';
import { scanDeploymentFile } from './deploymentFiles';
import { scanDockerfile } from './dockerfile';
import type { ScannableKind } from './fileKinds';
import type { FirstFindingsListener } from './firstFindings';
import type { RelatedFiles } from './kustomize';
import { DEFAULT_MAX_FILE_BYTES, fileTooLarge, LimitError } from './limits';
import type { ScanSession } from './scanSession';

/** Everything a scan of one document may need besides its text. */
export interface ScanTextOptions {
  /** Build-arg overrides for Dockerfiles. */
  buildArgs?: ReadonlyMap<string, string>;
  /** Variable lookup for compose interpolation (environment over `.env`). */
  lookup?: (name: string) => string | undefined;
  /** The largest file read, in bytes (default 5 MB). */
  maxFileBytes?: number;
  /** The document's earlier reads, when it is read again after an edit. */
  session?: ScanSession;
  /** Reads files beside this one: a kustomization's resources, a chart's `Chart.yaml`. */
  related?: RelatedFiles;
  /**
   * Gets, at most once, the findings of the first documents of a large Kubernetes file read whole,
   * before the rest is read (see `firstFindings.ts`); never for other kinds.
   */
  onFirst?: FirstFindingsListener;
}

const START = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** The size of a text in UTF-8 bytes, as it is on disk. */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** An error entry for a file that is not read because it is over the size limit. */
export function tooLargeError(file: string, bytes: number, limit: number): FileError {
  return { file, message: `not read: ${fileTooLarge(bytes, limit)}`, range: START };
}

/**
 * Finds the image references in one document's text. Never throws: a file over a limit, or one the
 * reader fails on, is an error entry for that file, so one bad file never costs the rest of a run.
 */
export function scanText(file: string, kind: ScannableKind, text: string, options: ScanTextOptions = {}): ScanResult {
  const limit = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const bytes = utf8Length(text);
  if (bytes > limit) return { references: [], skipped: [], errors: [tooLargeError(file, bytes, limit)] };
  const { session } = options;
  if (session) session.chars = text.length;
  try {
    if (kind === 'compose') return scanCompose(file, text, { lookup: options.lookup, memo: session?.compose });
    if (kind === 'dockerfile') {
      return session ? session.dockerfile.read(file, text, { buildArgs: options.buildArgs }) : scanDockerfile(file, text, { buildArgs: options.buildArgs });
    }
    const memo = kind === 'kubernetes' ? session?.kubernetes : undefined;
    return scanDeploymentFile(file, kind, text, { related: options.related, memo, onFirst: options.onFirst });
  } catch (e) {
    if (e instanceof LimitError) {
      return { references: [], skipped: [], errors: [{ file, message: `not read: ${e.message}`, range: e.range ?? START }] };
    }
    // A reader defect on odd input must cost one file, not the whole run; the gate still fails on it.
    return { references: [], skipped: [], errors: [{ file, message: `could not read the file (internal error: ${describeError(e)})`, range: START, internal: true }] };
  }
}
