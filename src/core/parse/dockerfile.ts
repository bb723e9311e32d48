import { parseImageRef } from '../model/imageRef';
import { emptyScan, type ScanResult } from '../model/occurrence';
import { readDockerfileLines, type Instruction, type ReadLine, type ReadLines } from './dockerfileLines';
import { GlobalArgs } from './dockerfileScope';
import { StagePass, stageNames, type InstructionOutcome } from './dockerfileStages';
import { detectSyntax } from './dockerfileSyntax';
import { WorkBudget, type WorkUsed } from './limits';

/** Options for scanning a Dockerfile. */
export interface DockerfileScanOptions {
  /** `--build-arg` values, which override ARG defaults. */
  buildArgs?: ReadonlyMap<string, string>;
}

/** What a read of a document leaves for the next read of it. */
interface Previous {
  text: string;
  file: string;
  buildArgs: string;
  escapeToken: string;
  instructions: Instruction[];
  stages: string[];
  /** Index of the first FROM (the global ARGs are final after it), or -1. */
  firstFrom: number;
  globals: GlobalArgs;
  outcomes: InstructionOutcome[];
  /** Expansion work of the instructions up to and including each one. */
  work: WorkUsed[];
}

/** What the last read did again, for tests and measurements. */
export interface ReadStats {
  /** Instructions read by the Dockerfile library (the others were the same as in an earlier read). */
  parsed: number;
  /** The first instruction whose references were worked out again; the ones before it were kept. */
  resumedAt: number;
  instructions: number;
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i += 1;
  return i;
}

/**
 * Finds every image a Dockerfile pulls, as buildkit's Dockerfile frontend reads it: `FROM`,
 * `COPY --from=<image>`, `RUN --mount=…,from=<image>` and the `syntax` directive. Stage names, stage
 * indexes and `scratch` are skipped with a reason; values buildkit refuses are skipped with its reason;
 * a file buildkit would not build gets an error with buildkit's message. Never throws, except a
 * LimitError when the file exceeds a hard limit.
 */
export function scanDockerfile(file: string, text: string, options: DockerfileScanOptions = {}): ScanResult {
  return new DockerfileReader().read(file, text, options);
}

/**
 * Reads one document again and again as it is edited, with the same results as reading it afresh
 * ({@link scanDockerfile}):
 * - an instruction whose joined text was in the previous read is not given to the library again;
 * - the references of the instructions before the first changed one are kept, and the rest are worked
 *   out from there with the global ARGs and stages the earlier ones defined. A change before the end
 *   of the first FROM (where the global ARGs are declared), or to the list of stages, works out every
 *   instruction again, still without parsing the unchanged ones.
 * Holds one copy of the document's text and its parsed instructions; nothing of older versions.
 */
export class DockerfileReader {
  /** Parsed instructions by escape token and joined line. */
  #parsed = new Map<string, Map<string, ReadLine>>();
  #previous: Previous | undefined;
  #stats: ReadStats = { parsed: 0, resumedAt: 0, instructions: 0 };

  get stats(): ReadStats {
    return this.#stats;
  }

