/**
 * What each Dockerfile instruction pulls, as buildkit's Dockerfile frontend decides it
 * (frontend/dockerfile/instructions/parse.go, dockerfile2llb/convert.go): `FROM` with the global ARGs,
 * `COPY --from=<image>`, `RUN --mount=…,from=<image>`, stage names and indexes, and the errors buildkit
 * stops at. One instruction at a time, in order.
 */
import { parseImageRef } from '../model/imageRef';
import type { ArgSource, ImageOccurrence, ReferenceKind, SkippedOccurrence, SkipReason } from '../model/occurrence';
import type { Range } from '../model/range';
import { checkCopyArguments, checkFlags, checkNameValues, INSTRUCTIONS, stageNameOf } from './dockerfileChecks';
import type { Instruction } from './dockerfileLines';
import type { GlobalArgs, FromExpansion } from './dockerfileScope';
import type { WorkBudget } from './limits';
import { mountFields } from './mountFields';
import { processWord, ShellError } from './shellLex';

/** What one instruction yields. */
export interface InstructionOutcome {
  references: ImageOccurrence[];
  skipped: SkippedOccurrence[];
  /** The first error buildkit would stop at in this instruction. */
  problem?: { message: string; range: Range };
  /** Why the instruction could not be read as buildkit reads it (nothing is taken from it). */
  unread?: { message: string; range: Range };
}

/** The stages of a Dockerfile, from all its FROM lines: `--from` may name any of them (the last of a repeated name). */
export interface StageNames {
  /** Lower-cased name (or `stage-N`) of each stage, in order. */
  names: string[];
  index: Map<string, number>;
}

/** A value as written: its text (quotes excluded) and where. */
interface Written {
  text: string;
  range: Range;
}

const NO_EXPANSION_IN_COPY_FROM = 'variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround';
const NO_EXPANSION_IN_MOUNT_FROM = "'from' doesn't support variable expansion, define alias stage instead";

/** The text of `line` between two offsets and where it is, one pair of surrounding quotes excluded. */
function written(ins: Instruction, start: number, end: number): Written {
  let s = start;
  let e = end;
  const q = ins.line[s];
  if (e - s >= 2 && (q === '"' || q === "'") && ins.line[e - 1] === q) {
    s += 1;
    e -= 1;
  }
  return { text: ins.line.slice(s, e), range: { start: ins.position(s), end: ins.position(e) } };
}

function lineRange(ins: Instruction): Range {
  return { start: ins.position(0), end: ins.position(ins.line.length) };
}

/** What to do about variables that expanded to nothing: pass a build-arg, declaring the ARG first if needed. */
function advice(names: readonly string[], globals: GlobalArgs): string {
  const missing = names.map((n) => (globals.isDeclared(n) ? `pass --build-arg ${n}=<value>` : `declare ARG ${n} before the first FROM and pass --build-arg ${n}=<value>`));
  return `${names.join(', ')} ${names.length === 1 ? 'has' : 'have'} no value; ${missing.join('; ')}`;
}

/** The stages all FROM lines of a Dockerfile define. */
export function stageNames(instructions: readonly Instruction[]): StageNames {
  const index = new Map<string, number>();
  const names: string[] = [];
  for (const ins of instructions) {
    if (ins.parsed.keyword.toLowerCase() !== 'from') continue;
    const { name } = stageNameOf(ins.parsed.args);
    if (name) index.set(name, names.length);
    names.push(name ?? `stage-${names.length}`);
  }
  return { names, index };
}

/** Reads instructions in order. Before the first FROM, ARGs declare the global ARGs; after it, they no longer change. */
export class StagePass {
  /** Lower-cased names of the stages defined so far, for FROM. */
  readonly #earlier = new Set<string>();
  /** Index of the current stage; -1 before the first FROM. */
  #current = -1;

  constructor(
    private readonly file: string,
    private readonly escapeToken: string,
    private readonly globals: GlobalArgs,
    private readonly stages: StageNames,
    private readonly budget: WorkBudget,
  ) {}

  /** Resumes after `instructions`, which include the first FROM, without reading them again: the stages they define. */
  resumeAfter(instructions: readonly Instruction[]): void {
    for (const ins of instructions) {
      if (ins.parsed.keyword.toLowerCase() !== 'from') continue;
      this.#current += 1;
      const { name } = stageNameOf(ins.parsed.args);
      if (name && !ins.parsed.unread) this.#earlier.add(name);
    }
  }

