import type { ArgSource } from '../model/occurrence';
import type { Range } from '../model/range';
import type { WorkBudget } from './limits';
import { processWord, ShellError, UNKNOWN, type LexResult } from './shellLex';

/**
 * The variables a FROM line sees, as buildkit's Dockerfile frontend builds them
 * (frontend/dockerfile/dockerfile2llb: platform.go `defaultArgs`, convert.go `buildMetaArgs`):
 * - the platform ARGs (`TARGETARCH`, `BUILDPLATFORM`…) are set by the build itself, so their value is
 *   not known here unless a build-arg gives it;
 * - an ARG before the first FROM takes its build-arg override, else its default (expanded with the
 *   ARGs before it); declared without either, it stays unset;
 * - a build-arg for a name no ARG declares does nothing.
 * Nothing inside a stage reaches a FROM, and `COPY --from`/`--mount from=` are never expanded, so
 * stage ARGs and ENV play no part in which images are pulled.
 */

const PREDECLARED = [
  'BUILDPLATFORM', 'BUILDOS', 'BUILDOSVERSION', 'BUILDARCH', 'BUILDVARIANT',
  'TARGETPLATFORM', 'TARGETOS', 'TARGETOSVERSION', 'TARGETARCH', 'TARGETVARIANT', 'TARGETSTAGE',
];

interface Binding {
  value: string | typeof UNKNOWN;
  /** Why the value is not known: set by the build, or buildkit's error for the ARG's default. */
  why?: string;
  /** Set when the value is the ARG's default exactly as written in this file. */
  source?: ArgSource;
}

/** An expansion of a FROM word, with where it came from when it is one ARG's default. */
export interface FromExpansion {
  value: string;
  /** Why the value cannot be known here (an unknown platform ARG, or buildkit's error), if so. */
  unresolved?: string;
  /** Variables without a value whose place in the word is empty. */
  emptied: string[];
  source?: ArgSource;
}

export class GlobalArgs {
  readonly #bindings = new Map<string, Binding>();
  readonly #declared = new Set<string>();

  constructor(
    private readonly buildArgs: ReadonlyMap<string, string>,
    private readonly escapeToken: string,
    /** Counts expansion work; a re-read of the file hands these ARGs its own. */
    public budget: WorkBudget,
  ) {
    for (const name of PREDECLARED) {
      const override = buildArgs.get(name);
      this.#bindings.set(name, override !== undefined
        ? { value: override }
        : { value: UNKNOWN, why: `${name} is set by the build for its platform; pass --build-arg ${name}=<value> to check a given one` });
    }
  }

  /** Records one ARG before the first FROM: `default` as written (quotes included) and its range, or null. */
  declare(name: string, written: string | null, range: Range | null): void {
    this.#declared.add(name);
    const override = this.buildArgs.get(name);
    if (override !== undefined) {
      this.#bindings.set(name, { value: override });
      return;
    }
    if (written === null) return;
    let lexed: LexResult;
    try {
      lexed = this.#lex(written);
    } catch (e) {
      if (!(e instanceof ShellError)) throw e;
      this.#bindings.set(name, { value: UNKNOWN, why: `${e.message}; pass --build-arg ${name}=<value>` });
      return;
    }
    const unknown = [...lexed.unknown].map((n) => this.#bindings.get(n)?.why).find(Boolean);
    if (unknown) {
      this.#bindings.set(name, { value: UNKNOWN, why: unknown });
      return;
    }
    const binding: Binding = { value: lexed.result };
    const unquoted = /^(["'])(.*)\1$/s.exec(written)?.[2] ?? written;
    if (range && lexed.matched.size === 0 && lexed.unmatched.size === 0 && unquoted === lexed.result) {
      const quoted = unquoted !== written;
      binding.source = {
        name, text: lexed.result,
        range: quoted ? { start: { ...range.start, character: range.start.character + 1 }, end: { ...range.end, character: range.end.character - 1 } } : range,
      };
    }
    this.#bindings.set(name, binding);
  }

  /** Whether an ARG before the first FROM declares `name` (only those take a build-arg). */
  isDeclared(name: string): boolean {
    return this.#declared.has(name);
  }

  /** Expands a FROM word (image or `--platform`) with the global ARGs. */
  expand(word: string): FromExpansion {
    let lexed: LexResult;
    try {
      lexed = this.#lex(word);
    } catch (e) {
      if (!(e instanceof ShellError)) throw e;
      return { value: '', unresolved: e.message, emptied: [] };
    }
    const unknown = [...lexed.unknown].map((n) => this.#bindings.get(n)?.why).find(Boolean);
    const whole = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/.exec(word);
    const name = whole?.[1] ?? whole?.[2];
    const source = name ? this.#bindings.get(name)?.source : undefined;
    return {
      value: lexed.result,
      ...(unknown ? { unresolved: unknown } : {}),
      emptied: [...lexed.emptied],
      ...(source ? { source } : {}),
    };
  }

  #lex(word: string): LexResult {
    return processWord(word, (n) => this.#bindings.get(n)?.value, { escapeToken: this.escapeToken, budget: this.budget });
  }
}
