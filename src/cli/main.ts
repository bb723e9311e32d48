import { TrustLensError } from '../core/errors';
import { checkCommand } from './checkCommand';
import { keyCommand } from './keyCommands';
import { refsCommand } from './refsCommand';
import { revokeCommand, signCommand, signerCommand } from './signCommands';
import { ttyTerminal } from './terminal';
import { USAGE, UsageError } from './usage';
import type { WriteIo } from './writeSetup';

declare const TRUSTLENS_VERSION: string | undefined;

/** Runs the CLI and returns its exit status. */
export async function run(argv: readonly string[], io: WriteIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'refs':
        return refsCommand(rest, io);
      case 'check':
        return await checkCommand(rest, io);
      case 'sign':
        return await signCommand(rest, io);
      case 'signer':
        return await signerCommand(rest, io);
      case 'revoke':
        return await revokeCommand(rest, io);
      case 'key':
        return await keyCommand(rest, io);
      case '-v':
      case '--version':
        io.stdout(`${typeof TRUSTLENS_VERSION === 'string' ? TRUSTLENS_VERSION : 'dev'}\n`);
        return 0;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    // parseArgs reports unknown options with a code; they are usage errors too.
    const isUsage = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (isUsage || TrustLensError.is(e, 'unreadable-path') || TrustLensError.is(e, 'invalid-config')) {
      io.stderr(`trustlens: ${(e as Error).message}\n${isUsage ? `\n${USAGE}\n` : ''}`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  void run(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    // Passphrases are asked for only on a terminal; otherwise they come from the environment.
    ...(process.stdin.isTTY ? { terminal: ttyTerminal(process.stdin, process.stderr) } : {}),
  }).then((code) => {
    process.exitCode = code;
  });
}
