/**
 * `trustlens sign`, `trustlens revoke` and `trustlens signer add|remove`: `docker trust sign`,
 * `revoke` and `signer add|remove` without a docker daemon (the tag is signed as the registry holds
 * it), with docker's messages and exit statuses: 0 done, 1 failed, 2 usage error.
 */
import { readFile } from 'node:fs/promises';
import { TrustLensError } from '../../core/errors';
import { systemClock } from '../../core/ports';
import { parsePublicKeyPem } from '../../core/trust/dct/signing/publicKeyPem';
import { parseRepository, parseTaggedRef } from '../../core/trust/dct/signing/references';
import { signInSteps } from '../../core/trust/dct/signing/signSteps';
import { parseCommandLine, unknownCommand } from '../commandLine';
import type { CommandName } from '../commandUsage';
import { HelpRequest, UsageError } from '../usage';
import { signerRotate } from './rotateCommands';
import { COMMON_OPTIONS, runWrite, writeSetup, type WriteIo } from './writeSetup';

function exactly(positionals: readonly string[], names: readonly string[], command: CommandName): string[] {
  if (positionals.length !== names.length) {
    throw new UsageError(`${command} expects ${names.join(' ')}, got ${positionals.length === 0 ? 'nothing' : positionals.join(' ')}`, command);
  }
  return [...positionals];
}

/** `trustlens sign IMAGE:TAG [--signer NAME]` */
export async function signCommand(argv: readonly string[], io: WriteIo): Promise<number> {
  const { values, positionals } = parseCommandLine('sign', argv, { ...COMMON_OPTIONS, signer: { type: 'string' } });
  const [image] = exactly(positionals, ['IMAGE:TAG'], 'sign');
  const setup = writeSetup(values, io);
  return runWrite(io, `failed to sign ${image}`, () => setup.withPublisher(async (publisher, registry) => {
    const ref = parseTaggedRef(image!);
    const { signed } = await signInSteps(publisher, registry, image!, {
      ...(values.signer === undefined ? {} : { signer: values.signer }),
      onStep: (step) => {
        if (step.kind === 'resolved') io.stdout(`${ref.tag}: digest: ${step.descriptor.digest} size: ${step.descriptor.size}\n`);
        if (step.kind === 'initialized' && step.result.initialized) {
          if (values.signer !== undefined) io.stdout(`Created signer: ${values.signer}\n`);
          io.stdout(`Finished initializing signed repository for ${image}\n`);
        }
        if (step.kind === 'publishing') io.stdout(`Signing and pushing trust metadata for ${image}\n`);
      },
    });
    for (const note of signed.notes) io.stderr(`warning: ${note}\n`);
    io.stdout(`Successfully signed ${ref.repository}:${ref.tag}\n`);
    return 0;
  }));
}

/** `trustlens revoke IMAGE:TAG` */
export async function revokeCommand(argv: readonly string[], io: WriteIo): Promise<number> {
  const { values, positionals } = parseCommandLine('revoke', argv, COMMON_OPTIONS);
  const [image] = exactly(positionals, ['IMAGE:TAG'], 'revoke');
  const setup = writeSetup(values, io);
  return runWrite(io, `could not remove signature for ${image}`, () => setup.withPublisher(async (publisher) => {
    parseTaggedRef(image!);
    await publisher.revokeTag(image!);
    io.stdout(`Successfully deleted signature for ${image}\n`);
    return 0;
  }));
}

/** `trustlens signer add NAME REPOSITORY --key PUB.pem`, `signer remove NAME REPOSITORY [--force]` and `signer rotate NAME REPOSITORY --key NEW.pub [--force]` */
export async function signerCommand(argv: readonly string[], io: WriteIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'add') return signerAdd(rest, io);
  if (sub === 'remove') return signerRemove(rest, io);
  if (sub === 'rotate') return signerRotate(rest, io);
  if (sub === undefined) throw new UsageError('signer expects add, remove or rotate', 'signer');
  if (sub === '-h' || sub === '--help' || sub === 'help') throw new HelpRequest('signer');
  throw unknownCommand(sub, 'signer');
}

async function signerAdd(argv: readonly string[], io: WriteIo): Promise<number> {
  const { values, positionals } = parseCommandLine('signer add', argv, { ...COMMON_OPTIONS, key: { type: 'string' } });
  const [name, repository] = exactly(positionals, ['NAME', 'REPOSITORY'], 'signer add');
  if (values.key === undefined) throw new UsageError('signer add needs --key PUBLIC_KEY_FILE', 'signer add');
  const keyFile = values.key;
  const setup = writeSetup(values, io);
  return runWrite(io, `failed to add signer to: ${repository}`, async () => {
    let pem: Buffer;
    try {
      pem = await readFile(keyFile);
    } catch (e) {
      throw new TrustLensError('unreadable-key', `unable to read public key from file ${keyFile}: ${(e as NodeJS.ErrnoException).code ?? 'failed'}`);
    }
    // Checked before anything is published, as docker reads every key first.
    parsePublicKeyPem(pem, systemClock.now().getTime());
    parseRepository(repository!);
    io.stdout(`Adding signer "${name}" to ${repository}...\n`);
    return setup.withPublisher(async (publisher) => {
      const result = await publisher.addSigner(name!, repository!, pem);
      if (result.initialized) io.stdout(`Successfully initialized "${repository}"\n`);
      io.stdout(`Successfully added signer: ${name} to ${repository}\n`);
      return 0;
    });
  });
}

async function signerRemove(argv: readonly string[], io: WriteIo): Promise<number> {
  const { values, positionals } = parseCommandLine('signer remove', argv, { ...COMMON_OPTIONS, force: { type: 'boolean', short: 'f' } });
  const [name, repository] = exactly(positionals, ['NAME', 'REPOSITORY'], 'signer remove');
  const setup = writeSetup(values, io);
  return runWrite(io, `error removing signer from: ${repository}`, () => setup.withPublisher(async (publisher) => {
    io.stdout(`Removing signer "${name}" from ${repository}...\n`);
    const result = await publisher.removeSigner(name!, repository!, { force: values.force === true });
    if (!result.removed && result.releasesBelowThreshold) {
      const warning = `The signer "${name}" signed the last released version of ${repository}. Removing this signer will make ${repository} unpullable.`;
      if (!io.terminal) {
        io.stderr(`${warning}\nNot removed: use --force to remove it anyway.\n`);
        return 1;
      }
      const answer = await io.terminal.line(`${warning} Are you sure you want to continue? [y/N] `);
      if (!/^y(es)?$/i.test(answer?.trim() ?? '')) {
        io.stdout('\nAborting action.\n');
        return 1;
      }
      await publisher.removeSigner(name!, repository!, { force: true });
    }
    io.stdout(`Successfully removed ${name} from ${repository}\n`);
    return 0;
  }));
}
