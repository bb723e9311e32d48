import { interpolate, TemplateError } from './composeTemplate';
import { LimitError, WorkBudget } from './limits';

/**
 * A compose `.env` file, read as compose-go's dotenv parser reads it (dotenv/parser.go): `KEY=VALUE`
 * or `KEY: VALUE`, an optional `export `, `#` comments, single-quoted values taken literally,
 * double-quoted values with escapes and interpolation, unquoted values up to the end of the line with
 * a ` #` comment removed, and a bare `KEY` taking its value from the environment. Values may refer to
 * the environment (which wins) and to earlier keys. Values may span lines inside quotes.
 *
 * Where compose refuses the file, the result carries the error and its line, with the variables read
 * before it.
 */

export interface Dotenv {
  vars: Map<string, string>;
  /** compose-go's error, with the 1-based line it names, when the file is refused; or the limit hit. */
  error?: { message: string; line: number; limit?: true };
}

/** compose-go's `isSpace`: white space that is not a line break. */
function isSpace(ch: string | undefined): boolean {
  return ch === '\t' || ch === '\v' || ch === '\f' || ch === '\r' || ch === ' ' || ch === '\u0085' || ch === '\u00a0';
}

/** Go's `unicode.IsSpace`. */
function isUnicodeSpace(ch: string | undefined): boolean {
  return ch !== undefined && /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(ch);
}

const KEY_CHAR = /^[\p{L}\p{N}_.\-[\]]$/u;

/** `expandEscapes`: shell escapes of a double-quoted value; `\$` becomes `$$`, a literal dollar. */
function expandEscapes(text: string): string {
  const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '"': '"', '\\': '\\' };
  return text.replace(/\\(?:[abcfnrtv$"\\]|0\d{0,3})/g, (match) => {
    if (match === '\\$') return '$$';
    const c = match[1]!;
    if (c === '0') {
      // `\0NNN` is the octal escape `\NNN`; anything else is left as written.
      const digits = match.slice(2);
      return /^[0-7]{3}$/.test(digits) && Number.parseInt(digits, 8) < 256 ? String.fromCharCode(Number.parseInt(digits, 8)) : match;
    }
    return simple[c] ?? match;
  });
}

/** Parses a `.env` file; `lookupOuter` is the environment, which wins over the file. Never throws. */
export function parseDotenv(text: string, lookupOuter: (name: string) => string | undefined = () => undefined, budget = new WorkBudget()): Dotenv {
  const vars = new Map<string, string>();
  // Editors on Windows may start the file with a byte order mark.
  if (text.startsWith('\ufeff')) text = ` ${text.slice(1)}`;
  const lookup = (name: string): string | undefined => lookupOuter(name) ?? vars.get(name);
  let line = 1;
  let pos = 0;
  const expand = (value: string): string => interpolate(value, lookup, budget).value;
  let statementLine = 1;
  const refuse = (message: string, at = line): Dotenv => ({ vars, error: { message, line: at } });

  for (;;) {
    // getStatementStart: skip white space (counting lines) and comment lines.
    for (;;) {
      while (pos < text.length && isUnicodeSpace(text[pos])) {
        if (text[pos] === '\n') line += 1;
        pos += 1;
      }
      if (pos >= text.length || text[pos] !== '#') break;
      const nl = text.indexOf('\n', pos);
      pos = nl < 0 ? text.length : nl;
    }
    if (pos >= text.length) return { vars };
    statementLine = line;

    // locateKeyName
    if (/^export\s/.test(text.slice(pos, pos + 7))) {
      pos += 'export'.length;
      while (pos < text.length && isSpace(text[pos])) pos += 1;
    }
    let keyEnd = -1;
    let inherited = false;
    let i = pos;
    for (; i < text.length; i += 1) {
      const ch = text[i]!;
      if (isSpace(ch)) continue;
      if (ch === '=' || ch === ':' || ch === '\n') {
        keyEnd = i;
        inherited = ch === '\n';
        break;
      }
      if (!KEY_CHAR.test(ch)) {
        const lineEnd = text.indexOf('\n', pos);
        return refuse(`line ${line}: unexpected character ${JSON.stringify(ch)} in variable name ${JSON.stringify(text.slice(pos, lineEnd < 0 ? undefined : lineEnd))}`);
      }
    }
    // Without `=`, `:` or a line break up to the end, compose-go reads an empty key and takes the text as its value.
    let key = keyEnd < 0 ? '' : text.slice(pos, keyEnd);
    let valueStart = keyEnd < 0 ? pos : keyEnd + 1;
    if (inherited && !key.includes(' ')) line += 1;
    while (key.length > 0 && isUnicodeSpace(key[key.length - 1])) key = key.slice(0, -1);
    while (valueStart < text.length && isSpace(text[valueStart])) valueStart += 1;
    if (key.includes(' ')) return refuse(`line ${line}: key cannot contain a space`);
    if (inherited) {
      const value = lookupOuter(key);
      if (value !== undefined) vars.set(key, value);
      pos = valueStart;
      continue;
    }

    // extractVarValue
    const quote = text[valueStart];
    try {
      if (quote !== '"' && quote !== "'") {
        const nl = text.indexOf('\n', valueStart);
        let value = text.slice(valueStart, nl < 0 ? text.length : nl);
        line += 1;
        const comment = value.indexOf(' #');
        if (comment >= 0) value = value.slice(0, comment);
        while (value.length > 0 && isUnicodeSpace(value[value.length - 1])) value = value.slice(0, -1);
        vars.set(key, expand(value));
        pos = nl < 0 ? text.length : nl + 1;
        continue;
      }
      let escaped = false;
      let chars = '';
      let closed = -1;
      for (let k = valueStart + 1; k < text.length; k += 1) {
        const ch = text[k]!;
        if (ch === '\n') line += 1;
        if (ch !== quote) {
          if (!escaped && ch === '\\') {
            escaped = true;
            continue;
          }
          if (escaped) {
            escaped = false;
            chars += '\\';
          }
          chars += ch;
          continue;
        }
        if (escaped) {
          escaped = false;
          chars += ch;
          continue;
        }
        closed = k;
        break;
      }
      if (closed < 0) {
        const nl = text.indexOf('\n', valueStart);
        return refuse(`line ${line}: unterminated quoted value ${text.slice(valueStart, nl < 0 ? undefined : nl)}`);
      }
      vars.set(key, quote === '"' ? expand(expandEscapes(chars)) : chars);
      pos = closed + 1;
    } catch (e) {
      if (e instanceof TemplateError) return refuse(e.message, statementLine);
      if (e instanceof LimitError) return { vars, error: { message: e.message, line: statementLine, limit: true } };
      throw e;
    }
  }
}
