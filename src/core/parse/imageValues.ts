/**
 * What deployment and CI files share: an image value is checked when it is a valid reference, and
 * skipped, never guessed, when a template or an expression decides it only later.
 */
import { parseImageRef, type ImageRef } from '../model/imageRef';
import { emptyScan, type ImageFields, type ReferenceKind, type ScanResult, type SkipReason } from '../model/occurrence';
import type { Range } from '../model/range';

/** A written value and where it is. */
export interface WrittenValue {
  /** The value, e.g. `nginx:1.25`. */
  value: string;
  /** The text as written at `range`, quotes excluded. */
  text: string;
  range: Range;
}

export type ImageValue = { ok: true; ref: ImageRef } | { ok: false; reason: SkipReason; message: string };

const HELM_TEMPLATE = /\{\{/;
const EXPRESSION = /\$\{\{/;
const VARIABLE = /\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)/;

/**
 * Reads an image value: a `${{ … }}` expression is `expression`, a `{{ … }}` template or a `$VAR`
 * left in it is `template`, anything else must be a valid reference.
 */
export function imageValue(value: string): ImageValue {
  if (EXPRESSION.test(value)) {
    return { ok: false, reason: 'expression', message: `${value} is a GitHub Actions expression: its value is known only when the workflow runs` };
  }
  if (HELM_TEMPLATE.test(value)) {
    return { ok: false, reason: 'template', message: `${value} is a template: its value is known only when it is rendered` };
  }
  const variable = VARIABLE.exec(value);
  if (variable) {
    return { ok: false, reason: 'template', message: `${value} uses the variable ${variable[0]}, which has no value in this file: the image is known only when it is set` };
  }
  const parsed = parseImageRef(value);
  return parsed.ok ? parsed : { ok: false, reason: 'invalid-reference', message: parsed.message };
}

const byPosition = (a: { range: Range }, b: { range: Range }) =>
  a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;

/** Collects the references and skipped values of one file, in document order. */
export class ImageSink {
  readonly result: ScanResult = emptyScan();

  constructor(readonly file: string) {}

  /** Checks `written.value` and records it as a reference of `kind`, or as skipped with the reason. */
  add(kind: ReferenceKind, written: WrittenValue, extra: { fields?: ImageFields; value?: ImageValue } = {}): void {
    const checked = extra.value ?? imageValue(written.value);
    if (!checked.ok) {
      this.skip(kind, written, checked.reason, checked.message);
      return;
    }
    this.result.references.push({
      file: this.file, text: written.text, range: written.range, kind, ref: checked.ref, platform: null, stage: null,
      ...(extra.fields ? { fields: extra.fields } : {}),
    });
  }

  skip(kind: ReferenceKind, written: WrittenValue, reason: SkipReason, message: string): void {
    this.result.skipped.push({ file: this.file, kind, text: written.text, range: written.range, reason, message });
  }

  error(message: string, range: Range): void {
    this.result.errors.push({ file: this.file, message, range });
  }

  /** The result, references and skipped values in document order. */
  done(): ScanResult {
    this.result.references.sort(byPosition);
    this.result.skipped.sort(byPosition);
    return this.result;
  }

  /** What is collected so far, as {@link done} gives it, leaving the sink as it is. */
  snapshot(): ScanResult {
    const { references, skipped, errors } = this.result;
    return { references: [...references].sort(byPosition), skipped: [...skipped].sort(byPosition), errors: [...errors] };
  }
}
