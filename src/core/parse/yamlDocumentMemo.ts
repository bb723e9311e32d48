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
    const result: ScanResult = { references: [], skipped: [], errors: [] };
    let line = 0;
    let counted = 0;
    for (let i = 0; i < starts.length; i += 1) {
      const start = starts[i]!;
      const end = starts[i + 1] ?? text.length;
      for (let at = text.indexOf('\n', counted); at >= 0 && at < start; at = text.indexOf('\n', at + 1)) line += 1;
      counted = start;
      // The last document ends with the text, the others at the next one's marker.
      const key = `${i + 1 < starts.length ? '-' : '.'}${text.slice(start, end)}`;
      let found = next.get(key) ?? this.#entries.get(key);
      if (!found) {
        found = read(text.slice(start), { end: end - start });
        this.computed += 1;
        if (found.errors.length === 0) next.set(key, found);
      } else next.set(key, found);
      shift(found, line, result);
    }
    this.#entries = next;
    return result;
  }
}