  visit(ins: Instruction): InstructionOutcome {
    const out: InstructionOutcome = { references: [], skipped: [] };
    const report = (message: string): void => {
      out.problem ??= { message, range: lineRange(ins) };
    };
    const { parsed } = ins;
    const keyword = parsed.keyword.toLowerCase();
    if (parsed.unread) {
      // Where the library's words are not buildkit's, neither its references nor its checks are trusted.
      if (keyword === 'from') this.#current += 1;
      out.unread = { message: parsed.unread, range: lineRange(ins) };
      return out;
    }
    if (!INSTRUCTIONS.has(keyword)) {
      report(`unknown instruction: ${parsed.keyword}`);
      return out;
    }
    const flagProblem = checkFlags(keyword, parsed.flags);
    if (flagProblem) report(flagProblem);
    if (keyword !== 'from' && keyword !== 'arg' && this.#current < 0) report('no build stage in current context');
    switch (keyword) {
      case 'arg':
        if (parsed.properties.length === 0) report('ARG requires at least one argument');
        for (const { name, value } of parsed.properties) {
          if (name === '') report('ARG names can not be blank');
          // `ARG NAME value` declares NAME and value, both without a default (buildkit's parseArg).
          if (this.#current >= 0 || name === '') continue;
          this.globals.declare(name, value ? value.text : null, value ? { start: ins.position(value.start), end: ins.position(value.end) } : null);
        }
        break;
      case 'env':
      case 'label': {
        const wrong = checkNameValues(keyword, parsed);
        if (wrong) report(wrong);
        break;
      }
      case 'from':
        this.#from(ins, out, report);
        break;
      case 'copy':
        this.#copy(ins, out, report);
        break;
      case 'run':
        this.#run(ins, out, report);
        break;
      default:
        break;
    }
    return out;
  }

  #skip(out: InstructionOutcome, kind: ReferenceKind, at: Written, reason: SkipReason, message: string): void {
    out.skipped.push({ file: this.file, kind, text: at.text, range: at.range, reason, message });
  }

  #image(out: InstructionOutcome, kind: ReferenceKind, at: Written, value: string, extra: { platform?: string | null; stage?: string | null; argSource?: ArgSource; emptied?: string[] } = {}): void {
    const parsed = parseImageRef(value);
    if (!parsed.ok) {
      const emptied = extra.emptied ?? [];
      if (emptied.length > 0) {
        return this.#skip(out, kind, at, 'variable-unresolved', `${at.text} expands to "${value}", which is not a valid reference (${parsed.message}): ${advice(emptied, this.globals)}`);
      }
      return this.#skip(out, kind, at, 'invalid-reference', parsed.message);
    }
    out.references.push({
      file: this.file, text: at.text, range: at.range, kind, ref: parsed.ref, platform: extra.platform ?? null, stage: extra.stage ?? null,
      ...(extra.argSource ? { argSource: extra.argSource } : {}),
      ...(extra.emptied && extra.emptied.length > 0 ? { emptyVariables: extra.emptied } : {}),
    });
  }

  /** A `--from` stage reference: skipped as a stage, refused when not built yet, or false for an image. */
  #stageRef(out: InstructionOutcome, kind: ReferenceKind, at: Written, value: string, refused: string): boolean {
    const isIndex = kind === 'copy-from' && /^[+-]?\d+$/.test(value);
    const index = isIndex ? Number.parseInt(value, 10) : this.stages.index.get(value.toLowerCase());
    if (index === undefined) return false;
    if (isIndex && (index < 0 || index >= this.stages.names.length)) this.#skip(out, kind, at, 'invalid-reference', `invalid stage index ${index}`);
    else if (index >= this.#current) this.#skip(out, kind, at, 'stage-order', refused);
    else this.#skip(out, kind, at, 'stage-alias', isIndex ? `${value} is the index of a build stage` : `${value} is a build stage of this Dockerfile`);
    return true;
  }

