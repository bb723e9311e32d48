import type { FileError, ImageOccurrence, ReferenceKind, ScanResult, SkipReason, SkippedOccurrence } from './occurrence';
import type { Range } from './range';

/**
 * The public JSON shape of a reference (`trustlens refs --format json`), which `check` results extend.
 * Lines and columns are 1-based; `endColumn` is exclusive, as in SARIF.
 */
export interface ReferenceJson {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  kind: ReferenceKind;
  text: string;
  reference: string;
  repository: string;
  tag: string | null;
  digest: string | null;
  platform: string | null;
  stage: string | null;
}

/** The public JSON shape of a skipped value. */
export interface SkippedJson {
  file: string;
  line: number;
  column: number;
  text: string;
  reason: SkipReason;
  message: string;
}

/** The public JSON document printed by `trustlens refs --format json`. */
export interface RefsJson {
  references: ReferenceJson[];
  skipped: SkippedJson[];
  errors: { file: string; message: string; line?: number; column?: number }[];
}

/** 1-based `line`, `column`, `endLine` and `endColumn` (exclusive) of a range. */
export function locationJson(range: Range): { line: number; column: number; endLine: number; endColumn: number } {
  return { line: range.start.line + 1, column: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 };
}

/** Converts an occurrence to its public JSON fields. */
export function referenceJson(o: ImageOccurrence): ReferenceJson {
  return {
    file: o.file,
    ...locationJson(o.range),
    kind: o.kind,
    text: o.text,
    reference: o.ref.reference,
    repository: o.ref.repository,
    tag: o.ref.effectiveTag,
    digest: o.ref.digest,
    platform: o.platform,
    stage: o.stage,
  };
}

export function skippedJson(s: SkippedOccurrence): SkippedJson {
  return { file: s.file, line: s.range.start.line + 1, column: s.range.start.character + 1, text: s.text, reason: s.reason, message: s.message };
}

export function errorJson(e: FileError): RefsJson['errors'][number] {
  return e.range
    ? { file: e.file, message: e.message, line: e.range.start.line + 1, column: e.range.start.character + 1 }
    : { file: e.file, message: e.message };
}

/** The whole `refs` document. */
export function refsJson(scan: ScanResult): RefsJson {
  return { references: scan.references.map(referenceJson), skipped: scan.skipped.map(skippedJson), errors: scan.errors.map(errorJson) };
}
