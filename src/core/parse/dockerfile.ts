import { DockerfileParser, type Arg, type Copy, type Env, type From, type Run } from 'dockerfile-ast';
import { parseImageRef } from '../model/imageRef';
import { emptyScan, type ArgSource, type ReferenceKind, type ScanResult, type SkipReason } from '../model/occurrence';
import type { Range } from '../model/range';
import { DockerfileScope } from './dockerfileScope';
import { unresolvedMessage, type Expansion } from './expand';

/** Options for scanning a Dockerfile. */
export interface DockerfileScanOptions {
  /** Build-arg overrides, as with `--build-arg NAME=VALUE`. */
  buildArgs?: ReadonlyMap<string, string>;
}

/** A written image-like value and everything needed to classify it. */
interface Candidate {
  kind: ReferenceKind;
  raw: string;
  range: Range;
  expansion: Expansion & { source?: ArgSource };
  platform: string | null;
  stage: string | null;
  /** Lower-cased names of the stages defined before this value. */
  stages: readonly string[];
}

/** Strips one pair of surrounding quotes from a written value, narrowing its range to match. */
function unquote(raw: string, range: Range): { raw: string; range: Range } {
  const q = raw[0];
  if (raw.length >= 2 && (q === '"' || q === "'") && raw[raw.length - 1] === q) {
    return {
      raw: raw.slice(1, -1),
      range: {
        start: { line: range.start.line, character: range.start.character + 1 },
        end: { line: range.end.line, character: range.end.character - 1 },
      },
    };
  }
  return { raw, range };
}

/**
 * Finds every image a Dockerfile pulls: `FROM`, `COPY --from=<image>`, `RUN --mount=…,from=<image>`
 * and the `# syntax=` directive, with docker's ARG scoping. Stage names, stage indexes and `scratch`
 * are reported as skipped. Never throws on malformed input.
 */
export function scanDockerfile(file: string, text: string, options: DockerfileScanOptions = {}): ScanResult {
  const result = emptyScan();
  const dockerfile = DockerfileParser.parse(text);
  const scope = new DockerfileScope(options.buildArgs ?? new Map(), dockerfile.getEscapeCharacter());
  const stages: string[] = [];

  const classify = (c: Candidate): void => {
    const { raw, range } = unquote(c.raw, c.range);
    const { expansion } = c;
    const skip = (reason: SkipReason, message: string): void => {
      result.skipped.push({ file, kind: c.kind, text: raw, range, reason, message });
    };
    if (expansion.unresolved.length > 0) return skip('variable-unresolved', unresolvedMessage(expansion));
    const value = expansion.value;
    if (c.kind !== 'syntax') {
      if (value === 'scratch' && c.kind === 'from') return skip('scratch', 'scratch is the empty image, not a pulled image');
      if (c.stages.includes(value.toLowerCase())) return skip('stage-alias', `${value} is a build stage of this Dockerfile`);
      if (c.kind !== 'from' && /^\d+$/.test(value)) return skip('stage-alias', `${value} is the index of a build stage`);
    }
    const parsed = parseImageRef(value);
    if (!parsed.ok) return skip('invalid-reference', parsed.message);
    result.references.push({
      file, text: raw, range, kind: c.kind, ref: parsed.ref, platform: c.platform, stage: c.stage,
      ...(expansion.source ? { argSource: expansion.source } : {}),
    });
  };

  for (const directive of dockerfile.getDirectives()) {
    if (directive.getName().toLowerCase() !== 'syntax') continue;
    const raw = directive.getValue();
    classify({
      kind: 'syntax', raw, range: directive.getValueRange(), platform: null, stage: null, stages,
      expansion: { value: raw, unresolved: [], errors: [], variables: [] },
    });
  }

  for (const instruction of dockerfile.getInstructions()) {
    switch (instruction.getKeyword()) {
      case 'ARG':
        for (const property of (instruction as Arg).getProperties()) {
          scope.declareArg({ name: property.getName(), defaultText: property.getValue(), defaultRange: property.getValueRange() });
        }
        break;
      case 'ENV':
        for (const property of (instruction as Env).getProperties()) {
          const value = property.getValue();
          if (value !== null) scope.declareEnv(property.getName(), value);
        }
        break;
      case 'FROM':
        visitFrom(instruction as From, scope, stages, classify);
        break;
      case 'COPY':
        visitCopy(instruction as Copy, scope, stages, classify);
        break;
      case 'RUN':
        visitRun(instruction as Run, scope, stages, classify);
        break;
      default:
        break;
    }
  }
  return result;
}

function visitFrom(from: From, scope: DockerfileScope, stages: string[], classify: (c: Candidate) => void): void {
  // One argument list instead of getImage()/getImageRange()/getBuildStage(), which each re-tokenise the line.
  const args = from.getArguments();
  const raw = args[0]?.getValue() ?? null;
  const range = args[0]?.getRange() ?? null;
  const stage = args.length >= 3 && args[1]!.getValue().toUpperCase() === 'AS' ? args[2]!.getValue() : null;
  const platformFlag = from.getPlatformFlag()?.getValue() ?? null;
  let platform: string | null = null;
  if (platformFlag !== null) {
    const expanded = scope.expandForFrom(platformFlag);
    platform = expanded.unresolved.length === 0 ? expanded.value : platformFlag;
  }
  let parent: string | null = null;
  if (raw !== null && range !== null) {
    const expansion = scope.expandForFrom(raw);
    const base = expansion.value.toLowerCase();
    if (expansion.unresolved.length === 0 && stages.includes(base)) parent = base;
    classify({ kind: 'from', raw, range, expansion, platform, stage, stages: [...stages] });
  }
  scope.enterStage(stage, parent);
  if (stage) stages.push(stage.toLowerCase());
}

function visitCopy(copy: Copy, scope: DockerfileScope, stages: string[], classify: (c: Candidate) => void): void {
  const flag = copy.getFromFlag();
  const raw = flag?.getValue();
  const range = flag?.getValueRange();
  if (!raw || !range) return;
  classify({ kind: 'copy-from', raw, range, expansion: scope.expand(raw), platform: null, stage: null, stages: [...stages] });
}

function visitRun(run: Run, scope: DockerfileScope, stages: string[], classify: (c: Candidate) => void): void {
  for (const flag of run.getFlags()) {
    if (flag.getName() !== 'mount') continue;
    for (const option of flag.getOptions()) {
      let raw = option.getValue();
      let range = option.getValueRange();
      // --mount is a CSV list, so a whole field may be quoted: "from=img:1".
      const quotedField = option.getName().startsWith('"') && raw?.endsWith('"');
      if (option.getName().replace(/^"/, '') !== 'from' || !raw || !range) continue;
      if (quotedField) {
        raw = raw.slice(0, -1);
        range = { start: range.start, end: { line: range.end.line, character: range.end.character - 1 } };
      }
      classify({ kind: 'mount-from', raw, range, expansion: scope.expand(raw), platform: null, stage: null, stages: [...stages] });
    }
  }
}
