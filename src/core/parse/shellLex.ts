/**
 * buildkit's shell-word processing, as the Dockerfile frontend applies it to FROM, ARG and ENV values
 * (frontend/dockerfile/shell/lex.go, `Lex.ProcessWordWithMatches` and `ProcessWords`): quotes, the
 * escape token, `$V`, `${V}`, `${V:-d}`, `${V-d}`, `${V:+a}`, `${V+a}`, `${V:?m}`, `${V?m}`, `${V#p}`,
 * `${V##p}`, `${V%p}`, `${V%%p}`, `${V/p/r}` and `${V//p/r}`. An unset variable expands to nothing, as in
 * buildkit; the result says which names were unset, so callers can say so.
 *
 * Nesting and output are bounded (see limits.ts), so no word costs more than linear time.
 */
import { LIMITS, LimitError, type WorkBudget } from './limits';
import { PatternError, replacePattern, trimPrefix, trimSuffix } from './shellPattern';

/** The value of a variable that is set but not known here, such as `TARGETARCH` without `--build-arg`. */
export const UNKNOWN: unique symbol = Symbol('unknown value');

/** Variables as the lexer sees them: a value, `undefined` for unset, or {@link UNKNOWN}. */
export type ShellVars = (name: string) => string | undefined | typeof UNKNOWN;

export interface LexOptions {
  /** `\` or a backtick (the `# escape=` directive). */
  escapeToken: string;
  /** Keep quote characters in the result (buildkit's `RawQuotes`). */
  rawQuotes?: boolean;
  /** Keep escape tokens in the result (`RawEscapes`). */
  rawEscapes?: boolean;
  /** Leave references to unset variables as written (`SkipUnsetEnv`). */
  skipUnsetEnv?: boolean;
  budget: WorkBudget;
}

export interface LexResult {
  result: string;
  /** The result split into words on unquoted white space (`ProcessWords`). */
  words: string[];
  /** Variables that were set, unset, or set to a value not known here. */
  matched: Set<string>;
  unmatched: Set<string>;
  unknown: Set<string>;
  /** Unset variables whose place in the result is empty (`$V`, `${V:+a}`, `${V#p}`…, not `${V:-d}`). */
  emptied: Set<string>;
}

/** A word buildkit refuses to process; the message is buildkit's. */
export class ShellError extends Error {}

const EOF = '';
const SPECIAL_PARAMS = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;
const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;

/** Words being split, sharing one buffer across nested calls exactly as buildkit's `shellWord` does. */
class Words {
  words: string[] = [];
  inWord = false;
  constructor(private readonly shared: { buf: string }) {}
  addChar(ch: string): void {
    if (GO_SPACE.test(ch)) {
      if (this.inWord && this.shared.buf.length !== 0) {
        this.words.push(this.shared.buf);
        this.shared.buf = '';
        this.inWord = false;
      }
    } else this.addRaw(ch);
  }
  addRaw(text: string): void {
    this.shared.buf += text;
    this.inWord = true;
  }
  addString(text: string): void {
    for (const ch of text) this.addChar(ch);
  }
  done(): string[] {
    if (this.shared.buf.length > 0) {
      this.words.push(this.shared.buf);
      this.shared.buf = '';
      this.inWord = false;
    }
    return this.words;
  }
}

class ShellWord {
  #i = 0;
  #depth = 0;
  #rawEscapes: boolean;
  readonly #buffer = { buf: '' };
  readonly matched = new Set<string>();
  readonly unmatched = new Set<string>();
  readonly unknown = new Set<string>();
  readonly emptied = new Set<string>();
  substituted = false;

  constructor(private readonly text: string, private readonly vars: ShellVars, private readonly o: LexOptions) {
    this.#rawEscapes = o.rawEscapes === true;
  }

