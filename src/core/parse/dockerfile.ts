import { parseImageRef } from '../model/imageRef';
import { emptyScan, type ArgSource, type ReferenceKind, type ScanResult, type SkipReason } from '../model/occurrence';
import type { Range } from '../model/range';
import { argumentsOf, checkCopyArguments, checkFlags, checkNameValues, INSTRUCTIONS, stageNameOf } from './dockerfileChecks';
import { readDockerfileLines, type Instruction } from './dockerfileLines';
import { GlobalArgs, type FromExpansion } from './dockerfileScope';
import { detectSyntax } from './dockerfileSyntax';
import { splitWhitespace, splitWords } from './dockerfileWords';
import { WorkBudget } from './limits';
import { mountFields } from './mountFields';
import { processWord, ShellError } from './shellLex';

/** Options for scanning a Dockerfile. */
export interface DockerfileScanOptions {
  /** Build-arg overrides, as with `--build-arg NAME=VALUE`. */
  buildArgs?: ReadonlyMap<string, string>;
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
  const start = ins.position(0);
  return { start, end: ins.position(ins.line.length) };
}

/** What to do about variables that expanded to nothing: pass a build-arg, declaring the ARG first if needed. */
function advice(names: readonly string[], globals: GlobalArgs): string {
  const missing = names.map((n) => (globals.isDeclared(n) ? `pass --build-arg ${n}=<value>` : `declare ARG ${n} before the first FROM and pass --build-arg ${n}=<value>`));
  return `${names.join(', ')} ${names.length === 1 ? 'has' : 'have'} no value; ${missing.join('; ')}`;
}

/**
 * Finds every image a Dockerfile pulls, as buildkit's Dockerfile frontend reads it: `FROM`,
 * `COPY --from=<image>`, `RUN --mount=…,from=<image>` and the `syntax` directive. Stage names, stage
 * indexes and `scratch` are skipped with a reason; values buildkit refuses are skipped with its reason;
 * a file buildkit would not build gets an error with buildkit's message. Never throws, except a
 * LimitError when the file exceeds a hard limit.
 */
