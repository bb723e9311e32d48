/**
 * One Dockerfile instruction read by dockerfile-ast: its keyword, flags, arguments and ARG/ENV/LABEL
 * properties, each with where it is written. The splitter (dockerfileLines.ts) hands over one logical
 * instruction at a time, joined as buildkit joins it, so the library never decides where an
 * instruction or a heredoc ends. Where the library reads differently from buildkit's Dockerfile
 * frontend, its tokens are interpreted by buildkit's rules here:
 * - flags are the leading `--` words only (`extractBuilderFlags`), and a flag's value has its quotes
 *   and escapes removed;
 * - the words of ARG, ENV and LABEL are the library's property arguments, one per word, even where the
 *   library groups `NAME value` into one property (buildkit's `parseArg` declares both names);
 * - a byte-order mark is part of the keyword except at the very start of the file (the splitter drops
 *   that one, as buildkit does), where the library would drop it from any instruction it is given.
 * Where the library's words cannot be mapped onto buildkit's, the instruction is marked `unread` and
 * nothing is taken from it (see {@link unreadable}).
 *
 * The library is given at most what reference finding and buildkit's checks read: the whole of ARG,
 * ENV and LABEL, and of any other instruction its keyword, its flags and the few words after them
 * (see {@link libraryInput}), so a long RUN line costs it nothing.
 */
import { DockerfileParser, Instruction, ModifiableInstruction, Onbuild, PropertyInstruction, type Argument } from 'dockerfile-ast';
import { INSTRUCTIONS } from './dockerfileChecks';
import { isGoSpace, unquoteFlagValue } from './dockerfileWords';
import { LIMITS } from './limits';

/** A word of an instruction: its text as written and its offsets in the instruction's line. */
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

/** An ARG, ENV or LABEL word split at its first `=`: the name, and the value as written (quotes kept) or null. */
export interface NameValue {
  name: string;
  value: Word | null;
  /** The whole word as written. */
  word: Word;
}

/** What one instruction holds, in offsets of its line, so that it can be reused wherever that line appears. */
export interface ParsedInstruction {
  /** The keyword as written, e.g. `from`; empty for a line of nothing but continuations. */
  keyword: string;
  flags: Flag[];
  /** The arguments after the flags, split at blanks; for instructions other than ARG/ENV/LABEL, the first few only. */
  args: Word[];
  /** Offset where the arguments after the flags begin; the line's length when there are none. */
  argsStart: number;
  /** The words of ARG, ENV and LABEL (blanks inside quotes kept), each split at its first `=`. */
  properties: NameValue[];
  /** For ONBUILD: the keyword of the instruction it registers, and where that one's arguments begin. */
  trigger?: { keyword: string; argsStart: number };
  /** Why the library's reading of this instruction is not buildkit's; nothing else in it is then used. */
  unread?: string;
}

/** A position as the library gives it. */
type LibraryPosition = ReturnType<Argument['getRange']>['start'];

/** Words after the flags the library is given for instructions other than ARG, ENV and LABEL: FROM needs four to tell one or three from more. */
const WORDS_AFTER_FLAGS = 4;
const PROPERTY_INSTRUCTIONS = new Set(['arg', 'env', 'label']);

const isBlank = (ch: string | undefined): boolean => ch === ' ' || ch === '\t';

/**
 * The text handed to the library, blanks as buildkit splits them (`\r`, `\v`, `\f` are blanks to it)
 * so the library splits where buildkit does, with every offset kept.
 */
function normalised(line: string): string {
  return /[\r\v\f]/.test(line) ? line.replace(/[\r\v\f]/g, ' ') : line;
}

/**
 * The bound on what the library reads of one instruction, checked before it sees the line: how many
 * flags it has (counted up to one past the limit per file) and where the library's input ends. The
 * keyword (and ONBUILD's trigger), the leading `--` words and four more words; all of ARG, ENV and
 * LABEL.
 */
export function libraryInput(line: string): { end: number; flags: number } {
  const text = normalised(line);
  let i = 0;
  const word = (): number => {
    while (i < text.length && isBlank(text[i])) i += 1;
    const start = i;
    while (i < text.length && !isBlank(text[i])) i += 1;
    return start;
  };
  const keyword = text.slice(word(), i).toLowerCase();
  if (keyword === 'onbuild') word();
  let flags = 0;
  for (;;) {
    const start = word();
    if (start === i || text[start] !== '-' || text[start + 1] !== '-') {
      i = start;
      break;
    }
    if (i - start === 2) break;
    flags += 1;
    if (flags > LIMITS.flags) return { end: i, flags };
  }
  if (PROPERTY_INSTRUCTIONS.has(keyword)) return { end: text.length, flags };
  let end = i;
  for (let n = 0; n < WORDS_AFTER_FLAGS; n += 1) {
    const start = word();
    if (start === i) break;
    end = i;
  }
  return { end, flags };
}

