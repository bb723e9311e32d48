import { LineCounter, type Document } from 'yaml';
import type { Range } from '../model/range';
import { ComposeYamlError } from './composeYaml';
import type { ImageSink } from './imageValues';
import { parseYamlDocuments, type YamlOutline } from './yamlBounded';
import { YamlView } from './yamlView';

function rangeAt(lines: LineCounter, from: number, to = from): Range {
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { line: line - 1, character: col - 1 };
  };
  return { start: at(from), end: at(to) };
}

/** How {@link yamlViews} reads a file. */
export interface YamlViewsOptions {
  /** The file must hold one document: a second one is an error entry, and is not read. */
  single?: boolean;
  /** Only the first document is read ({@link parseYamlDocuments}). */
  first?: { end: number };
  /** Gets where the documents start, as they are met. */
  outline?: YamlOutline;
  /** Called once each document is read (its view taken, or its error recorded), with how many are. */
  onRead?: (documents: number) => void;
}

/**
 * The documents of a YAML file (one, or several separated by `---`), each ready to read. A document
 * the YAML library refuses, or with an unknown or recursive anchor, is an error entry on the file at
 * the problem, and is not read; the other documents still are. A limit hit throws a LimitError.
 */
export function* yamlViews(text: string, sink: ImageSink, options: YamlViewsOptions = {}): Generator<YamlView> {
  const lines = new LineCounter();
  let count = 0;
  for (const doc of parseYamlDocuments(text, lines, { merge: true, uniqueKeys: true }, options.first, options.outline)) {
    count += 1;
    if (options.first && count > 1) return;
    if (options.single && count > 1) {
      sink.error('invalid YAML: this file must hold one document, and it holds more', rangeAt(lines, doc.range[0]));
      return;
    }
    const view = viewOf(doc, text, lines, sink);
    if (view) yield view;
    options.onRead?.(count);
  }
}

/** The view of a parsed document, or undefined (an error entry recorded) when it cannot be read. */
function viewOf(doc: Document.Parsed, text: string, lines: LineCounter, sink: ImageSink): YamlView | undefined {
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    const message = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    sink.error(`invalid YAML: ${message}`, rangeAt(lines, error.pos[0], error.pos[1]));
    return undefined;
  }
  try {
    return new YamlView(doc, text, lines);
  } catch (e) {
    if (!(e instanceof ComposeYamlError)) throw e;
    sink.error(`invalid YAML: ${e.message}`, rangeAt(lines, e.offset));
    return undefined;
  }
}
