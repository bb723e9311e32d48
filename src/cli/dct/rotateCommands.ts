/**
 * `trustlens key rotate REPOSITORY ROLE [--server-managed] [--yes]` (`notary key rotate`, with
 * notary's wording and its root-key question) and `trustlens signer rotate NAME REPOSITORY --key
 * NEW.pub [--force]`, which replaces a signer's key and asks before leaving signed tags unverifiable.
 */
import { readFile } from 'node:fs/promises';
import { TrustLensError } from '../../core/errors';
import { shortKeyId } from '../../core/model/keyId';
import { systemClock } from '../../core/ports';
import { checkRotationInput } from '../../core/trust/dct/signing/planRotation';
import type { StopsVerifying } from '../../core/trust/dct/signing/planSignerRotation';
import { parsePublicKeyPem } from '../../core/trust/dct/signing/publicKeyPem';
import { parseRepository } from '../../core/trust/dct/signing/references';
import { RELEASES_ROLE } from '../../core/trust/dct/tuf/roleNames';
import { parseCommandLine } from '../commandLine';
import type { CommandName } from '../commandUsage';
import { UsageError } from '../usage';
import { COMMON_OPTIONS, runWrite, writeSetup, type WriteIo } from './writeSetup';

function exactly(positionals: readonly string[], names: readonly string[], command: CommandName): string[] {
  if (positionals.length !== names.length) {
    throw new UsageError(`${command} expects ${names.join(' ')}, got ${positionals.length === 0 ? 'nothing' : positionals.join(' ')}`, command);
  }
  return [...positionals];
}

const ROOT_WARNING = 'Warning: you are about to rotate your root key.\n\nYou must use your old key to sign this root rotation.\n';

/** What each role's key is called in messages. */
const KEY_NAMES: Readonly<Record<string, string>> = { root: 'root key', targets: 'repository (targets) key', snapshot: 'snapshot key', timestamp: 'timestamp key' };

/** `trustlens key rotate REPOSITORY ROLE [--server-managed] [--yes]` */
export async function keyRotate(argv: readonly string[], io: WriteIo): Promise<number> {
  const { values, positionals } = parseCommandLine('key rotate', argv, {
    ...COMMON_OPTIONS, 'server-managed': { type: 'boolean', short: 'r' }, yes: { type: 'boolean', short: 'y' },
  });
  const [repository, role] = exactly(positionals, ['REPOSITORY', 'ROLE'], 'key rotate') as [string, string];
  const serverManaged = values['server-managed'] === true;
  try {
    checkRotationInput(role, serverManaged);
  } catch (e) {
    throw new UsageError(`key rotate: ${(e as Error).message}`, 'key rotate');
  }
  const setup = writeSetup(values, io);
  return runWrite(io, `failed to rotate the ${role} key of ${repository}`, async () => {
    parseRepository(repository);
    if (role === 'root' && values.yes !== true) {
      if (!io.terminal) {
        io.stderr(`${ROOT_WARNING}Not rotated: use --yes to rotate the root key of ${repository}.\n`);
        return 1;
      }
      io.stderr(ROOT_WARNING);
      const answer = await io.terminal.line('Are you sure you want to proceed?  (yes/no)  ');
      if (!/^y(es)?$/i.test(answer?.trim() ?? '')) {
        io.stdout('\nAborting action.\n');
        return 1;
      }
    }
    return setup.withPublisher(async (publisher) => {
      io.stdout(`Rotating the ${KEY_NAMES[role]} of ${repository}${serverManaged ? ' (the trust server makes and holds the new key)' : ''}...\n`);
      const result = await publisher.rotateKey(repository, role, { serverManaged });
      io.stdout(`Successfully rotated ${role} key for repository ${result.gun}\n`);
      const old = result.replacedKeyIds.map(shortKeyId).join(', ');
      const now = `The ${KEY_NAMES[role]} is now ${shortKeyId(result.newKeyId)}${old ? ` (was ${old})` : ''}`;
      if (role === 'root') {
        io.stdout(`${now}. The new root is signed by the old and the new root key, so clients that pinned the old root move to it.\n`);
        io.stdout('Keep the old root key until every client has seen the new root; back up the new one.\n');
      } else if (role === 'targets') {
        io.stdout(`${now}. The repository's signed tags are re-signed with it; signatures made with the old key no longer verify.\n`);
      } else {
        io.stdout(`${now}.\n`);
      }
      for (const id of result.removedKeyIds) io.stdout(`Deleted the old private key ${shortKeyId(id)} from ${setup.keys.privateDir}.\n`);
      return 0;
    });
  });
}