/**
 * Parses the library's input for one instruction, after the escape directive: the instruction is then
 * never at the start of the library's document, where it would drop a byte-order mark.
 */
function parseWithLibrary(input: string, escapeToken: string): { ins: Instruction | undefined; line: number } {
  const ins = DockerfileParser.parse(`# escape=${escapeToken}\n${input}`).getInstructions()[0];
  return { ins, line: 1 };
}

/**
 * Reads one instruction with dockerfile-ast. `line` is the instruction as buildkit joins it (never a
 * line break in it) and `end` where the library's input ends ({@link libraryInput}).
 */
export function readInstruction(line: string, escapeToken: string, end = libraryInput(line).end): ParsedInstruction {
  const { ins, line: at } = parseWithLibrary(normalised(line.slice(0, end)), escapeToken);
  if (!ins) return { keyword: '', flags: [], args: [], argsStart: line.length, properties: [] };
  const offset = (r: LibraryPosition): number => (r.line === at ? r.character : r.line < at ? 0 : end);
  const word = (a: Argument): Word => {
    const r = a.getRange();
    const start = offset(r.start);
    const stop = offset(r.end);
    return { text: line.slice(start, stop), start, end: stop };
  };
  const split = splitFlags(Instruction.prototype.getArguments.call(ins).map(word), line.length);
  const parsed: ParsedInstruction = {
    keyword: ins.getInstruction(),
    flags: flagsOf(ins, split.flagWords, line, escapeToken, offset),
    args: split.args,
    argsStart: split.argsStart,
    properties: ins instanceof PropertyInstruction ? propertiesOf(ins, word).filter((p) => p.word.start >= split.argsStart) : [],
  };
  const unread = unreadable(normalised(line.slice(0, end)), escapeToken, parsed, offset(ins.getInstructionRange().end), split.flagWords);
  if (unread) parsed.unread = unread;
  if (ins instanceof Onbuild) {
    const trigger = ins.getTriggerInstruction();
    const keyword = ins.getTriggerWord();
    if (trigger && keyword !== null) {
      // The trigger's arguments, after the trigger word itself.
      const rest = Instruction.prototype.getArguments.call(trigger).map(word);
      parsed.trigger = { keyword, argsStart: splitFlags(rest, line.length).argsStart };
    }
  }
  return parsed;
}

/**
 * Whether `extractBuilderFlags` would end the flag word elsewhere: a blank outside quotes inside it
 * (Go's `unicode.IsSpace`, wider than the library's blanks), or a quote still open at its end with
 * more text after it on the line.
 */
function flagEndsElsewhere(line: string, word: Word, escapeToken: string): boolean {
  let quote = '';
  for (let i = word.start; i < word.end; i += 1) {
    const ch = line[i];
    if (ch === escapeToken) i += 1;
    else if (quote === '' && (ch === '"' || ch === "'")) quote = ch;
    else if (ch === quote) quote = '';
    else if (quote === '' && isGoSpace(ch)) return true;
  }
  return quote !== '' && line.slice(word.end).trim() !== '';
}

/**
 * Why the library's words of an instruction are not the ones buildkit reads, where that decides what is
 * pulled (the keyword, the flags, FROM's words, the names ARG declares); undefined when they are the same.
 * - The library takes the escape token followed by blanks as a line continuation anywhere in a line;
 *   buildkit only at the end of a physical line (parser.go `trimContinuationCharacter`), and those the
 *   splitter has joined already. To buildkit one left in the line escapes the blank in a flag
 *   (split_command.go `extractBuilderFlags`) and is a character of FROM's words
 *   (line_parsers.go `parseStringsWhitespaceDelimited`).
 * - A flag ends at the first blank outside quotes (`extractBuilderFlags`); the library may end it
 *   elsewhere (at a blank inside quotes, or past a blank after `$`).
 * - FROM's words are split at every blank (`parseStringsWhitespaceDelimited`).
 * - ARG, ENV and LABEL with words but none the library reads as a name or value.
 */
