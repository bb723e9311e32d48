/**
 * The checks buildkit makes of each instruction before building (frontend/dockerfile/instructions:
 * parse.go `ParseInstruction`, bflag.go `BFlags.Parse`), for the instructions and flags that decide
 * which images are pulled, and for instructions that take no flags at all. Each returns buildkit's
 * message, or undefined.
 */
import type { Flag, ParsedInstruction, Word } from './dockerfileInstruction';
import { parseJsonArguments } from './dockerfileWords';

type FlagType = 'string' | 'strings' | 'bool';

/** The instructions buildkit knows (frontend/dockerfile/command/command.go). */
export const INSTRUCTIONS = new Set([
  'add', 'arg', 'cmd', 'copy', 'entrypoint', 'env', 'expose', 'from', 'healthcheck', 'label', 'maintainer',
  'onbuild', 'run', 'shell', 'stopsignal', 'user', 'volume', 'workdir',
]);

const FLAGS: Record<string, Record<string, FlagType>> = {
  from: { platform: 'string' },
  copy: { chown: 'string', from: 'string', chmod: 'string', link: 'bool', exclude: 'strings', parents: 'bool' },
};

/** Instructions whose parser calls `BFlags.Parse` without defining any flag. */
const NO_FLAGS = new Set(['cmd', 'entrypoint', 'env', 'expose', 'label', 'maintainer', 'onbuild', 'shell', 'stopsignal', 'user', 'volume', 'workdir']);

/** `BFlags.Parse` for the flags an instruction defines. */
export function checkFlags(keyword: string, flags: readonly Flag[]): string | undefined {
  const defined = FLAGS[keyword] ?? (NO_FLAGS.has(keyword) ? {} : undefined);
  if (!defined) return undefined;
  const used = new Set<string>();
  for (const flag of flags) {
    const type = defined[flag.name];
    if (type === undefined) return `unknown flag: --${flag.name}`;
    if (used.has(flag.name) && type !== 'strings') return `duplicate flag specified: --${flag.name}`;
    used.add(flag.name);
    if (type === 'bool') {
      if (flag.value === '') return `missing a value on flag: --${flag.name}`;
      if (flag.value !== null && !['true', 'false'].includes(flag.value.toLowerCase())) {
        return `expecting boolean value for flag --${flag.name}, not: ${flag.value}`;
      }
    } else if (flag.value === null) return `missing a value on flag: --${flag.name}`;
  }
  return undefined;
}

/** `parseNameVal` and `parseKvps`: ENV and LABEL take `name=value…` or the legacy `name value`. */
export function checkNameValues(keyword: string, parsed: ParsedInstruction): string | undefined {
  const upper = keyword.toUpperCase();
  const words = parsed.properties;
  if (words.length === 0) return `${upper} requires at least one argument`;
  if (words[0]!.value === null) {
    // The legacy form splits the arguments at blanks only: a name and the rest.
    return parsed.args.length < 2 ? `${upper} must have two arguments` : undefined;
  }
  for (const word of words) {
    if (word.value === null) return `Syntax error - can't find = in ${JSON.stringify(word.word.text)}. Must be of the form: name=value`;
    if (word.name === '') return `${upper} names can not be blank`;
  }
  return undefined;
}

/** COPY needs a source and a destination, in either form. */
export function checkCopyArguments(line: string, parsed: ParsedInstruction): string | undefined {
  const json = parseJsonArguments(line.slice(parsed.argsStart).trim());
  if (json instanceof Error) return json.message;
  const count = json ? json.length : parsed.args.length;
  return count < 2 ? 'COPY requires at least two arguments, but only one was provided. Destination could not be determined' : undefined;
}

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

/** `parseBuildStageName`: one argument, or three with `AS name`; the stage name, lower-cased. */
export function stageNameOf(words: readonly Word[]): { name: string | null; error?: string } {
  if (words.length === 3 && words[1]!.text.toLowerCase() === 'as') {
    const name = words[2]!.text.toLowerCase();
    if (!STAGE_NAME.test(name)) {
      return { name: null, error: `invalid name for build stage: ${JSON.stringify(words[2]!.text)}, name can't start with a number or contain symbols` };
    }
    return { name };
  }
  return words.length === 1 ? { name: null } : { name: null, error: 'FROM requires either one or three arguments' };
}
