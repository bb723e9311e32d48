/**
 * Reading one command's arguments with node's `parseArgs`, but speaking to the person who typed
 * them: `-h`/`--help` anywhere asks for the command's usage, and every mistake becomes one
 * {@link UsageError} line that names the option (and what was probably meant), never node's own
 * `ERR_PARSE_ARGS_*` text.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { COMMANDS, commandOptions, type CommandName } from './commandUsage';
import { closest } from './suggest';
import { HelpRequest, UsageError } from './usage';

type Options = NonNullable<ParseArgsConfig['options']>;

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/** Every raw spelling of the options, e.g. `--format`, `--force`, `-f`, `--help`, `-h`. */
function spellings(options: Options): string[] {
  return Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
}

/** The one line for an option the command does not have. */
function unknownOption(command: CommandName, raw: string, options: Options): UsageError {
  const long = Object.keys(options).map((name) => `--${name}`);
  // Only long options are guessed at: one wrong letter of `-x` could be any short option.
  const guess = raw.startsWith('--') ? closest(raw, long) : undefined;
  if (guess) return new UsageError(`unknown option ${raw}: did you mean ${guess}?`, command);
  const elsewhere = COMMANDS.filter((c) => c !== command && commandOptions(c).includes(raw.replace(/^--/, '')));
  const owner = raw.startsWith('--') && elsewhere.length > 0 ? `it is an option of ${elsewhere.join(', ')}; ` : '';
  return new UsageError(`unknown option ${raw}: ${owner}${command} takes ${spellings(options).join(', ')}`, command);
}

/** Finds the mistake in arguments the strict parse refused, as a person would say it. */
function explain(command: CommandName, args: readonly string[], options: Options, refused: Error): UsageError {
  const { tokens } = parseArgs({ args: [...args], options, allowPositionals: true, strict: false, tokens: true });
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const spec = options[t.name];
    if (!spec) return unknownOption(command, t.rawName, options);
    if (spec.type === 'string' && t.value === undefined) return new UsageError(`${t.rawName} needs a value`, command);
    if (spec.type === 'string' && t.inlineValue === false && t.value?.startsWith('-')) {
      return new UsageError(`${t.rawName} needs a value (write ${t.rawName}=${t.value} if "${t.value}" is the value)`, command);
    }
    if (spec.type === 'boolean' && t.inlineValue) return new UsageError(`${t.rawName} takes no value`, command);
  }
  // Not reached for the errors parseArgs raises today; its first sentence is still better than nothing.
  return new UsageError(refused.message.split('\n')[0]!, command);
}

/**
 * Parses `args` for `command`: its options plus `-h`/`--help`, any number of positionals. Throws
 * {@link HelpRequest} when help is asked for (whatever else is wrong), {@link UsageError} on a mistake.
 */
export function parseCommandLine<const O extends Options>(command: CommandName, args: readonly string[], options: O) {
  const all = { ...options, ...HELP };
  const { tokens } = parseArgs({ args: [...args], options: all, allowPositionals: true, strict: false, tokens: true });
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) throw new HelpRequest(command);
  try {
    return parseArgs({ args: [...args], options: all, allowPositionals: true, strict: true });
  } catch (e) {
    if (!(e instanceof Error) || !(e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw e;
    throw explain(command, args, all, e);
  }
}

/** The usage error for a command (or sub-command, under `parent`) that does not exist. */
export function unknownCommand(typed: string, parent?: 'signer' | 'key' | 'trust'): UsageError {
  const names = COMMANDS.filter((c) => (parent ? c.startsWith(`${parent} `) : !c.includes(' '))).map((c) => (parent ? c.slice(parent.length + 1) : c));
  const guess = closest(typed, names);
  const what = parent ? `unknown ${parent} command` : 'unknown command';
  return new UsageError(`${what} "${typed}"${guess ? `: did you mean "${guess}"?` : `: the commands are ${names.join(', ')}`}`, parent);
}