function unreadable(input: string, escapeToken: string, parsed: ParsedInstruction, keywordEnd: number, flagWords: readonly Word[]): string | undefined {
  const keyword = parsed.keyword.toLowerCase();
  // An unknown keyword is refused whatever follows it.
  if (!INSTRUCTIONS.has(keyword)) return undefined;
  const flagsEnd = flagWords.length > 0 ? flagWords[flagWords.length - 1]!.end : 0;
  const upTo = keyword === 'from' ? input.length : Math.max(keywordEnd, flagsEnd);
  for (let i = 0; i < upTo; i += 1) {
    if (input[i] !== escapeToken) continue;
    if (isBlank(input[i + 1])) {
      return `the escape character ${escapeToken} followed by a blank within a line, which buildkit and the Dockerfile library read differently; remove the blank or the ${escapeToken}`;
    }
    i += 1;
  }
  if (flagWords.some((w) => flagEndsElsewhere(input, w, escapeToken))) {
    return 'a flag that buildkit and the Dockerfile library end in different places (a blank or an open quote inside it); write the flag without blanks and close its quotes';
  }
  if (keyword === 'from' && parsed.args.some((w) => /[\t ]/.test(input.slice(w.start, w.end)))) {
    return 'a FROM word with a blank inside it, which buildkit and the Dockerfile library read differently';
  }
  if (PROPERTY_INSTRUCTIONS.has(keyword) && parsed.properties.length === 0 && parsed.args.length > 0) {
    return `${keyword.toUpperCase()} words the Dockerfile library does not read as names and values`;
  }
  return undefined;
}

/** buildkit's `extractBuilderFlags` on the library's words: the leading `--` words are flags; a bare `--` ends them. */
function splitFlags(words: Word[], lineLength: number): { flagWords: Word[]; args: Word[]; argsStart: number } {
  let n = 0;
  let skip = 0;
  while (n < words.length && words[n]!.text.startsWith('--')) {
    if (words[n]!.text === '--') {
      skip = 1;
      break;
    }
    n += 1;
  }
  const args = words.slice(n + skip);
  return { flagWords: words.slice(0, n), args, argsStart: args[0]?.start ?? lineLength };
}

/**
 * The flags among the leading `--` words: the library's flags (name, value range) where it reads them
 * (FROM, COPY, RUN and the other instructions that take flags), else the words' names, for the check
 * that such an instruction takes none.
 */
function flagsOf(ins: Instruction, flagWords: Word[], line: string, escapeToken: string, offset: (p: LibraryPosition) => number): Flag[] {
  if (flagWords.length === 0) return [];
  const leading = new Map(flagWords.map((w) => [w.start, w]));
  // `extractBuilderFlags` removes quotes from the whole flag word, its name included (`--f"rom"=x` is --from).
  const nameOf = (written: string): string => unquoteFlagValue(written, escapeToken).text;
  if (!(ins instanceof ModifiableInstruction)) {
    return flagWords.map((w) => {
      const eq = w.text.indexOf('=');
      return { name: nameOf((eq < 0 ? w.text : w.text.slice(0, eq)).slice(2)), value: null, start: w.start, end: w.end, valueStart: w.end, valueAt: [] };
    });
  }
  const flags: Flag[] = [];
  for (const flag of ins.getFlags()) {
    const w = leading.get(offset(flag.getRange().start));
    if (!w) continue;
    const valueRange = flag.getValueRange();
    if (flag.getValue() === null || !valueRange) {
      flags.push({ name: nameOf(flag.getName()), value: null, start: w.start, end: w.end, valueStart: w.end, valueAt: [] });
      continue;
    }
    const valueStart = offset(valueRange.start);
    const { text, at } = unquoteFlagValue(line.slice(valueStart, w.end), escapeToken);
    flags.push({ name: nameOf(flag.getName()), value: text, start: w.start, end: w.end, valueStart, valueAt: at.map((a) => valueStart + a) });
  }
  return flags;
}

/**
 * The words of ARG, ENV and LABEL (the library's property arguments: blanks inside quotes kept), each
 * split at its first `=` as buildkit's `parseNameOrNameVal` does. The library's own grouping of
 * `NAME value…` into one property is the legacy ENV form, which buildkit's ARG reads as more names.
 */
function propertiesOf(ins: PropertyInstruction, word: (a: Argument) => Word): NameValue[] {
  return ins.getPropertyArguments().map((a) => nameValue(word(a)));
}

function nameValue(w: Word): NameValue {
  const eq = w.text.indexOf('=');
  if (eq < 0) return { name: w.text, value: null, word: w };
  return { name: w.text.slice(0, eq), value: { text: w.text.slice(eq + 1), start: w.start + eq + 1, end: w.end }, word: w };
}
