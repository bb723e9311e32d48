/**
 * A Dockerfile split into instructions exactly as buildkit's parser does it (frontend/dockerfile/parser:
 * parser.go `Parse`, directives.go `DirectiveParser`): parser directives only in the leading comment
 * block, line continuations with the escape token, comment and empty lines inside continuations,
 * heredocs with buildkit's rules for their terminator word, and the first error buildkit would stop at.
 * Each instruction, once joined, is read by dockerfile-ast (dockerfileInstruction.ts). Linear in the
 * size of the text; the number of instructions and flags is bounded before the library sees them.
 */
import type { Position, Range } from '../model/range';
import { libraryInput, readInstruction, type ParsedInstruction } from './dockerfileInstruction';
import { LIMITS, LimitError, type WorkBudget } from './limits';
import { processWord, ShellError } from './shellLex';
import { isGoSpace, parseJsonArguments } from './dockerfileWords';

/** One logical instruction, continuation lines joined as buildkit joins them. */
export interface Instruction {
  /** The joined line. */
  line: string;
  /** What dockerfile-ast reads in it (offsets into `line`). */
  parsed: ParsedInstruction;
  /** 0-based lines of the document where the instruction starts and ends (heredoc bodies included). */
  startLine: number;
  endLine: number;
  /** Offsets in the text where the instruction starts and where its last line (line break included) ends. */
  startOffset: number;
  endOffset: number;
  /** Maps an offset into `line` to its place in the document. */
  position(offset: number): Position;
}

/** An instruction line as dockerfile-ast read it, and the flags counted in it. */
export interface ReadLine {
  parsed: ParsedInstruction;
  flags: number;
}

/** Earlier readings of instruction lines, by escape token and joined line (a re-read after an edit). */
export interface ReadLines {
  get(escapeToken: string, line: string): ReadLine | undefined;
  set(escapeToken: string, line: string, read: ReadLine): void;
}

/** A parser directive, e.g. `# escape=\``. */
export interface Directive {
  name: string;
  value: string;
  line: number;
}

export interface DockerfileLines {
  escapeToken: string;
  instructions: Instruction[];
  directives: Directive[];
  /** The first error buildkit's parser stops at, if any. */
  error?: { message: string; range: Range };
}

const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/;
const VALID_DIRECTIVES = new Set(['syntax', 'escape', 'check']);
const HEREDOC_WORD = /^(\d*)<<(-?)[\t\n\f\r ]*([^<]*)$/;

/** `DirectiveParser.ParseLine`: a directive while the leading comment block lasts. */
export class DirectiveParser {
  #done = false;
  readonly #seen = new Set<string>();
  constructor(private readonly comment = '#') {}

