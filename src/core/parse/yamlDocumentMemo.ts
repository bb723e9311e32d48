import type { Position, Range } from '../model/range';
import type { ScanResult } from '../model/occurrence';
import type { FirstFindingsListener } from './firstFindings';
import { checkYamlNesting, type YamlOutline } from './yamlBounded';
import { updatedOutline } from './yamlOutlineUpdate';

/** Findings read from one document, with lines counted from the document's start. */
type DocumentFindings = ScanResult;

/**
 * Reads a file's documents: `read(text)` the whole file; with `first`, only the first document of
 * `text`, which ends at `first.end`. `outline` gets where the documents start, as they are met;
 * `onFirst` the first documents' findings of a large file, before the rest is read. A limit hit
 * throws a LimitError.
 */
export type DocumentsReader = (
  text: string, options?: { first?: { end: number }; outline?: YamlOutline; onFirst?: FirstFindingsListener },
) => ScanResult;

const moved = (p: Position, lines: number): Position => ({ line: p.line + lines, character: p.character });
const movedRange = (r: Range, lines: number): Range => ({ start: moved(r.start, lines), end: moved(r.end, lines) });

/** The findings of a document that starts `lines` lines into the file. */
function shift(found: DocumentFindings, lines: number, into: ScanResult): void {
  if (lines === 0) {
    into.references.push(...found.references);
    into.skipped.push(...found.skipped);
    into.errors.push(...found.errors);
    return;
  }
  for (const r of found.references) {
    const fields = r.fields && {
      ...r.fields,
      ...(r.fields.tag ? { tag: { ...r.fields.tag, range: movedRange(r.fields.tag.range, lines) } } : {}),
      ...(r.fields.digest ? { digest: { ...r.fields.digest, range: movedRange(r.fields.digest.range, lines) } } : {}),
      ...(r.fields.insert ? { insert: { ...r.fields.insert, after: moved(r.fields.insert.after, lines) } } : {}),
    };
    into.references.push({ ...r, range: movedRange(r.range, lines), ...(fields ? { fields } : {}) });
  }
  for (const s of found.skipped) into.skipped.push({ ...s, range: movedRange(s.range, lines) });
  for (const e of found.errors) into.errors.push(e.range ? { ...e, range: movedRange(e.range, lines) } : e);
}

/**
 * What the last read of a multi-document YAML file (Kubernetes manifests) found in each of its
 * documents, by the document's text. Read again after an edit, the file is split where the library's
 * lexer starts its documents, and only the documents whose text changed are parsed again, each as
 * the first document of the text from its start (so that the library reads it exactly as within the
 * whole file); the others' findings are moved to where the document now starts. A document with a
 * YAML error is never reused: how the library ends a broken document may depend on the text after
 * it, and so may how it reads the documents after it, which are then read with it in one pass. A file whose documents do not read the same on their own (a `%TAG` directive, an end marker
 * `...`) is read whole, as without a memo. The first read (nothing kept yet) reads the whole file in
 * one pass, which also finds where its documents start, and keeps each document's findings from it.
 */
export class YamlDocumentMemo {
  #file = '';
  #entries = new Map<string, DocumentFindings>();
  /** The text last read and where its documents start, when they read the same alone. */
  #outline: { text: string; starts: readonly number[] } | undefined;
  /** Documents parsed (not reused) by the last read. */
  computed = 0;

