import { TrustLensError } from '../errors';
import type { Range } from '../model/range';

/**
 * Hard limits on the work reading one file may take, so that no input, however hostile, costs more than
 * time linear in its size. Each limit that is hit becomes an `unparsable-file` finding naming it; nothing
 * is cut silently.
 */

/** The default largest file read (a setting in the editor, `--max-file-bytes` on the command line). */
export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;

/** Fixed limits, far above anything a real Dockerfile, compose file or `.env` file needs. */
export const LIMITS = {
  /** Characters one variable expansion may produce. */
  expansionLength: 65_536,
  /** Characters all variable expansions of one file may produce together. */
  expansionTotal: 16 * 1024 * 1024,
  /** `${…}` nested inside one another. */
  expansionDepth: 32,
  /** Steps of shell pattern matching (`${v#p}`, `${v/p/r}`) in one file. */
  patternSteps: 20_000_000,
  /** Instructions in one Dockerfile. */
  instructions: 50_000,
  /** Flags (`--from=…`, `--mount=…`) in one Dockerfile. */
  flags: 10_000,
  /** Nesting of YAML collections (flow `[`/`{` and block indentation). */
  yamlDepth: 200,
  /** Bytes of a `.trustlens.yaml`, which the editor reads on its main thread. */
  policyBytes: 262_144,
} as const;

/** A limit hit while reading a file: the finding names it and, when known, where it was hit. */
export class LimitError extends TrustLensError<'limit'> {
  constructor(message: string, readonly range?: Range) {
    super('limit', message);
  }
}

/** Counts the work of one file against the limits that span it. */
export class WorkBudget {
  #expanded = 0;
  #patternSteps = 0;

  /** Records `n` characters produced by a variable expansion. */
  expanded(n: number): void {
    if (n > LIMITS.expansionLength) {
      throw new LimitError(`a variable expansion produces more than ${LIMITS.expansionLength.toLocaleString('en')} characters`);
    }
    this.#expanded += n;
    if (this.#expanded > LIMITS.expansionTotal) {
      throw new LimitError(`variable expansions in this file produce more than ${LIMITS.expansionTotal.toLocaleString('en')} characters`);
    }
  }

  /** Records `n` steps of shell pattern matching. */
  patternSteps(n: number): void {
    this.#patternSteps += n;
    if (this.#patternSteps > LIMITS.patternSteps) {
      throw new LimitError(`pattern substitutions in this file take more than ${LIMITS.patternSteps.toLocaleString('en')} steps`);
    }
  }

  /** The work counted so far. */
  get used(): WorkUsed {
    return { expanded: this.#expanded, patternSteps: this.#patternSteps };
  }

  /**
   * Counts work done earlier (by a previous read of the same part of a file) as done now, if it stays
   * within the limits; false, counting nothing, when it would not (the caller then does the work again).
   */
  add(work: WorkUsed): boolean {
    if (this.#expanded + work.expanded > LIMITS.expansionTotal || this.#patternSteps + work.patternSteps > LIMITS.patternSteps) return false;
    this.#expanded += work.expanded;
    this.#patternSteps += work.patternSteps;
    return true;
  }
}

/** Work counted by a {@link WorkBudget}. */
export interface WorkUsed {
  expanded: number;
  patternSteps: number;
}

/** The message for a policy file over its size limit. */
export function policyTooLarge(bytes: number): string {
  return `the policy file is ${bytes.toLocaleString('en')} bytes, over the limit of ${LIMITS.policyBytes.toLocaleString('en')} bytes for policy files`;
}

/** The message for a file over the size limit. */
export function fileTooLarge(bytes: number, limit: number): string {
  return `the file is ${bytes.toLocaleString('en')} bytes, over the limit of ${limit.toLocaleString('en')} bytes (setting trustlens.limits.maxFileBytes, option --max-file-bytes)`;
}