export function scanDockerfile(file: string, text: string, options: DockerfileScanOptions = {}): ScanResult {
  const result = emptyScan();
  const budget = new WorkBudget();
  const doc = readDockerfileLines(text, budget);
  let problem = doc.error;
  const report = (message: string, ins: Instruction): void => {
    problem ??= { message, range: lineRange(ins) };
  };
  const globals = new GlobalArgs(options.buildArgs ?? new Map(), doc.escapeToken, budget);
  const skip = (kind: ReferenceKind, at: Written, reason: SkipReason, message: string): void => {
    result.skipped.push({ file, kind, text: at.text, range: at.range, reason, message });
  };
  const image = (kind: ReferenceKind, at: Written, value: string, extra: { platform?: string | null; stage?: string | null; argSource?: ArgSource; emptied?: string[] } = {}): void => {
    const parsed = parseImageRef(value);
    if (!parsed.ok) {
      const emptied = extra.emptied ?? [];
      if (emptied.length > 0) {
        return skip(kind, at, 'variable-unresolved', `${at.text} expands to "${value}", which is not a valid reference (${parsed.message}): ${advice(emptied, globals)}`);
      }
      return skip(kind, at, 'invalid-reference', parsed.message);
    }
    result.references.push({
      file, text: at.text, range: at.range, kind, ref: parsed.ref, platform: extra.platform ?? null, stage: extra.stage ?? null,
      ...(extra.argSource ? { argSource: extra.argSource } : {}),
      ...(extra.emptied && extra.emptied.length > 0 ? { emptyVariables: extra.emptied } : {}),
    });
  };

  const syntax = detectSyntax(text);
  if (syntax) image('syntax', { text: syntax.value, range: syntax.range }, syntax.value);

  // `--from` names any stage of the file (the last of a repeated name); buildkit then refuses one not built yet.
  const stageIndex = new Map<string, number>();
  const stageNames: string[] = [];
  for (const ins of doc.instructions) {
    if (ins.keyword.toLowerCase() !== 'from') continue;
    const { name } = stageNameOf(splitWhitespace(argumentsOf(ins), 0));
    if (name) stageIndex.set(name, stageNames.length);
    stageNames.push(name ?? `stage-${stageNames.length}`);
  }
  /** Lower-cased names of the stages defined so far, for FROM. */
  const earlier = new Set<string>();
  let current = -1;

  /** A `--from` stage reference: skipped as a stage, refused when not built yet, or undefined for an image. */
  const stageRef = (kind: ReferenceKind, at: Written, value: string, refused: string): boolean => {
    const index = kind === 'copy-from' && /^[+-]?\d+$/.test(value) ? Number.parseInt(value, 10) : stageIndex.get(value.toLowerCase());
    if (index === undefined) return false;
    const isIndex = /^[+-]?\d+$/.test(value) && kind === 'copy-from';
    if (isIndex && (index < 0 || index >= stageNames.length)) skip(kind, at, 'invalid-reference', `invalid stage index ${index}`);
    else if (index >= current) skip(kind, at, 'stage-order', refused);
    else skip(kind, at, 'stage-alias', isIndex ? `${value} is the index of a build stage` : `${value} is a build stage of this Dockerfile`);
    return true;
  };

  for (const ins of doc.instructions) {
    const keyword = ins.keyword.toLowerCase();
    if (!INSTRUCTIONS.has(keyword)) {
      report(`unknown instruction: ${ins.keyword}`, ins);
      continue;
    }
    const flagProblem = checkFlags(keyword, ins.flags);
    if (flagProblem) report(flagProblem, ins);
    if (keyword !== 'from' && keyword !== 'arg' && current < 0) report('no build stage in current context', ins);
    switch (keyword) {
      case 'arg': {
        const words = splitWords(argumentsOf(ins), doc.escapeToken, ins.argsStart);
        if (words.length === 0) report('ARG requires at least one argument', ins);
        for (const word of words) {
          const eq = word.text.indexOf('=');
          if (eq === 0) report('ARG names can not be blank', ins);
          // `ARG NAME value` declares NAME and value, both without a default (buildkit's parseArg).
          if (current >= 0 || eq === 0) continue;
          const valueStart = word.start + eq + 1;
          globals.declare(eq < 0 ? word.text : word.text.slice(0, eq), eq < 0 ? null : ins.line.slice(valueStart, word.end),
            eq < 0 ? null : { start: ins.position(valueStart), end: ins.position(word.end) });
        }
        break;
      }
      case 'env':
      case 'label': {
        const wrong = checkNameValues(keyword, ins, doc.escapeToken);
        if (wrong) report(wrong, ins);
        break;
      }
      case 'from':
        visitFrom(ins);
        break;
      case 'copy':
        visitCopy(ins);
        break;
      case 'run':
        visitRun(ins);
        break;
      default:
        break;
    }
  }

  function visitFrom(ins: Instruction): void {
    const words = splitWhitespace(argumentsOf(ins), ins.argsStart);
    const { name, error } = stageNameOf(words);
    if (error) report(error, ins);
    current += 1;
    const platformFlag = ins.flags.find((f) => f.name === 'platform')?.value ?? null;
    let platform: string | null = null;
    if (platformFlag !== null) {
      const expanded = globals.expand(platformFlag);
      platform = expanded.unresolved || expanded.value === '' ? platformFlag : expanded.value;
    }
    const first = words[0];
    if (first) {
      const at = written(ins, first.start, first.end);
      const stage = words.length === 3 && name ? words[2]!.text : null;
      classifyFrom(at, first.text, globals.expand(first.text), platform, stage);
    }
    if (name) earlier.add(name);
  }

  function classifyFrom(at: Written, word: string, expansion: FromExpansion, platform: string | null, stage: string | null): void {
    if (expansion.unresolved) return skip('from', at, 'variable-unresolved', expansion.unresolved);
    const value = expansion.value;
    if (value === '') {
      const names = expansion.emptied;
      return skip('from', at, 'variable-unresolved', names.length > 0
        ? `${word} expands to nothing, and buildkit refuses a blank base name: ${advice(names, globals)}`
        : `base name (${word}) should not be blank`);
    }
    // buildkit looks the expanded name up exactly as written among the (lower-cased) earlier stage names.
    if (earlier.has(value)) return skip('from', at, 'stage-alias', `${value} is a build stage of this Dockerfile`);
    if (value === 'scratch') return skip('from', at, 'scratch', 'scratch is the empty image, not a pulled image');
    image('from', at, value, { platform, stage, emptied: expansion.emptied, ...(expansion.source ? { argSource: expansion.source } : {}) });
  }

  function visitCopy(ins: Instruction): void {
    const wrong = checkCopyArguments(ins);
    if (wrong) report(wrong, ins);
    const flag = ins.flags.find((f) => f.name === 'from');
    if (!flag?.value) return;
    const at = written(ins, flag.valueStart, flag.end);
    const value = flag.value;
    let expanded: string | undefined;
    try {
      expanded = processWord(value, () => undefined, { escapeToken: doc.escapeToken, budget }).result;
    } catch (e) {
      if (!(e instanceof ShellError)) throw e;
    }
    if (expanded !== value) return skip('copy-from', at, 'variable-in-from', NO_EXPANSION_IN_COPY_FROM);
    const here = stageNames[current] ?? 'stage-0';
    if (stageRef('copy-from', at, value, `cannot copy from stage ${JSON.stringify(value)}, it needs to be defined before current stage ${JSON.stringify(here)}`)) return;
    image('copy-from', at, value);
  }

  function visitRun(ins: Instruction): void {
    for (const flag of ins.flags) {
      if (flag.name !== 'mount' || flag.value === null) continue;
      let fields;
      try {
        fields = mountFields(flag.value);
      } catch (e) {
        report((e as Error).message, ins);
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
          skip('mount-from', at, 'variable-in-from', NO_EXPANSION_IN_MOUNT_FROM);
          continue;
        }
        if (stageRef('mount-from', at, field.value, `cannot mount from stage ${JSON.stringify(field.value)} to ${JSON.stringify(target)}, stage needs to be defined before current command`)) continue;
        image('mount-from', at, field.value);
      }
    }
  }

  if (problem) result.errors.push({ file, message: `buildkit refuses this Dockerfile: ${problem.message}`, range: problem.range });
  return result;
}
