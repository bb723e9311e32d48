import type { ArgSource } from '../model/occurrence';
import type { Range } from '../model/range';
import { dockerfileWord, expand, type Expansion } from './expand';

/**
 * Docker's ARG/ENV scoping for one Dockerfile:
 * - ARGs before the first FROM are global: visible to every FROM line, and inside a stage only when
 *   re-declared there with `ARG NAME` (which then takes the global value);
 * - a build-arg override replaces the default of a declared ARG, and nothing else;
 * - inside a stage, ENV always wins over an ARG of the same name;
 * - BuildKit's platform ARGs are predeclared in the global scope, without a value.
 */

/** A variable's value and, when it is an unmodified ARG default written in this file, where it is. */
interface Binding {
  value: string | undefined;
  source?: ArgSource;
}

const PREDECLARED = [
  'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT',
  'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT',
];

/** The written default of an ARG: its value text and range, when it has one. */
export interface ArgDeclaration {
  name: string;
  /** The default as written (quotes included), or null for `ARG NAME`. */
  defaultText: string | null;
  /** Range of the default value text, or null. */
  defaultRange: Range | null;
}

export class DockerfileScope {
  readonly #globals = new Map<string, Binding>();
  #stageArgs = new Map<string, Binding>();
  #stageEnv = new Map<string, string>();
  readonly #stageEnvs = new Map<string, Map<string, string>>();
  #inStage = false;

  constructor(
    private readonly buildArgs: ReadonlyMap<string, string>,
    private readonly escapeChar: string,
  ) {
    for (const name of PREDECLARED) this.#globals.set(name, { value: buildArgs.get(name) });
  }

  /** Records an ARG instruction, global or in the current stage. */
  declareArg(decl: ArgDeclaration): void {
    const override = this.buildArgs.get(decl.name);
    let binding: Binding;
    if (override !== undefined) {
      binding = { value: override };
    } else if (decl.defaultText !== null) {
      const expansion = this.expand(decl.defaultText);
      binding = { value: expansion.unresolved.length > 0 ? undefined : expansion.value };
      if (expansion.variables.length === 0 && decl.defaultRange && binding.value !== undefined) {
        binding.source = { name: decl.name, range: decl.defaultRange, text: binding.value };
      }
    } else {
      binding = this.#inStage ? (this.#globals.get(decl.name) ?? { value: undefined }) : { value: undefined };
    }
    (this.#inStage ? this.#stageArgs : this.#globals).set(decl.name, binding);
  }

  /** Records an ENV instruction in the current stage. */
  declareEnv(name: string, valueText: string): void {
    const expansion = this.expand(valueText);
    if (expansion.unresolved.length === 0) this.#stageEnv.set(name, expansion.value);
    else this.#stageEnv.delete(name);
  }

  /**
   * Starts a new stage. A stage built on an earlier stage inherits its ENV (not its ARGs).
   * `parentStage` is the lower-cased name of that earlier stage, if any.
   */
  enterStage(name: string | null, parentStage: string | null): void {
    this.#inStage = true;
    this.#stageArgs = new Map();
    const inherited = parentStage ? this.#stageEnvs.get(parentStage) : undefined;
    this.#stageEnv = new Map(inherited ?? []);
    if (name) this.#stageEnvs.set(name.toLowerCase(), this.#stageEnv);
  }

  /** Expands a word as a FROM line sees it: global ARGs only. */
  expandForFrom(text: string): Expansion & { source?: ArgSource } {
    return this.#expandWith(text, (name) => this.#globals.get(name));
  }

  /** Expands a word inside the current stage (or the global scope before the first FROM). */
  expand(text: string): Expansion & { source?: ArgSource } {
    if (!this.#inStage) return this.expandForFrom(text);
    return this.#expandWith(text, (name) => {
      const env = this.#stageEnv.get(name);
      return env !== undefined ? { value: env } : this.#stageArgs.get(name);
    });
  }

  #expandWith(text: string, get: (name: string) => Binding | undefined): Expansion & { source?: ArgSource } {
    const expansion = expand(text, dockerfileWord((name) => get(name)?.value, this.escapeChar));
    const whole = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/.exec(text);
    const name = whole?.[1] ?? whole?.[2];
    const source = name ? get(name)?.source : undefined;
    return source ? { ...expansion, source } : expansion;
  }
}