  parseLine(line: string, index: number): Directive | undefined {
    if (this.#done) return undefined;
    if (!line.startsWith(this.comment)) {
      this.#done = true;
      return undefined;
    }
    let i = this.comment.length;
    while (i < line.length && isGoSpace(line[i])) i += 1;
    const m = DIRECTIVE.exec(line.slice(i));
    const name = m?.[1]?.toLowerCase();
    if (!m || !name || !VALID_DIRECTIVES.has(name)) {
      this.#done = true;
      return undefined;
    }
    if (this.#seen.has(name)) throw new Error(`only one ${name} parser directive can be used`);
    this.#seen.add(name);
    return { name, value: m[2]!, line: index };
  }
}

/** The physical lines of a text, each with its offset, without its line ending, and where the next begins. */
function physicalLines(text: string): { start: number; text: string; next: number }[] {
  const lines: { start: number; text: string; next: number }[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const next = nl < 0 ? text.length : nl + 1;
    let end = nl < 0 ? text.length : nl;
    while (end > start && text[end - 1] === '\r') end -= 1;
    lines.push({ start, text: text.slice(start, end), next });
    start = next;
  }
  return lines;
}

function isComment(line: string): boolean {
  let i = 0;
  while (i < line.length && isGoSpace(line[i])) i += 1;
  return line[i] === '#';
}

/** `trimContinuationCharacter`: the line without a trailing escape token (and blanks), and whether it continued. */
function trimContinuation(line: string, escape: string): { text: string; continues: boolean } {
  let end = line.length;
  while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t')) end -= 1;
  if (end === 0 || line[end - 1] !== escape) return { text: line, continues: false };
  // An escape token preceded by another one is an escaped escape token, not a continuation.
  if (end >= 2 && line[end - 2] === escape) return { text: line, continues: false };
  return { text: line.slice(0, end - 1), continues: true };
}

/** The heredoc terminators an instruction line opens (`heredocsFromLine`), with buildkit's quoting rules. */
function heredocsOf(line: string, budget: WorkBudget): { name: string; chomp: boolean }[] {
  const lex = { escapeToken: '\\', skipUnsetEnv: true, budget };
  let words: string[] = [];
  try {
    words = processWord(line, () => undefined, { ...lex, rawQuotes: true, rawEscapes: true }).words;
  } catch (e) {
    if (!(e instanceof ShellError)) throw e;
  }
  const docs: { name: string; chomp: boolean }[] = [];
  for (const word of words) {
    const m = HEREDOC_WORD.exec(word);
    if (!m || m[3] === '') continue;
    // The word with its quotes removed names the terminator: `<<eo'f'` ends at `eof`.
    const names = processWord(m[3]!, () => undefined, lex).words;
    if (names.length === 1) docs.push({ name: names[0]!, chomp: m[2] === '-' });
  }
  return docs;
}

const HEREDOC_INSTRUCTIONS = new Set(['add', 'copy', 'run']);

/** Whether an instruction may carry heredocs (`canContainHeredoc`): ADD, COPY and RUN, also under ONBUILD, not in JSON form. */
function canContainHeredoc(line: string, parsed: ParsedInstruction): boolean {
  const { keyword, argsStart } = parsed.keyword.toLowerCase() === 'onbuild' ? (parsed.trigger ?? { keyword: '', argsStart: 0 }) : parsed;
  if (!HEREDOC_INSTRUCTIONS.has(keyword.toLowerCase())) return false;
  return parseJsonArguments(line.slice(argsStart).trim()) === undefined;
}

function isBlank(line: string): boolean {
  for (const ch of line) if (!isGoSpace(ch)) return false;
  return true;
}

/**
 * Splits a Dockerfile into instructions, each read by dockerfile-ast unless `known` read the same line
 * before; never throws except a LimitError. The bounds on instructions and flags are checked before
 * the library is given an instruction.
 */
export function readDockerfileLines(text: string, budget: WorkBudget, known?: ReadLines): DockerfileLines {
  const lines = physicalLines(text.startsWith('\ufeff') ? ` ${text.slice(1)}` : text);
  const out: DockerfileLines = { escapeToken: '\\', instructions: [], directives: [] };
  const directives = new DirectiveParser();
  let flagCount = 0;
  const lineRange = (line: number): Range => ({
    start: { line, character: 0 }, end: { line, character: lines[line]?.text.length ?? 0 },
  });
  const fail = (message: string, line: number): DockerfileLines => {
    out.error ??= { message, range: lineRange(Math.min(line, Math.max(lines.length - 1, 0))) };
    return out;
  };

  /** processLine: trims the line ending (and leading blanks on a first line), feeds the directive parser, drops comments. */
  const processLine = (i: number, stripLeft: boolean): { text: string; lead: number } | Error => {
    let t = lines[i]!.text;
    let lead = 0;
    if (stripLeft) while (lead < t.length && isGoSpace(t[lead])) lead += 1;
    t = t.slice(lead);
    try {
      const directive = directives.parseLine(t, i);
      if (directive) {
        out.directives.push(directive);
        if (directive.name === 'escape') {
          if (directive.value !== '`' && directive.value !== '\\') {
            return new Error(`invalid escape token '${directive.value}' does not match \` or \\`);
          }
          out.escapeToken = directive.value;
        }
      }
    } catch (e) {
      return e as Error;
    }
    return { text: isComment(t) ? '' : t, lead };
  };

  for (let i = 0; i < lines.length; i += 1) {
    const first = processLine(i, true);
    if (first instanceof Error) return fail(first.message, i);
    const startLine = i;
    let { text: joined, continues } = trimContinuation(first.text, out.escapeToken);
    if (!continues && joined.length === 0) continue;
    const segments = [{ offset: 0, line: i, character: first.lead }];
    while (continues && i + 1 < lines.length) {
      i += 1;
      const next = processLine(i, false);
      if (next instanceof Error) return fail(next.message, i);
      if (isComment(lines[i]!.text)) continue;
      if (isBlank(next.text)) continue;
      const trimmed = trimContinuation(next.text, out.escapeToken);
      segments.push({ offset: joined.length, line: i, character: 0 });
      joined += trimmed.text;
      continues = trimmed.continues;
    }
    const position = (offset: number): Position => {
      let lo = 0;
      let hi = segments.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (segments[mid]!.offset <= offset) lo = mid;
        else hi = mid - 1;
      }
      const s = segments[lo]!;
      return { line: s.line, character: s.character + offset - s.offset };
    };
    if (out.instructions.length >= LIMITS.instructions) {
      throw new LimitError(`the Dockerfile has more than ${LIMITS.instructions.toLocaleString('en')} instructions`, lineRange(startLine));
    }
    let read = known?.get(out.escapeToken, joined);
    const bound = read ? undefined : libraryInput(joined);
    flagCount += read ? read.flags : bound!.flags;
    if (flagCount > LIMITS.flags) {
      throw new LimitError(`the Dockerfile has more than ${LIMITS.flags.toLocaleString('en')} flags`, lineRange(startLine));
    }
    // A line of nothing but continuations is an instruction without a name, which buildkit refuses.
    read ??= { parsed: readInstruction(joined, out.escapeToken, bound!.end), flags: bound!.flags };
    known?.set(out.escapeToken, joined, read);
    const { parsed } = read;
    const instruction: Instruction = {
      line: joined, parsed, startLine, endLine: i, startOffset: lines[startLine]!.start, endOffset: lines[i]!.next, position,
    };
    if (joined.includes('<<') && canContainHeredoc(joined, parsed)) {
      let heredocs: { name: string; chomp: boolean }[];
      try {
        heredocs = heredocsOf(joined, budget);
      } catch (e) {
        if (!(e instanceof ShellError)) throw e;
        return fail(e.message, startLine);
      }
      for (const doc of heredocs) {
        let terminated = false;
        while (i + 1 < lines.length) {
          i += 1;
          const candidate = doc.chomp ? lines[i]!.text.replace(/^\t+/, '') : lines[i]!.text;
          if (candidate === doc.name) {
            terminated = true;
            break;
          }
        }
        if (!terminated) {
          out.instructions.push({ ...instruction, endLine: i, endOffset: lines[i]?.next ?? text.length });
          return fail('unterminated heredoc', startLine);
        }
      }
      instruction.endLine = i;
      instruction.endOffset = lines[i]!.next;
    }
    out.instructions.push(instruction);
  }
  if (out.instructions.length === 0) return fail('file with no instructions', 0);
  return out;
}
