/**
 * Compose interpolation, exactly as compose-go's template package does it (template/template.go,
 * `SubstituteWithOptions` with `DefaultPattern` and `DefaultReplacementAppliedFunc`): `$$` is a literal
 * `$`; `$NAME` and `${NAME}` take the variable's value, blank when unset; `${NAME:-d}`, `${NAME-d}`,
 * `${NAME:+a}`, `${NAME+a}`, `${NAME:?m}` and `${NAME?m}` apply their operator, with defaults expanded in
 * turn; any other `${` is an invalid template. A `${NAME<op>…}` reaches to its first balanced `}`, and the
 * text after it is interpolated on its own, as compose-go's regular expression and brace counting do.
 *
 * compose-go recurses once per substitution on a line; this walks the text once instead, with the same
 * result, and bounds nesting and output (limits.ts).
 */
import { LIMITS, LimitError, type WorkBudget } from './limits';

/** compose-go refuses the text: an invalid template or a required variable without a value. */
export class TemplateError extends Error {}

export interface Interpolation {
  value: string;
  /** Variables that were not set and left their place blank (compose warns about them). */
  unset: string[];
}

const NAME_START = /[_a-zA-Z]/;
const NAME_CHAR = /[_a-zA-Z0-9]/;
const OPERATORS = [':?', '?', ':-', '-', ':+', '+'] as const;

/** `getFirstBraceClosingIndex`: the `}` closing the first `{` (a `{` skips the character after it), or -1. */
function firstClosingBrace(text: string, from: number, to: number): number {
  let open = 0;
  for (let i = from; i < to; i += 1) {
    if (text[i] === '}') {
      open -= 1;
      if (open === 0) return i;
    }
    if (text[i] === '{') {
      open += 1;
      i += 1;
    }
  }
  return -1;
}

class Interpolator {
  readonly unset = new Set<string>();
  constructor(private readonly lookup: (name: string) => string | undefined, private readonly budget: WorkBudget) {}

  value(name: string): string {
    const v = this.lookup(name);
    if (v === undefined) {
      this.unset.add(name);
      return '';
    }
    this.budget.expanded(v.length);
    return v;
  }

  substitute(text: string, depth: number): string {
    if (depth > LIMITS.expansionDepth) throw new LimitError(`variable substitutions are nested more than ${LIMITS.expansionDepth} deep`);
    let out = '';
    let i = 0;
    // The current line's end and its last `}`, found once per line.
    const line = { end: -1, lastBrace: -1 };
    while (i < text.length) {
      const dollar = text.indexOf('$', i);
      if (dollar < 0) {
        out += text.slice(i);
        break;
      }
      out += text.slice(i, dollar);
      const next = text[dollar + 1];
      if (next === '$') {
        out += '$';
        i = dollar + 2;
      } else if (next !== undefined && NAME_START.test(next)) {
        let j = dollar + 2;
        while (j < text.length && NAME_CHAR.test(text[j]!)) j += 1;
        out += this.value(text.slice(dollar + 1, j));
        i = j;
      } else if (next === '{') {
        if (dollar >= line.end) {
          const nl = text.indexOf('\n', dollar);
          line.end = nl < 0 ? text.length : nl;
          line.lastBrace = text.lastIndexOf('}', line.end - 1);
        }
        const { value, end } = this.braced(text, dollar, depth, line.lastBrace);
        out += value;
        i = end;
      } else {
        out += '$';
        i = dollar + 1;
      }
      if (out.length > LIMITS.expansionLength) {
        throw new LimitError(`a variable expansion produces more than ${LIMITS.expansionLength.toLocaleString('en')} characters`);
      }
    }
    return out;
  }

  /** `${…}` starting at `dollar`: its value and where the text after it starts. */
  braced(text: string, dollar: number, depth: number, lastBrace: number): { value: string; end: number } {
    const invalid = () => new TemplateError(`Invalid template: ${JSON.stringify(text)}`);
    let j = dollar + 2;
    if (j >= text.length || !NAME_START.test(text[j]!)) throw invalid();
    while (j < text.length && NAME_CHAR.test(text[j]!)) j += 1;
    const name = text.slice(dollar + 2, j);
    if (text[j] === '}') return { value: this.value(name), end: j + 1 };
    // `(?::?[-+?](.*))?` after the name.
    const operator = OPERATORS.find((o) => text.startsWith(o, j));
    if (!operator) throw invalid();
    // The pattern's `(.*)}` reaches the last `}` of the line; the substitution ends at the first balanced one.
    if (lastBrace < j + operator.length) throw invalid();
    const closing = firstClosingBrace(text, dollar, lastBrace + 1);
    const end = closing < 0 ? lastBrace : closing;
    const argument = text.slice(j + operator.length, end);
    const v = this.lookup(name);
    switch (operator) {
      case ':-':
      case '-':
        if (v === undefined || (operator === ':-' && v === '')) return { value: this.substitute(argument, depth + 1), end: end + 1 };
        return { value: this.value(name), end: end + 1 };
      case ':+':
      case '+':
        if (v !== undefined && (operator === '+' || v !== '')) return { value: this.substitute(argument, depth + 1), end: end + 1 };
        return { value: this.value(name), end: end + 1 };
      default: {
        if (v === undefined || (operator === ':?' && v === '')) {
          const reason = this.substitute(argument, depth + 1);
          throw new TemplateError(reason ? `required variable ${name} is missing a value: ${reason}` : `required variable ${name} is missing a value`);
        }
        return { value: this.value(name), end: end + 1 };
      }
    }
  }
}

/** Interpolates `text`; throws TemplateError where compose refuses it, LimitError past a limit. */
export function interpolate(text: string, lookup: (name: string) => string | undefined, budget: WorkBudget): Interpolation {
  const interpolator = new Interpolator(lookup, budget);
  const value = interpolator.substitute(text, 0);
  return { value, unset: [...interpolator.unset] };
}