  peek(): string {
    const cp = this.text.codePointAt(this.#i);
    return cp === undefined ? EOF : String.fromCodePoint(cp);
  }

  next(): string {
    const ch = this.peek();
    this.#i += ch.length;
    return ch;
  }

  /** Processes up to `stop` (consumed) or the end; `stop` EOF means the whole word. */
  processStopOn(stop: string, rawEscapes: boolean): { result: string; words: string[] } {
    const saved = this.#rawEscapes;
    this.#rawEscapes = rawEscapes;
    try {
      let result = '';
      this.#buffer.buf = '';
      const words = new Words(this.#buffer);
      while (this.peek() !== EOF) {
        const ch = this.peek();
        if (stop !== EOF && ch === stop) {
          this.next();
          return { result, words: words.done() };
        }
        if (ch === '$') {
          const value = this.processDollar();
          result += value;
          words.addString(value);
        } else if (ch === '<') {
          const value = this.processPossibleHeredoc();
          result += value;
          words.addRaw(value);
        } else if (ch === "'" || ch === '"') {
          const value = ch === "'" ? this.processSingleQuote() : this.processDoubleQuote();
          result += value;
          words.addRaw(value);
        } else {
          let c = this.next();
          if (c === this.o.escapeToken) {
            if (this.#rawEscapes) {
              words.addRaw(c);
              result += c;
            }
            c = this.next();
            if (c === EOF) break;
            words.addRaw(c);
          } else words.addChar(c);
          result += c;
        }
      }
      if (stop !== EOF) throw new ShellError(`unexpected end of statement while looking for matching ${stop}`);
      return { result, words: words.done() };
    } finally {
      this.#rawEscapes = saved;
    }
  }

  processSingleQuote(): string {
    let result = this.next();
    if (!this.o.rawQuotes) result = '';
    for (;;) {
      const ch = this.next();
      if (ch === EOF) throw new ShellError('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") return this.o.rawQuotes ? result + ch : result;
      result += ch;
    }
  }

  processDoubleQuote(): string {
    let result = this.next();
    if (!this.o.rawQuotes) result = '';
    for (;;) {
      const peek = this.peek();
      if (peek === EOF) throw new ShellError('unexpected end of statement while looking for matching double-quote');
      if (peek === '"') {
        const ch = this.next();
        return this.o.rawQuotes ? result + ch : result;
      }
      if (peek === '$') {
        result += this.processDollar();
        continue;
      }
      let ch = this.next();
      if (ch === this.o.escapeToken) {
        if (this.#rawEscapes) result += ch;
        const after = this.peek();
        // An escape token at the end of the word is dropped.
        if (after === EOF) continue;
        if (after === '"' || after === '$' || after === this.o.escapeToken) ch = this.next();
      }
      result += ch;
    }
  }

  processPossibleHeredoc(): string {
    this.next();
    if (this.peek() !== '<') return '<';
    this.next();
    let space = '';
    while (this.peek() === '\t' || this.peek() === '\r' || this.peek() === ' ') space += this.next();
    return `<<${space}`;
  }

  processName(): string {
    let name = '';
    while (this.peek() !== EOF) {
      const ch = this.peek();
      if (name === '' && DIGIT.test(ch)) {
        while (this.peek() !== EOF && DIGIT.test(this.peek())) name += this.next();
        return name;
      }
      if (name === '' && SPECIAL_PARAMS.has(ch)) return this.next();
      if (!LETTER.test(ch) && !DIGIT.test(ch) && ch !== '_') break;
      name += this.next();
    }
    return name;
  }

  getEnv(name: string): { value: string; set: boolean } {
    const value = this.vars(name);
    if (value === undefined) {
      this.unmatched.add(name);
      return { value: '', set: false };
    }
    this.matched.add(name);
    if (value === UNKNOWN) {
      this.unknown.add(name);
      return { value: '', set: true };
    }
    this.substituted = true;
    this.o.budget.expanded(value.length);
    return { value, set: true };
  }

  processDollar(): string {
    this.#depth += 1;
    if (this.#depth > LIMITS.expansionDepth) throw new LimitError(`variable substitutions are nested more than ${LIMITS.expansionDepth} deep`);
    try {
      return this.#dollar();
    } finally {
      this.#depth -= 1;
    }
  }

  #dollar(): string {
    this.next();
    if (this.peek() !== '{') {
      const name = this.processName();
      if (name === '') return '$';
      const { value, set } = this.getEnv(name);
      if (!set && this.o.skipUnsetEnv) return `$${name}`;
      if (!set) this.emptied.add(name);
      return value;
    }
    this.next();
    const first = this.peek();
    if (first === EOF) throw new ShellError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new ShellError('syntax error: bad substitution');
    const name = this.processName();
    let ch = this.next();
    // Go prints the end of input as U+FFFD.
    let chs = ch === EOF ? '\ufffd' : ch;
    let nullIsUnset = false;
    if (ch === '}') {
      const { value, set } = this.getEnv(name);
      if (!set && this.o.skipUnsetEnv) return `\${${name}}`;
      if (!set) this.emptied.add(name);
      return value;
    }
    if (ch === '/') return this.#replace(name);
    if (ch === ':') {
      nullIsUnset = true;
      ch = this.next();
      chs += ch === EOF ? '\ufffd' : ch;
    } else if (!['+', '-', '?', '#', '%'].includes(ch)) {
      throw new ShellError(`unsupported modifier (${chs}) in substitution`);
    }
    const patternOp = ch === '#' || ch === '%';
    if (nullIsUnset && patternOp) throw new ShellError(`unsupported modifier (${chs}) in substitution`);
    const word = this.#until('}', patternOp, "syntax error: missing '}'");
    const { value, set } = this.getEnv(name);
    if (this.o.skipUnsetEnv && !set) return `\${${name}${chs}${word}}`;
    const empty = !set || (nullIsUnset && value === '');
    if (!set && ch !== '-' && ch !== '?') this.emptied.add(name);
    switch (ch) {
      case '-':
        return empty ? word : value;
      case '+':
        return empty ? '' : word;
      case '?':
        if (!set) throw new ShellError(`${name}: ${word !== '' ? word : 'is not allowed to be unset'}`);
        if (nullIsUnset && value === '') throw new ShellError(`${name}: ${word !== '' ? word : 'is not allowed to be empty'}`);
        return value;
      case '#':
      case '%': {
        // `#`/`%` remove the shortest match, `##`/`%%` the longest.
        const longest = word.startsWith(ch);
        const pattern = longest ? word.slice(1) : word;
        return this.#pattern(() => (ch === '%' ? trimSuffix(pattern, value, longest, this.o.budget) : trimPrefix(pattern, value, longest, this.o.budget)));
      }
      default:
        throw new ShellError(`unsupported modifier (${chs}) in substitution`);
    }
  }

  #replace(name: string): string {
    const all = this.peek() === '/';
    if (all) this.next();
    const pattern = this.#until('/', true, "syntax error: missing '/' in ${}");
    const replacement = this.#until('}', true, "syntax error: missing '}'");
    const { value, set } = this.getEnv(name);
    if (this.o.skipUnsetEnv && !set) return `\${${name}/${pattern}/${replacement}}`;
    if (!set) this.emptied.add(name);
    return this.#pattern(() => replacePattern(pattern, value, replacement, all, this.o.budget));
  }

  /** The rest of a `${…}` up to `stop`, with buildkit's message when the word ends first. */
  #until(stop: string, rawEscapes: boolean, atEnd: string): string {
    try {
      return this.processStopOn(stop, rawEscapes).result;
    } catch (e) {
      if (e instanceof ShellError && this.peek() === EOF) throw new ShellError(atEnd);
      throw e;
    }
  }

  #pattern(apply: () => string): string {
    try {
      return apply();
    } catch (e) {
      if (e instanceof PatternError) throw new ShellError(e.message);
      throw e;
    }
  }
}

const PLAIN = /^[^$'"<\\`\s]*$/;

/** Processes one word; throws {@link ShellError} where buildkit fails, or a LimitError. */
export function processWord(word: string, vars: ShellVars, options: LexOptions): LexResult {
  // Most words have nothing to process: no variable, quote, escape, heredoc or blank.
  if (PLAIN.test(word)) {
    const none = new Set<string>();
    return { result: word, words: word === '' ? [] : [word], matched: none, unmatched: none, unknown: none, emptied: none };
  }
  const sw = new ShellWord(word, vars, options);
  let out: { result: string; words: string[] };
  try {
    out = sw.processStopOn(EOF, options.rawEscapes === true);
  } catch (e) {
    if (e instanceof ShellError) throw new ShellError(`failed to process ${JSON.stringify(word)}: ${e.message}`);
    throw e;
  }
  if (sw.substituted) options.budget.expanded(out.result.length);
  return { result: out.result, words: out.words, matched: sw.matched, unmatched: sw.unmatched, unknown: sw.unknown, emptied: sw.emptied };
}
