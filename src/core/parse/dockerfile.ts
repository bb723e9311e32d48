import { parseImageRef } from '../model/imageRef';
import { emptyScan, type ScanResult } from '../model/occurrence';
import { readDockerfileLines } from './dockerfileLines';
import { GlobalArgs } from './dockerfileScope';
import { StagePass, stageNames } from './dockerfileStages';
import { detectSyntax } from './dockerfileSyntax';
import { WorkBudget } from './limits';

/** Options for scanning a Dockerfile. */
export interface DockerfileScanOptions {
  /** `--build-arg` values, which override ARG defaults. */
  buildArgs?: ReadonlyMap<string, string>;
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
  const syntax = detectSyntax(text);
  if (syntax) {
    const ref = parseImageRef(syntax.value);
    if (ref.ok) result.references.push({ file, text: syntax.value, range: syntax.range, kind: 'syntax', ref: ref.ref, platform: null, stage: null });
    else result.skipped.push({ file, kind: 'syntax', text: syntax.value, range: syntax.range, reason: 'invalid-reference', message: ref.message });
  }
  const globals = new GlobalArgs(options.buildArgs ?? new Map(), doc.escapeToken, budget);
  const pass = new StagePass(file, doc.escapeToken, globals, stageNames(doc.instructions), budget);
  let problem = doc.error;
  for (const ins of doc.instructions) {
    const outcome = pass.visit(ins);
    result.references.push(...outcome.references);
    result.skipped.push(...outcome.skipped);
    problem ??= outcome.problem;
    if (outcome.unread) result.errors.push({ file, message: `not read: ${outcome.unread.message}`, range: outcome.unread.range });
  }
  if (problem) result.errors.push({ file, message: `buildkit refuses this Dockerfile: ${problem.message}`, range: problem.range });
  return result;
}
