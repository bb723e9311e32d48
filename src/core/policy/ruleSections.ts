/**
 * Sections of a `.trustlens.yaml` rule that belong to one signature scheme, e.g. `notation:`. The
 * policy parser knows no scheme: each backend that reads a section of its own registers its parser
 * here (the composition place does, for the shipped backends), and the parser hands it the YAML node
 * with the file's `fail`, so that its errors name the line and column like every other policy error.
 */
import type { Node } from 'yaml';

/** Reports an error at a node and never returns. */
export type RuleSectionFail = (node: Node | null | undefined, message: string) => never;

/** What a section parser is told besides its node. */
export interface RuleSectionContext {
  /** The folder of the policy file: relative paths in the section are taken from it. */
  readonly baseDir: string;
  /** The policy file's name, as messages use it. */
  readonly file: string;
  readonly fail: RuleSectionFail;
}

/** Validates a section and returns what the backend keeps of it (plain data). */
export type RuleSectionParser = (node: unknown, context: RuleSectionContext) => unknown;

const parsers = new Map<string, RuleSectionParser>();

/** Lets rules carry a section named `key` (a scheme, e.g. `notation`), read by `parser`. */
export function registerRuleSection(key: string, parser: RuleSectionParser): void {
  parsers.set(key, parser);
}

/** The parser of a rule key, when a backend registered one. */
export function ruleSectionParser(key: string): RuleSectionParser | undefined {
  return parsers.get(key);
}

/** The keys registered so far, for error messages. */
export function ruleSectionKeys(): string[] {
  return [...parsers.keys()].sort();
}