  #from(ins: Instruction, out: InstructionOutcome, report: (message: string) => void): void {
    const words = ins.parsed.args;
    const { name, error } = stageNameOf(words);
    if (error) report(error);
    this.#current += 1;
    const platformFlag = ins.parsed.flags.find((f) => f.name === 'platform')?.value ?? null;
    let platform: string | null = null;
    if (platformFlag !== null) {
      const expanded = this.globals.expand(platformFlag);
      platform = expanded.unresolved || expanded.value === '' ? platformFlag : expanded.value;
    }
    const first = words[0];
    if (first) {
      const at = written(ins, first.start, first.end);
      const stage = words.length === 3 && name ? words[2]!.text : null;
      this.#classifyFrom(out, at, first.text, this.globals.expand(first.text), platform, stage);
    }
    if (name) this.#earlier.add(name);
  }

  #classifyFrom(out: InstructionOutcome, at: Written, word: string, expansion: FromExpansion, platform: string | null, stage: string | null): void {
    if (expansion.unresolved) return this.#skip(out, 'from', at, 'variable-unresolved', expansion.unresolved);
    const value = expansion.value;
    if (value === '') {
      const names = expansion.emptied;
      return this.#skip(out, 'from', at, 'variable-unresolved', names.length > 0
        ? `${word} expands to nothing, and buildkit refuses a blank base name: ${advice(names, this.globals)}`
        : `base name (${word}) should not be blank`);
    }
    // buildkit looks the expanded name up exactly as written among the (lower-cased) earlier stage names.
    if (this.#earlier.has(value)) return this.#skip(out, 'from', at, 'stage-alias', `${value} is a build stage of this Dockerfile`);
    if (value === 'scratch') return this.#skip(out, 'from', at, 'scratch', 'scratch is the empty image, not a pulled image');
    this.#image(out, 'from', at, value, { platform, stage, emptied: expansion.emptied, ...(expansion.source ? { argSource: expansion.source } : {}) });
  }

  #copy(ins: Instruction, out: InstructionOutcome, report: (message: string) => void): void {
    const wrong = checkCopyArguments(ins.line, ins.parsed);
    if (wrong) report(wrong);
    const flag = ins.parsed.flags.find((f) => f.name === 'from');
    if (!flag?.value) return;
    const at = written(ins, flag.valueStart, flag.end);
    const value = flag.value;
    let expanded: string | undefined;
    try {
      expanded = processWord(value, () => undefined, { escapeToken: this.escapeToken, budget: this.budget }).result;
    } catch (e) {
      if (!(e instanceof ShellError)) throw e;
    }
    if (expanded !== value) return this.#skip(out, 'copy-from', at, 'variable-in-from', NO_EXPANSION_IN_COPY_FROM);
    const here = this.stages.names[this.#current] ?? 'stage-0';
    if (this.#stageRef(out, 'copy-from', at, value, `cannot copy from stage ${JSON.stringify(value)}, it needs to be defined before current stage ${JSON.stringify(here)}`)) return;
    this.#image(out, 'copy-from', at, value);
  }

  #run(ins: Instruction, out: InstructionOutcome, report: (message: string) => void): void {
    for (const flag of ins.parsed.flags) {
      if (flag.name !== 'mount' || flag.value === null) continue;
      let fields;
      try {
        fields = mountFields(flag.value);
      } catch (e) {
        report((e as Error).message);
        continue;
      }
      const target = fields.find((f) => ['target', 'dst', 'destination'].includes(f.key))?.value ?? '';
      for (const field of fields) {
        if (field.key !== 'from' || !field.hasValue || field.value === '') continue;
        const start = flag.valueAt[field.valueStart] ?? flag.end;
        const end = field.valueEnd > field.valueStart ? flag.valueAt[field.valueEnd - 1]! + 1 : start;
        const at = written(ins, start, end);
        const dollar = field.value.indexOf('$');
        if (dollar >= 0 && dollar !== field.value.length - 1) {
          this.#skip(out, 'mount-from', at, 'variable-in-from', NO_EXPANSION_IN_MOUNT_FROM);
          continue;
        }
        if (this.#stageRef(out, 'mount-from', at, field.value, `cannot mount from stage ${JSON.stringify(field.value)} to ${JSON.stringify(target)}, stage needs to be defined before current command`)) continue;
        this.#image(out, 'mount-from', at, field.value);
      }
    }
  }
}
