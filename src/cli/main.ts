import { TrustLensError } from '../core/errors';
import { checkCommand } from './checkCommand';
import { refsCommand } from './refsCommand';
import { unknownCommand } from './commandLine';
import { COMMANDS, commandUsage, type CommandName } from './commandUsage';
import { HelpRequest, USAGE, UsageError } from './usage';
import type { WriteIo } from './dct/writeSetup';
import { VERSION } from './version';


/** The usage text of a command, or of the whole CLI. */
function usageOf(command: CommandName | undefined): string {
  return command === undefined ? USAGE : commandUsage(command);
}

/** `trustlens help [COMMAND...]`: the usage of that command, or of the whole CLI. */
function help(words: readonly string[]): HelpRequest {
  if (words.length === 0) return new HelpRequest();
  const name = words.join(' ');
  if ((COMMANDS as readonly string[]).includes(name)) return new HelpRequest(name as CommandName);
  if (words[0] === 'signer' || words[0] === 'key' || words[0] === 'trust') throw unknownCommand(words.slice(1).join(' '), words[0]);
  throw unknownCommand(name);
}

/** The signing scheme `--scheme NAME` (or `--scheme=NAME`) asks for, default `dct`, and the arguments without it. */
function schemeOf(argv: readonly string[], command: CommandName): { scheme: 'dct' | 'cosign'; rest: string[] } {
  const rest: string[] = [];
  let scheme: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '--scheme') {
      scheme = argv[++i];
      if (scheme === undefined) throw new UsageError('--scheme needs a value: dct or cosign', command);
    } else if (arg.startsWith('--scheme=')) {
      scheme = arg.slice('--scheme='.length);
    } else {
      rest.push(arg);
    }
  }
  if (scheme === undefined || scheme === 'dct') return { scheme: 'dct', rest };
  if (scheme === 'cosign') return { scheme, rest };
  throw new UsageError(`--scheme must be dct or cosign, got "${scheme}"`, command);
}

// The commands that write trust data (signing, keys) and `inspect` are loaded when they run: `check`
// and `refs`, which CI runs on every build, do not load their code.
const inspect = () => import('./dct/inspectCommand');
const dctSigning = () => import('./dct/signCommands');
const dctKeys = () => import('./dct/keyCommands');
const dctTrust = () => import('./dct/trustCommand');
const dctWitness = () => import('./dct/witnessCommand');
const cosignCommands = () => import('./cosign/cosignCommands');

/** Runs the CLI and returns its exit status. */
export async function run(argv: readonly string[], io: WriteIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'refs':
        return refsCommand(rest, io);
      case 'check':
        return await checkCommand(rest, io);
      case 'inspect':
        return await (await inspect()).inspectCommand(rest, io);
      case 'sign': {
        const { scheme, rest: args } = schemeOf(rest, 'sign');
        return await (scheme === 'cosign' ? (await cosignCommands()).cosignSignCommand(args, io) : (await dctSigning()).signCommand(args, io));
      }
      case 'signer':
        return await (await dctSigning()).signerCommand(rest, io);
      case 'revoke':
        return await (await dctSigning()).revokeCommand(rest, io);
      case 'witness':
        return await (await dctWitness()).witnessCommand(rest, io);
      case 'key': {
        if (rest[0] !== 'generate') return await (await dctKeys()).keyCommand(rest, io);
        const { scheme, rest: args } = schemeOf(rest.slice(1), 'key generate');
        return await (scheme === 'cosign' ? (await cosignCommands()).cosignKeyGenerateCommand(args, io) : (await dctKeys()).keyCommand(['generate', ...args], io));
      }
      case 'trust':
        return await (await dctTrust()).trustCommand(rest, io);
      case '-v':
      case '--version':
        io.stdout(`${VERSION}\n`);
        return 0;
      case undefined:
        io.stdout(`${USAGE}\n`);
        return 2;
      case '-h':
      case '--help':
        throw new HelpRequest();
      case 'help':
        throw help(rest);
      default:
        throw unknownCommand(command);
    }
  } catch (e) {
    if (e instanceof HelpRequest) {
      io.stdout(`${usageOf(e.command)}\n`);
      return 0;
    }
    if (e instanceof UsageError) {
      // One line saying what is wrong, then how the command is used.
      const topLevel = command === 'refs' || command === 'check' ? command : undefined;
      io.stderr(`trustlens: ${e.message}\n\n${usageOf(e.command ?? topLevel)}\n`);
      return 2;
    }
    if (TrustLensError.is(e, 'unreadable-path') || TrustLensError.is(e, 'no-files') || TrustLensError.is(e, 'invalid-config')) {
      io.stderr(`trustlens: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
}