  /**
   * Reads `text` with `read`, parsing again only what changed since the last read. With nothing kept
   * from an earlier read (the first), the file is read whole in one pass, and `onFirst` gets its first
   * documents' findings before the rest is read. A limit hit throws a LimitError.
   */
  read(file: string, text: string, read: DocumentsReader, onFirst?: FirstFindingsListener): ScanResult {
    if (file !== this.#file) {
      this.#entries.clear();
      this.#outline = undefined;
    }
    this.#file = file;
    this.computed = 0;
    if (this.#entries.size === 0) return this.#readWhole(text, read, onFirst);
    // Only the edited documents are lexed again, when the last read found where its documents start.
    const last = this.#outline;
    const { starts, separable } = (last && updatedOutline(last.text, last.starts, text)) ?? checkYamlNesting(text);
    this.#outline = separable ? { text, starts } : undefined;
    const next = new Map<string, DocumentFindings>();
    if (!separable) {
      this.#entries = next;
      this.computed = starts.length;
      return read(text);
    }
    const lines = startLines(text, starts);
    const keys = documentKeys(text, starts);
    const missing = keys.filter((key) => !this.#entries.has(key)).length;
    // Many documents to read (a large change): one pass over the whole text, its findings split by document.
    const whole = missing > MANY ? bySection(read(text, { onFirst }), lines) : undefined;
    const result: ScanResult = { references: [], skipped: [], errors: [] };
    for (let i = 0; i < starts.length; i += 1) {
      const key = keys[i]!;
      // A whole read is used whole: an error it placed on a document's first line may be the previous one's.
      let found = whole ? undefined : (next.get(key) ?? this.#entries.get(key));
      if (!found) {
        found = whole ? whole[i]! : read(text.slice(starts[i]), { first: { end: (starts[i + 1] ?? text.length) - starts[i]! } });
        this.computed += 1;
        if (!whole && found.errors.length > 0) {
          // After a document with a YAML error, how the library reads the documents that follow may
          // depend on it (an unclosed quote's end is looked for beyond the document): this one and the
          // rest are read in one pass from its start, as within the whole file, and none is kept.
          const from = lines[i]!;
          const rest = bySection(read(text.slice(starts[i])), lines.slice(i).map((line) => line - from));
          rest.forEach((section, j) => shift(section, lines[i + j]!, result));
          this.computed += rest.length - 1;
          break;
        }
        // An error at the end of a document may be placed on the next one's first line, so a document
        // of a whole read is kept only when the next one has no error either.
        if (found.errors.length > 0 || (whole && (whole[i + 1]?.errors.length ?? 0) > 0)) {
          shift(found, lines[i]!, result);
          continue;
        }
      }
      next.set(key, found);
      shift(found, lines[i]!, result);
    }
    this.#entries = next;
    return result;
  }

  /** Reads the whole text in one pass, which finds where its documents start, and keeps each document's findings. */
  #readWhole(text: string, read: DocumentsReader, onFirst?: FirstFindingsListener): ScanResult {
    const outline: YamlOutline = { starts: [0], separable: true };
    const found = read(text, { outline, onFirst });
    const { starts, separable } = outline;
    this.computed = starts.length;
    this.#entries = new Map();
    this.#outline = separable ? { text, starts } : undefined;
    if (!separable) return found;
    const whole = bySection(found, startLines(text, starts));
    const keys = documentKeys(text, starts);
    for (let i = 0; i < starts.length; i += 1) {
      // As below: an error at the end of a document may be placed on the next one's first line.
      if (whole[i]!.errors.length > 0 || (whole[i + 1]?.errors.length ?? 0) > 0) continue;
      this.#entries.set(keys[i]!, whole[i]!);
    }
    return found;
  }
}

/** The line each document starts on. */
function startLines(text: string, starts: readonly number[]): number[] {
  const lines: number[] = [];
  let line = 0;
  let counted = 0;
  for (const start of starts) {
    for (let at = text.indexOf('\n', counted); at >= 0 && at < start; at = text.indexOf('\n', at + 1)) line += 1;
    counted = start;
    lines.push(line);
  }
  return lines;
}

/** Each document's text, marked as the last one or not: the last document ends with the text, the others at the next one's marker. */
function documentKeys(text: string, starts: readonly number[]): string[] {
  return starts.map((start, i) => `${i + 1 < starts.length ? '-' : '.'}${text.slice(start, starts[i + 1])}`);
}

/** Above this many documents to parse, the whole text is read in one pass. */
const MANY = 16;

/** A whole file's findings, split by the document (starting at `lines`) each starts in, with lines counted from there. */
function bySection(found: ScanResult, lines: number[]): DocumentFindings[] {
  const sections = lines.map((): ScanResult => ({ references: [], skipped: [], errors: [] }));
  const section = (line: number): number => {
    let low = 0;
    let high = lines.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lines[mid]! <= line) low = mid;
      else high = mid - 1;
    }
    return low;
  };
  const place = (into: (s: ScanResult) => void, line: number) => into(sections[section(line)]!);
  for (const r of found.references) place((s) => s.references.push(r), r.range.start.line);
  for (const k of found.skipped) place((s) => s.skipped.push(k), k.range.start.line);
  for (const e of found.errors) place((s) => s.errors.push(e), e.range?.start.line ?? 0);
  return sections.map((s, i) => {
    const relative: ScanResult = { references: [], skipped: [], errors: [] };
    shift(s, -lines[i]!, relative);
    return relative;
  });
}