  read(file: string, text: string, options: DockerfileScanOptions = {}): ScanResult {
    const previous = this.#previous;
    // A read that fails (a limit) leaves nothing to resume from.
    this.#previous = undefined;
    const budget = new WorkBudget();
    const parsed = new Map<string, Map<string, ReadLine>>();
    let fresh = 0;
    const known: ReadLines = {
      get: (escapeToken, line) => parsed.get(escapeToken)?.get(line) ?? this.#parsed.get(escapeToken)?.get(line),
      set: (escapeToken, line, read) => {
        let lines = parsed.get(escapeToken);
        if (!lines) parsed.set(escapeToken, (lines = new Map()));
        if (lines.has(line)) return;
        if (this.#parsed.get(escapeToken)?.get(line) !== read) fresh += 1;
        lines.set(line, read);
      },
    };
    const doc = readDockerfileLines(text, budget, known);
    // Only the lines of this version are kept.
    this.#parsed = parsed;

    const buildArgs = options.buildArgs ?? new Map<string, string>();
    const argsKey = JSON.stringify([...buildArgs]);
    const stages = stageNames(doc.instructions);
    const { instructions } = doc;
    const afterSplit = budget.used;
    let start = previous ? this.#unchangedPrefix(previous, { text, file, buildArgs: argsKey, escapeToken: doc.escapeToken, instructions, stages: stages.names }) : 0;
    // The kept instructions' expansion work counts again, so that a limit falls where a fresh read puts it.
    if (start > 0 && !budget.add(previous!.work[start - 1]!)) start = 0;

    let globals: GlobalArgs;
    let outcomes: InstructionOutcome[];
    let work: WorkUsed[];
    if (start > 0) {
      globals = previous!.globals;
      globals.budget = budget;
      outcomes = previous!.outcomes.slice(0, start);
      work = previous!.work.slice(0, start);
    } else {
      globals = new GlobalArgs(buildArgs, doc.escapeToken, budget);
      outcomes = [];
      work = [];
    }
    const pass = new StagePass(file, doc.escapeToken, globals, stages, budget);
    pass.resumeAfter(instructions.slice(0, start));
    for (let i = start; i < instructions.length; i += 1) {
      outcomes.push(pass.visit(instructions[i]!));
      const used = budget.used;
      work.push({ expanded: used.expanded - afterSplit.expanded, patternSteps: used.patternSteps - afterSplit.patternSteps });
    }

    const result = emptyScan();
    const syntax = detectSyntax(text);
    if (syntax) {
      const ref = parseImageRef(syntax.value);
      if (ref.ok) result.references.push({ file, text: syntax.value, range: syntax.range, kind: 'syntax', ref: ref.ref, platform: null, stage: null });
      else result.skipped.push({ file, kind: 'syntax', text: syntax.value, range: syntax.range, reason: 'invalid-reference', message: ref.message });
    }
    let problem = doc.error;
    for (const outcome of outcomes) {
      for (const r of outcome.references) result.references.push(r);
      for (const s of outcome.skipped) result.skipped.push(s);
      problem ??= outcome.problem;
      if (outcome.unread) result.errors.push({ file, message: `not read: ${outcome.unread.message}`, range: outcome.unread.range });
    }
    if (problem) result.errors.push({ file, message: `buildkit refuses this Dockerfile: ${problem.message}`, range: problem.range });

    this.#stats = { parsed: fresh, resumedAt: start, instructions: instructions.length };
    this.#previous = {
      text, file, buildArgs: argsKey, escapeToken: doc.escapeToken, instructions, stages: stages.names,
      firstFrom: instructions.findIndex((ins) => ins.parsed.keyword.toLowerCase() === 'from'), globals, outcomes, work,
    };
    return result;
  }

  /**
   * How many leading instructions are exactly as in the previous read, text and place, when their
   * references can be kept: same file, build-args, escape token and stages, and the first FROM among them.
   */
  #unchangedPrefix(previous: Previous, now: Omit<Previous, 'firstFrom' | 'globals' | 'outcomes' | 'work'>): number {
    if (previous.file !== now.file || previous.buildArgs !== now.buildArgs || previous.escapeToken !== now.escapeToken) return 0;
    if (previous.stages.length !== now.stages.length || previous.stages.some((s, i) => s !== now.stages[i])) return 0;
    const same = commonPrefix(previous.text, now.text);
    const n = Math.min(previous.instructions.length, now.instructions.length);
    let i = 0;
    while (i < n) {
      const a = previous.instructions[i]!;
      const b = now.instructions[i]!;
      if (b.endOffset > same || a.endOffset !== b.endOffset || a.line !== b.line) break;
      i += 1;
    }
    return previous.firstFrom >= 0 && i > previous.firstFrom ? i : 0;
  }
}
