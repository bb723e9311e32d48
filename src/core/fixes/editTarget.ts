import { parseImageRef } from '../model/imageRef';
import type { ImageOccurrence } from '../model/occurrence';
import type { Range } from '../model/range';
import { writtenVariables } from '../model/imageText';

/** Reads the current text of a range of the document being fixed. */
export type TextAt = (range: Range) => string;

/** Where a fix of one reference edits, or why it cannot; undefined when the verdict is out of date. */
export type EditTarget =
  | {
      ok: true;
      /** Exactly the image text to replace (quotes excluded). */
      range: Range;
      /** The text there now, e.g. `alpine:3.19`. */
      text: string;
      /** The ARG whose default is edited instead of the image text, e.g. `BASE`, or null. */
      arg: string | null;
    }
  | { ok: false; reason: string };

/** Strips one pair of matching quotes on a single-line range, narrowing the range to match. */
function unquote(text: string, range: Range): { text: string; range: Range } {
  const q = text[0];
  if (text.length < 2 || (q !== '"' && q !== "'") || text[text.length - 1] !== q || range.start.line !== range.end.line) {
    return { text, range };
  }
  return {
    text: text.slice(1, -1),
    range: { start: { line: range.start.line, character: range.start.character + 1 }, end: { line: range.end.line, character: range.end.character - 1 } },
  };
}

/** Whether `text` written as-is names the occurrence's repository. */
function namesRepository(text: string, occurrence: ImageOccurrence): boolean {
  const parsed = parseImageRef(text);
  return parsed.ok && parsed.ref.repository === occurrence.ref.repository;
}

/**
 * Where a fix that rewrites the image (`action`, e.g. `pin it`) edits: the image text itself, or, for
 * `FROM ${BASE}`, the default of `ARG BASE` in the same file. Text built from other variables cannot be
 * rewritten safely and gets a reason instead. Returns undefined when the document no longer holds what
 * the verdict was computed for (the next check refreshes it).
 */
export function editTarget(occurrence: ImageOccurrence, textAt: TextAt, action: string): EditTarget | undefined {
  if (textAt(occurrence.range) !== occurrence.text) return undefined;
  // Fields (a kustomize entry, a Helm image map) are edited one by one: see fieldEdits.
  if (occurrence.fields) return { ok: true, range: occurrence.range, text: occurrence.text, arg: null };
  const source = occurrence.argSource;
  if (source) {
    const written = unquote(textAt(source.range), source.range);
    if (written.text !== source.text) {
      return { ok: false, reason: `The default of ARG ${source.name} is written with escapes or line continuations, so TrustLens cannot ${action} safely.` };
    }
    if (!namesRepository(written.text, occurrence)) return undefined;
    return { ok: true, range: written.range, text: written.text, arg: source.name };
  }
  const variables = writtenVariables(occurrence.text);
  if (variables.length > 0) {
    const where = occurrence.kind.startsWith('compose')
      ? 'which are set outside this file'
      : ['from', 'copy-from', 'mount-from', 'syntax'].includes(occurrence.kind)
        ? 'not from one ARG default in this file'
        : 'which TrustLens does not rewrite';
    return { ok: false, reason: `The image comes from variables (${variables.join(', ')}), ${where}, so TrustLens cannot ${action} safely.` };
  }
  if (!namesRepository(occurrence.text, occurrence)) {
    return { ok: false, reason: `The image text is written with escapes, so TrustLens cannot ${action} safely.` };
  }
  return { ok: true, range: occurrence.range, text: occurrence.text, arg: null };
}
