/**
 * Variable expansion shared by Dockerfiles (docker's shell-word rules) and compose files
 * (compose interpolation). Supports `$V`, `${V}`, `${V:-d}`, `${V-d}`, `${V:+a}`, `${V+a}`,
 * `${V:?err}` and `${V?err}`, nested in defaults. Unlike docker, an unset variable is not silently
 * empty: it is reported in `unresolved`, so a reference that depends on it is never checked by guess.
 */

/** How to expand one word. */
export interface ExpandOptions {
  /** Looks up a variable; `undefined` means unset, `''` means set and empty. */
  lookup(name: string): string | undefined;
  /** The escape character (`\` or a backtick in Dockerfiles), or null for none (compose). */
  escapeChar: string | null;
  /** Whether single and double quotes are syntax (Dockerfiles) or plain characters (compose values). */
  quotes: boolean;
  /** Whether `$$` stands for a literal `$` (compose). */
  dollarEscape: boolean;
}

/** The outcome of an expansion. */
export interface Expansion {
  value: string;
  /** Names of variables that had no value where one was needed. */
  unresolved: string[];
  /** Problems such as `${V:?message}` on an unset variable, or a missing `}`. */
  errors: string[];
  /** Every variable name the text refers to, in order. */
  variables: string[];
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

class Expander {
  readonly unresolved: string[] = [];
  readonly errors: string[] = [];
  readonly variables: string[] = [];

  constructor(private readonly options: ExpandOptions) {}

  /** Expands `text` from `start` until the end, or until an unmatched `}` when `inBraces`. */
  word(text: string, start: number, inBraces: boolean): { value: string; end: number } {
    const { escapeChar, quotes, dollarEscape } = this.options;
    let out = '';
    let i = start;
    let inDouble = false;
    while (i < text.length) {
      const ch = text[i] as string;
      if (inBraces && !inDouble && ch === '}') return { value: out, end: i };
      if (escapeChar !== null && ch === escapeChar && i + 1 < text.length) {
        out += text[i + 1];
        i += 2;
      } else if (quotes && !inDouble && ch === "'") {
        const close = text.indexOf("'", i + 1);
        if (close === -1) {
          this.errors.push('unterminated single quote');
          return { value: out + text.slice(i + 1), end: text.length };
        }
        out += text.slice(i + 1, close);
        i = close + 1;
      } else if (quotes && ch === '"') {
        inDouble = !inDouble;
        i += 1;
      } else if (ch === '$') {
        const next = text[i + 1];
        if (dollarEscape && next === '$') {
          out += '$';
          i += 2;
        } else if (next === '{') {
          const braced = this.braced(text, i + 2);
          out += braced.value;
          i = braced.end;
        } else if (next !== undefined && NAME_START.test(next)) {
          let j = i + 1;
          while (j < text.length && NAME_CHAR.test(text[j] as string)) j += 1;
          out += this.value(text.slice(i + 1, j));
          i = j;
        } else {
          out += '$';
          i += 1;
        }
      } else {
        out += ch;
        i += 1;
      }
    }
    if (inDouble) this.errors.push('unterminated double quote');
    if (inBraces) this.errors.push("missing '}'");
    return { value: out, end: i };
  }

  /** Expands `${…}` whose name starts at `start`; returns the value and the index after `}`. */
  private braced(text: string, start: number): { value: string; end: number } {
    let j = start;
    while (j < text.length && NAME_CHAR.test(text[j] as string)) j += 1;
    const name = text.slice(start, j);
    if (name === '' || !NAME_START.test(name[0] as string)) {
      this.errors.push(`bad substitution at "${text.slice(start - 2)}"`);
      this.unresolved.push(name || '?');
      return { value: '', end: this.skipToClose(text, j) };
    }
    const op = /^(:-|:\+|:\?|-|\+|\?)/.exec(text.slice(j))?.[0];
    if (op === undefined) {
      if (text[j] !== '}') {
        this.errors.push(`unsupported substitution in "\${${name}${text.slice(j, this.skipToClose(text, j))}"`);
        this.unresolved.push(name);
        return { value: '', end: this.skipToClose(text, j) };
      }
      return { value: this.value(name), end: j + 1 };
    }
    this.variables.push(name);
    const current = this.options.lookup(name);
    const emptyCounts = op.startsWith(':');
    const isSet = current !== undefined && (!emptyCounts || current !== '');
    // The alternative word is expanded only when it is used, so its own unset variables count only then.
    const sub = new Expander(this.options);
    const word = sub.word(text, j + op.length, true);
    const end = word.end < text.length ? word.end + 1 : word.end;
    const take = (): string => {
      this.unresolved.push(...sub.unresolved);
      this.errors.push(...sub.errors);
      this.variables.push(...sub.variables);
      return word.value;
    };
    switch (op.slice(-1)) {
      case '-':
        return { value: isSet ? (current as string) : take(), end };
      case '+':
        return { value: isSet ? take() : '', end };
      default: {
        if (isSet) return { value: current as string, end };
        const message = take();
        this.errors.push(message ? `${name}: ${message}` : `required variable ${name} is missing a value`);
        this.unresolved.push(name);
        return { value: '', end };
      }
    }
  }

  private value(name: string): string {
    this.variables.push(name);
    const v = this.options.lookup(name);
    if (v === undefined) {
      this.unresolved.push(name);
      return '';
    }
    return v;
  }

  private skipToClose(text: string, from: number): number {
    const close = text.indexOf('}', from);
    return close === -1 ? text.length : close + 1;
  }
}

/** Expands every variable in `text`. Never throws. */
export function expand(text: string, options: ExpandOptions): Expansion {
  const expander = new Expander(options);
  const { value } = expander.word(text, 0, false);
  return { value, unresolved: expander.unresolved, errors: expander.errors, variables: expander.variables };
}

/** Expansion options for a Dockerfile word with the given escape character. */
export function dockerfileWord(lookup: (name: string) => string | undefined, escapeChar = '\\'): ExpandOptions {
  return { lookup, escapeChar, quotes: true, dollarEscape: false };
}

/** Expansion options for a compose value (already unquoted by YAML). */
export function composeValue(lookup: (name: string) => string | undefined): ExpandOptions {
  return { lookup, escapeChar: null, quotes: false, dollarEscape: true };
}

/** Describes why an expansion could not be completed, e.g. `variable TAG has no value`. */
export function unresolvedMessage(expansion: Expansion): string {
  const names = [...new Set(expansion.unresolved)].join(', ');
  const detail = expansion.errors.length > 0 ? ` (${expansion.errors.join('; ')})` : '';
  return `variable ${names} has no value${detail}`;
}
