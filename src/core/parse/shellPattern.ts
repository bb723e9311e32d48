/**
 * Shell patterns of buildkit's `${v#p}`, `${v%p}` and `${v/p/r}` (frontend/dockerfile/shell/lex.go,
 * `convertShellPatternToRegex`, `trimPrefix`, `trimSuffix`): `*` is any string, `?` one character,
 * `\` escapes `*`, `?` and `\`, and `\}` and `\/` stand for `}` and `/`; no bracket expressions. Like Go's
 * regular expressions, wildcards never match a newline.
 *
 * Matched here by simulating the pattern's automaton rather than by a JavaScript regular expression,
 * which backtracks and can take exponential time on a hostile pattern; every step is counted against
 * the file's work budget.
 */
import type { WorkBudget } from './limits';

type Token = { kind: 'literal'; ch: string } | { kind: 'any' } | { kind: 'star' };

/** A pattern that buildkit would refuse; the message is buildkit's. */
export class PatternError extends Error {}

/** Compiles a pattern as written inside `${…}` (escapes still in place). */
function compile(pattern: string): Token[] {
  const chars = Array.from(pattern);
  const tokens: Token[] = [];
  for (let i = 0; i < chars.length; i += 1) {
    const ch = chars[i]!;
    if (ch === '*') tokens.push({ kind: 'star' });
    else if (ch === '?') tokens.push({ kind: 'any' });
    else if (ch === '\\') {
      const next = chars[i + 1];
      // `\}` and `\/` only keep `}` and `/` from ending the ${…}: the escape is not part of the pattern.
      if (next === '}' || next === '/') continue;
      if (next !== '*' && next !== '?' && next !== '\\') {
        throw new PatternError(`invalid pattern (${pattern}) in substitution: invalid escape '\\${next ?? ''}'`);
      }
      tokens.push({ kind: 'literal', ch: next });
      i += 1;
    } else tokens.push({ kind: 'literal', ch });
  }
  return tokens;
}

const INACTIVE = Number.POSITIVE_INFINITY;

/** Follows the empty transitions: a `*` may match nothing. */
function close(tokens: Token[], starts: number[]): void {
  for (let j = 0; j < tokens.length; j += 1) {
    if (tokens[j]!.kind === 'star' && starts[j]! < starts[j + 1]!) starts[j + 1] = starts[j]!;
  }
}

/** Advances every active state over one character, keeping the earliest start per state. */
function step(tokens: Token[], starts: number[], ch: string, budget: WorkBudget): number[] {
  budget.patternSteps(tokens.length + 1);
  const next = new Array<number>(tokens.length + 1).fill(INACTIVE);
  for (let j = 0; j < tokens.length; j += 1) {
    const start = starts[j]!;
    if (start === INACTIVE) continue;
    const t = tokens[j]!;
    if (t.kind === 'star') {
      if (ch !== '\n' && start < next[j]!) next[j] = start;
    } else if ((t.kind === 'any' && ch !== '\n') || (t.kind === 'literal' && t.ch === ch)) {
      if (start < next[j + 1]!) next[j + 1] = start;
    }
  }
  close(tokens, next);
  return next;
}

/** The end of the shortest (or longest) match of the whole pattern starting exactly at `from`, or -1. */
function matchAt(tokens: Token[], chars: string[], from: number, longest: boolean, budget: WorkBudget): number {
  let states = new Array<number>(tokens.length + 1).fill(INACTIVE);
  states[0] = from;
  close(tokens, states);
  let found = -1;
  for (let i = from; ; i += 1) {
    if (states[tokens.length] !== INACTIVE) {
      found = i;
      if (!longest) return found;
    }
    if (i === chars.length || states.every((s) => s === INACTIVE)) return found;
    states = step(tokens, states, chars[i]!, budget);
  }
}

/** The leftmost match starting at or after `from`, longest at that start (RE2's answer for greedy `*`). */
function search(tokens: Token[], chars: string[], from: number, budget: WorkBudget): [number, number] | undefined {
  let states = new Array<number>(tokens.length + 1).fill(INACTIVE);
  let best: [number, number] | undefined;
  for (let i = from; ; i += 1) {
    if (!best && i < states[0]!) {
      states[0] = i;
      close(tokens, states);
    }
    const start = states[tokens.length]!;
    if (start !== INACTIVE && (!best || start < best[0] || (start === best[0] && i > best[1]))) best = [start, i];
    if (best) for (let j = 0; j < states.length; j += 1) if (states[j]! > best[0]) states[j] = INACTIVE;
    if (i === chars.length || (best && states.every((s) => s === INACTIVE))) return best;
    states = step(tokens, states, chars[i]!, budget);
  }
}

/** `${v#p}` (shortest) and `${v##p}` (longest): removes the matching prefix. */
export function trimPrefix(pattern: string, value: string, longest: boolean, budget: WorkBudget): string {
  const chars = Array.from(value);
  const end = matchAt(compile(pattern), chars, 0, longest, budget);
  return end < 0 ? value : chars.slice(end).join('');
}

/** `${v%p}` (shortest) and `${v%%p}` (longest): removes the matching suffix, by matching both reversed. */
export function trimSuffix(pattern: string, value: string, longest: boolean, budget: WorkBudget): string {
  const chars = Array.from(value).reverse();
  const end = matchAt(compile(pattern).reverse(), chars, 0, longest, budget);
  return end < 0 ? value : chars.slice(end).reverse().join('');
}

/**
 * Go's `Regexp.Expand` template for the replacement of `${v//p/r}`: `$$` is `$`, and `$name`, `${name}`
 * or `$1` name a group, of which a converted shell pattern has none, so they expand to nothing.
 */
function expandTemplate(replacement: string): string {
  return replacement.replace(/\$(\$|\{[A-Za-z0-9_]*\}|[A-Za-z0-9_]+)?/g, (_, what: string | undefined) => {
    if (what === undefined || what === '$') return '$';
    if (what === '{}') return '${}';
    return '';
  });
}

/** `${v/p/r}` (first match) and `${v//p/r}` (every match, with Go's `ReplaceAllString` rules). */
export function replacePattern(pattern: string, value: string, replacement: string, all: boolean, budget: WorkBudget): string {
  const tokens = compile(pattern);
  const chars = Array.from(value);
  if (!all) {
    const match = search(tokens, chars, 0, budget);
    return match ? [...chars.slice(0, match[0]), replacement, ...chars.slice(match[1])].join('') : value;
  }
  const template = expandTemplate(replacement);
  const out: string[] = [];
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= chars.length) {
    const match = search(tokens, chars, searchPos, budget);
    if (!match) break;
    out.push(...chars.slice(lastMatchEnd, match[0]));
    // No replacement for an empty match right after another match.
    if (match[1] > lastMatchEnd || match[0] === 0) out.push(template);
    lastMatchEnd = match[1];
    searchPos = searchPos + 1 > match[1] ? searchPos + 1 : match[1];
  }
  out.push(...chars.slice(lastMatchEnd));
  return out.join('');
}
