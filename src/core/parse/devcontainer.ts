/**
 * Dev containers (`.devcontainer/devcontainer.json`, `.devcontainer.json`,
 * `.devcontainer/<name>/devcontainer.json`): the top-level `image`, read as JSON with comments and
 * trailing commas, as the dev container tools read it.
 */
import { createScanner, findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';

/** The scanner's token kinds used here (the library declares them as a const enum). */
const TOKEN = { openBrace: 1, closeBrace: 2, openBracket: 3, closeBracket: 4, eof: 17 } as const;
import type { ScanResult } from '../model/occurrence';
import type { Position } from '../model/range';
import { ImageSink } from './imageValues';
import { LIMITS, LimitError } from './limits';

/** The line and UTF-16 column of each offset, from one pass over the text. */
function positions(text: string): (offset: number) => Position {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - starts[lo]! };
  };
}

/**
 * Throws when arrays and objects nest deeper than the limit: the library's parser recurses once per
 * level, its scanner does not, so the scanner's tokens bound the nesting first.
 */
function checkJsonNesting(text: string): void {
  const scanner = createScanner(text, false);
  let depth = 0;
  for (let token: number = scanner.scan(); token !== TOKEN.eof; token = scanner.scan()) {
    if (token === TOKEN.openBrace || token === TOKEN.openBracket) depth += 1;
    else if ((token === TOKEN.closeBrace || token === TOKEN.closeBracket) && depth > 0) depth -= 1;
    if (depth > LIMITS.yamlDepth) throw new LimitError(`JSON arrays and objects are nested more than ${LIMITS.yamlDepth} deep`);
  }
}

/** Finds the image of a dev container configuration (`devcontainer-image`). */
export function scanDevcontainer(file: string, text: string): ScanResult {
  const sink = new ImageSink(file);
  checkJsonNesting(text);
  const at = positions(text);
  const errors: ParseError[] = [];
  const root: Node | undefined = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const e = errors[0]!;
    sink.error(`invalid JSON: ${printParseErrorCode(e.error)}`, { start: at(e.offset), end: at(e.offset + e.length) });
    return sink.done();
  }
  if (root?.type !== 'object') return sink.done();
  const image = findNodeAtLocation(root, ['image']);
  if (!image) return sink.done();
  const range = { start: at(image.offset + 1), end: at(image.offset + image.length - 1) };
  if (image.type !== 'string') {
    const written = text.slice(image.offset, image.offset + image.length);
    sink.skip('devcontainer-image', { value: '', text: written, range: { start: at(image.offset), end: at(image.offset + image.length) } }, 'invalid-reference', `image must be a string, got ${image.type}`);
    return sink.done();
  }
  const written = text.slice(image.offset + 1, image.offset + image.length - 1);
  if (image.value !== '') sink.add('devcontainer-image', { value: image.value as string, text: written, range });
  return sink.done();
}
