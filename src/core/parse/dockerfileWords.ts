/**
 * buildkit's reading of single Dockerfile tokens that dockerfile-ast leaves as written
 * (frontend/dockerfile/parser: split_command.go `extractBuilderFlags`, line_parsers.go `parseJSON`).
 */

/** Go's `unicode.IsSpace`. */
export function isGoSpace(ch: string | undefined): boolean {
  return ch !== undefined && /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(ch);
}

/**
 * A flag's value as `extractBuilderFlags` keeps it: quotes removed and the escape token dropped before
 * the character it escapes; with the offset in `raw` where each character of the result is written.
 */
export function unquoteFlagValue(raw: string, escapeToken: string): { text: string; at: number[] } {
  let text = '';
  const at: number[] = [];
  let quote = '';
  for (let pos = 0; pos < raw.length; pos += 1) {
    const ch = raw[pos];
    if (quote === '' && (ch === "'" || ch === '"')) {
      quote = ch;
      continue;
    }
    if (quote !== '' && ch === quote) {
      quote = '';
      continue;
    }
    if (ch === escapeToken) {
      if (pos + 1 === raw.length) break;
      pos += 1;
    }
    at.push(pos);
    text += raw[pos];
  }
  return { text, at };
}

/**
 * `parseJSON`: the arguments in JSON form (`["a", "b"]`), or undefined when the text is not a JSON
 * array; a JSON array holding anything but strings is an error, as in buildkit.
 */
export function parseJsonArguments(rest: string): string[] | undefined | Error {
  if (!rest.startsWith('[')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(rest);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  if (!parsed.every((item) => typeof item === 'string')) {
    return new Error('when using JSON array syntax, arrays must be comprised of strings only');
  }
  return parsed as string[];
}
