/**
 * The frontend image a Dockerfile asks for, found as buildkit's `DetectSyntax` finds it
 * (frontend/dockerfile/parser/directives.go): a leading `#!` line is skipped, then `# syntax=` in the
 * leading comment block, else `// syntax=`, else a JSON document's `"syntax"`. The image is the value
 * up to its first space.
 */
import type { Range } from '../model/range';
import { DirectiveParser } from './dockerfileLines';
import { isGoSpace } from './dockerfileWords';

export interface SyntaxDirective {
  /** The image, e.g. `docker/dockerfile:1.7`. */
  value: string;
  range: Range;
}

/** `bufio.ScanLines`: lines without `\n` and one trailing `\r`, read only as far as they are wanted. */
function* scanLines(text: string, from: number, firstLine: number): Generator<{ line: number; text: string }> {
  let start = from;
  let line = firstLine;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    yield { line, text: text.slice(start, end).replace(/\r$/, '') };
    line += 1;
    start = end + 1;
  }
}

function fromComments(lines: Iterable<{ line: number; text: string }>, comment: string): SyntaxDirective | undefined {
  const parser = new DirectiveParser(comment);
  for (const { line, text } of lines) {
    let directive;
    try {
      directive = parser.parseLine(text, line);
    } catch {
      // A repeated directive ends the search; the first one still counts.
      return undefined;
    }
    if (!directive) return undefined;
    if (directive.name !== 'syntax') continue;
    // Where the value starts: after the comment marker, blanks, the name and the `=` with its blanks.
    let at = comment.length;
    while (at < text.length && isGoSpace(text[at])) at += 1;
    at += directive.name.length;
    while (at < text.length && text[at] !== '=') at += 1;
    at += 1;
    while (at < text.length && /[\t\n\f\r ]/.test(text[at]!)) at += 1;
    const value = directive.value.split(' ')[0]!;
    return { value, range: { start: { line, character: at }, end: { line, character: at + value.length } } };
  }
  return undefined;
}

/** The `syntax` of a Dockerfile, or undefined. */
export function detectSyntax(text: string): SyntaxDirective | undefined {
  let from = text.startsWith('\ufeff') ? 1 : 0;
  let firstLine = 0;
  if (text.startsWith('#!', from)) {
    const nl = text.indexOf('\n', from);
    from = nl < 0 ? text.length : nl + 1;
    firstLine = 1;
  }
  const found = fromComments(scanLines(text, from, firstLine), '#') ?? fromComments(scanLines(text, from, firstLine), '//');
  if (found) return found;
  const rest = text.slice(from);
  if (!/^\s*\{/.test(rest)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(rest);
  } catch {
    return undefined;
  }
  const value = (json as { syntax?: unknown } | null)?.syntax;
  if (typeof value !== 'string') return undefined;
  const image = value.split(' ')[0]!;
  const at = Math.max(text.indexOf(JSON.stringify(value).slice(1, -1), from), from);
  const before = text.slice(0, at).split('\n');
  const line = before.length - 1;
  const character = before[line]!.length;
  return { value: image, range: { start: { line, character }, end: { line, character: character + image.length } } };
}
