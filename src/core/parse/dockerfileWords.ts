/**
 * How buildkit splits one Dockerfile instruction into flags and words (frontend/dockerfile/parser:
 * split_command.go `extractBuilderFlags`, line_parsers.go `parseWords`, `parseStringsWhitespaceDelimited`,
 * `parseJSON`), keeping where each word is written so that findings point at it.
 */

/** A word of an instruction: its text as buildkit keeps it, and where it is written (offsets into the line). */
export interface Word {
  text: string;
  start: number;
  end: number;
}

/** A flag such as `--from=nginx:1.27`: its name, its value (quotes and escapes removed) and where the value is written. */
export interface Flag {
  name: string;
  /** null for a flag without `=`, e.g. `--link`. */
  value: string | null;
  /** Offsets of the whole flag word. */
  start: number;
  end: number;
  /** Offset of the value as written (after `=`); the flag's end when there is none. */
  valueStart: number;
  /** The offset where each character of `value` is written (quotes and escapes make them differ). */
  valueAt: number[];
}

/** Go's `unicode.IsSpace`. */
export function isGoSpace(ch: string | undefined): boolean {
  return ch !== undefined && /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(ch);
}

/** The `[\t\v\f\r ]+` buildkit splits command lines and FROM arguments on. */
function isSplitSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\v' || ch === '\f' || ch === '\r';
}

/**
 * `extractBuilderFlags`: the leading `--name[=value]` words of `line` (quotes and escapes removed), and
 * the offset where the rest begins. A bare `--` ends the flags and is dropped.
 */
export function extractFlags(line: string, escapeToken: string, base: number): { flags: Flag[]; rest: number } {
  const flags: Flag[] = [];
  let inWord = false;
  let quote = '';
  let text = '';
  let rawAt: number[] = [];
  let blankOk = false;
  let start = 0;
  const finish = (end: number): void => {
    if (text === '--' || (!blankOk && text.length === 0)) return;
    const eq = text.indexOf('=');
    const name = (eq < 0 ? text : text.slice(0, eq)).replace(/^--/, '');
    flags.push({
      name, value: eq < 0 ? null : text.slice(eq + 1), start: base + start, end: base + end,
      valueStart: base + (eq < 0 ? end : rawAt[eq]! + 1),
      valueAt: eq < 0 ? [] : rawAt.slice(eq + 1).map((at) => base + at),
    });
  };
  for (let pos = 0; pos <= line.length; pos += 1) {
    let ch = line[pos];
    if (!inWord) {
      if (pos === line.length) break;
      if (isGoSpace(ch)) continue;
      if (ch !== '-' || line[pos + 1] !== '-') return { flags, rest: base + pos };
      inWord = true;
      start = pos;
      text = '';
      rawAt = [];
      blankOk = false;
    }
    if (pos === line.length) {
      finish(pos);
      break;
    }
    if (quote === '') {
      if (isGoSpace(ch)) {
        if (text === '--') return { flags, rest: base + pos };
        finish(pos);
        inWord = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
        continue;
      }
    } else if (ch === quote) {
      quote = '';
      continue;
    }
    if (ch === escapeToken) {
      if (pos + 1 === line.length) {
        quote = '';
        continue;
      }
      pos += 1;
      ch = line[pos];
    }
    rawAt.push(pos);
    text += ch;
  }
  return { flags, rest: base + line.length };
}

/** `parseWords`: words split on white space outside quotes; quotes and escape tokens are kept. */
export function splitWords(line: string, escapeToken: string, base: number): Word[] {
  const words: Word[] = [];
  let inWord = false;
  let quote = '';
  let text = '';
  let blankOk = false;
  let start = 0;
  const chars = Array.from(line);
  let offset = 0;
  const push = (end: number) => {
    if (blankOk || text.length > 0) words.push({ text, start: base + start, end: base + end });
    text = '';
    blankOk = false;
  };
  for (let i = 0; i <= chars.length; i += 1) {
    let ch = chars[i];
    if (!inWord) {
      if (i === chars.length) break;
      if (isGoSpace(ch)) {
        offset += ch!.length;
        continue;
      }
      inWord = true;
      start = offset;
    }
    if (i === chars.length) {
      push(offset);
      break;
    }
    if (quote === '') {
      if (isGoSpace(ch)) {
        push(offset);
        inWord = false;
        offset += ch!.length;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
      }
      if (ch === escapeToken) {
        if (i + 1 === chars.length) {
          offset += ch.length;
          continue;
        }
        text += ch;
        offset += ch.length;
        i += 1;
        ch = chars[i]!;
      }
    } else {
      // Within a quote the quote character ends it; the escape token works except in single quotes.
      const closing = ch === quote;
      if (!closing && ch === escapeToken && quote !== "'") {
        if (i + 1 === chars.length) {
          quote = '';
          offset += ch.length;
          continue;
        }
        text += ch;
        offset += ch.length;
        i += 1;
        ch = chars[i]!;
      } else if (closing) quote = '';
    }
    text += ch;
    offset += ch!.length;
  }
  return words;
}

/** `parseStringsWhitespaceDelimited`: words split on `[\t\v\f\r ]+`, nothing else processed. */
export function splitWhitespace(line: string, base: number): Word[] {
  const words: Word[] = [];
  let start = -1;
  for (let i = 0; i <= line.length; i += 1) {
    const split = i === line.length || isSplitSpace(line[i]);
    if (split && start >= 0) {
      words.push({ text: line.slice(start, i), start: base + start, end: base + i });
      start = -1;
    } else if (!split && start < 0) start = i;
  }
  return words;
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

/** Leading and trailing Go white space trimmed: the offsets of what is left. */
export function trimSpace(line: string): { start: number; end: number } {
  let start = 0;
  let end = line.length;
  while (start < end && isGoSpace(line[start])) start += 1;
  while (end > start && isGoSpace(line[end - 1])) end -= 1;
  return { start, end };
}

/** `splitCommand`: the command word, and the offset of its arguments (after the white space that follows it). */
export function splitCommand(line: string): { command: string; argsStart: number; argsEnd: number } | undefined {
  const { start, end } = trimSpace(line);
  if (start === end) return undefined;
  let i = start;
  while (i < end && !isSplitSpace(line[i])) i += 1;
  const command = line.slice(start, i);
  while (i < end && isSplitSpace(line[i])) i += 1;
  return { command, argsStart: i, argsEnd: end };
}