/** `trustlens signer rotate NAME REPOSITORY --key NEW.pub [--force]` */
export async function signerRotate(argv: readonly string[], io: WriteIo): Promise<number> {
  const { values, positionals } = parseCommandLine('signer rotate', argv, { ...COMMON_OPTIONS, key: { type: 'string' }, force: { type: 'boolean', short: 'f' } });
  const [name, repository] = exactly(positionals, ['NAME', 'REPOSITORY'], 'signer rotate') as [string, string];
  if (values.key === undefined) throw new UsageError('signer rotate needs --key PUBLIC_KEY_FILE', 'signer rotate');
  const keyFile = values.key;
  const setup = writeSetup(values, io);
  return runWrite(io, `failed to rotate the key of signer ${name} of ${repository}`, async () => {
    let pem: Buffer;
    try {
      pem = await readFile(keyFile);
    } catch (e) {
      throw new TrustLensError('unreadable-key', `unable to read public key from file ${keyFile}: ${(e as NodeJS.ErrnoException).code ?? 'failed'}`);
    }
    // Checked before anything is published.
    const newKey = parsePublicKeyPem(pem, systemClock.now().getTime());
    parseRepository(repository);
    return setup.withPublisher(async (publisher) => {
      io.stdout(`Rotating the key of signer "${name}" of ${repository} to ${shortKeyId(newKey.id)}...\n`);
      let result = await publisher.rotateSigner(name, repository, pem, { force: values.force === true });
      if (!result.rotated) {
        const warning = stopsVerifyingText(name, result.stopsVerifying);
        if (!io.terminal) {
          io.stderr(`${warning}Not rotated: load the new private key (trustlens key load) to re-sign them, or use --force.\n`);
          return 1;
        }
        io.stderr(warning);
        const answer = await io.terminal.line('Rotate the key anyway? [y/N] ');
        if (!/^y(es)?$/i.test(answer?.trim() ?? '')) {
          io.stdout('\nAborting action.\n');
          return 1;
        }
        result = await publisher.rotateSigner(name, repository, pem, { force: true });
      }
      io.stdout(`Successfully rotated the key of signer ${name} of ${repository} (was ${result.oldKeyIds.map(shortKeyId).join(', ')})\n`);
      if (result.resigned.length > 0) io.stdout(`Re-signed ${result.resigned.join(' and ')} with the new key.\n`);
      if (result.stopsVerifying.length > 0) io.stderr(stopsVerifyingText(name, result.stopsVerifying, true));
      return 0;
    });
  });
}

/** Which tags stop verifying, e.g. for the question before a forced rotation. */
function stopsVerifyingText(name: string, stops: readonly StopsVerifying[], done = false): string {
  const lines = stops.map((s) => {
    const tags = s.tags.length === 0 ? 'no tags' : s.tags.join(', ');
    return s.role === RELEASES_ROLE ? `  ${s.role}: ${tags} (released: docker and TrustLens stop trusting them)` : `  ${s.role}: ${tags} (no longer signed by ${name})`;
  });
  const head = done
    ? `These signatures no longer verify until ${name} signs the tags again with the new key:`
    : `The new private key of signer "${name}" is not held here, so its signatures cannot be re-signed with it. These would stop verifying until ${name} signs the tags again:`;
  return `${head}\n${lines.join('\n')}\n`;
}
