import type { Position, Range } from '../model/range';
import type { ScanResult } from '../model/occurrence';
import { checkYamlNesting } from './yamlBounded';

/** Findings read from one document, with lines counted from the document's start. */
type DocumentFindings = ScanResult;

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
 * it. A file whose documents do not read the same on their own (a `%TAG` directive, an end marker
 * `...`) is read whole, as without a memo.
 */
export class YamlDocumentMemo {
  #file = '';
  #entries = new Map<string, DocumentFindings>();
  /** Documents parsed (not reused) by the last read. */
  computed = 0;

  /**
   * Reads `text`: `read(text)` reads a whole file; `read(rest, { end })` reads only the first
   * document of `rest`, which ends at `end` (its nesting already checked). A limit hit throws a LimitError.
   */
  read(file: string, text: string, read: (text: string, first?: { end: number }) => ScanResult): ScanResult {
    const { starts, separable } = checkYamlNesting(text);
    if (file !== this.#file) this.#entries.clear();
    this.#file = file;
    this.computed = 0;
    const next = new Map<string, DocumentFindings>();
    if (!separable) {
      this.#entries = next;
      this.computed = starts.length;
      return read(text);
    }
    const lines: number[] = [];
    let line = 0;
    let counted = 0;
    for (const start of starts) {
      for (let at = text.indexOf('\n', counted); at >= 0 && at < start; at = text.indexOf('\n', at + 1)) line += 1;
      counted = start;
      lines.push(line);
    }
    // The last document ends with the text, the others at the next one's marker.
    const keys = starts.map((start, i) => `${i + 1 < starts.length ? '-' : '.'}${text.slice(start, starts[i + 1])}`);
    const missing = keys.filter((key) => !this.#entries.has(key)).length;
    // Many documents to read (a first read): one pass over the whole text, its findings split by document.
    const whole = missing > MANY ? bySection(read(text), lines) : undefined;
    const result: ScanResult = { references: [], skipped: [], errors: [] };
    for (let i = 0; i < starts.length; i += 1) {
      const key = keys[i]!;
      // A whole read is used whole: an error it placed on a document's first line may be the previous one's.
      let found = whole ? undefined : (next.get(key) ?? this.#entries.get(key));
      if (!found) {
        found = whole ? whole[i]! : read(text.slice(starts[i]), { end: (starts[i + 1] ?? text.length) - starts[i]! });
        this.computed += 1;
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
