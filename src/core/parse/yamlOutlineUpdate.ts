/**
 * Where the documents of a YAML stream start after an edit, from where they started before it: only
 * the documents the edited lines are in are lexed again, not the whole stream. The library's lexer
 * ends every document at a `---` line in every context (flow collections, quoted and block scalars
 * included), so a document whose text is unchanged and that follows one the lexer again ends where
 * it did starts where it did, moved by the edit's length.
 */
import { checkYamlNesting, type YamlOutline } from './yamlBounded';

/** A line that may start or end a document, or change how every document reads (a directive). */
const MARKER_LINE = /^(?:---|\.\.\.|%|\uFEFF)/m;

function lineEnd(text: string, at: number): number {
  const nl = text.indexOf('\n', at);
  return nl < 0 ? text.length : nl;
}

/**
 * The outline of `after`, given that `before` had the separable outline `starts`; undefined when it
 * must be found by lexing `after` whole: a marker or directive line edited, written or removed, or a
 * boundary the lexer no longer draws where it did. Checks the nesting of what it lexes (a LimitError).
 */
export function updatedOutline(before: string, starts: readonly number[], after: string): YamlOutline | undefined {
  const shortest = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < shortest && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix += 1;
  let suffix = 0;
  while (suffix < shortest - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix += 1;
  if (prefix === before.length && prefix === after.length) return { starts: [...starts], separable: true };
  // The edited lines, whole, before and after the edit.
  const from = before.lastIndexOf('\n', prefix - 1) + 1;
  const beforeTo = lineEnd(before, before.length - suffix);
  const afterTo = lineEnd(after, after.length - suffix);
  if (MARKER_LINE.test(before.slice(from, beforeTo)) || MARKER_LINE.test(after.slice(from, afterTo))) return undefined;
  const delta = after.length - before.length;
  // The document the first edited line is in, and the first one after the last edited line.
  let first = 0;
  while (first + 1 < starts.length && starts[first + 1]! <= from) first += 1;
  let next = first + 1;
  while (next < starts.length && starts[next]! <= beforeTo) next += 1;
  const start = starts[first]!;
  if (next >= starts.length) {
    const rest = checkYamlNesting(after.slice(start));
    if (!rest.separable) return undefined;
    return { starts: [...starts.slice(0, first), ...rest.starts.map((s) => s + start)], separable: true };
  }
  // Lexed through the next document's marker line, which must still start a document there.
  const boundary = starts[next]! + delta;
  const lexed = checkYamlNesting(after.slice(start, lineEnd(after, boundary)));
  if (!lexed.separable || lexed.starts[lexed.starts.length - 1] !== boundary - start) return undefined;
  return { starts: [...starts.slice(0, first), ...lexed.starts.map((s) => s + start), ...starts.slice(next + 1).map((s) => s + delta)], separable: true };
}
