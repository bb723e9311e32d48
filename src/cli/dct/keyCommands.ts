/**
 * `trustlens key generate NAME [--dir DIR] [--algorithm ed25519|ecdsa]` and
 * `trustlens key load FILE [--name NAME]`: `docker trust key generate` and `docker trust key load`
 * on the same trust dir (`<docker config>/trust/private`), with docker's messages. Generated keys
 * are Ed25519 unless `--algorithm ecdsa` asks for docker's ECDSA P-256.
 */
import { resolve } from 'node:path';
import { DEFAULT_SIGNER_ALGORITHM, generateSignerKey } from '../../core/trust/dct/signing/generateSignerKey';
import { shortKeyId } from '../../core/model/keyId';
import { validateSignerName } from '../../core/trust/dct/signing/signingErrors';
import { parseCommandLine, unknownCommand } from '../commandLine';
import { HelpRequest, UsageError } from '../usage';
import { keyRotate } from './rotateCommands';
import { COMMON_OPTIONS, runWrite, writeSetup, type WriteIo } from './writeSetup';

/** `trustlens key generate|load|rotate …` */
export async function keyCommand(argv: readonly string[], io: WriteIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'generate') return keyGenerate(rest, io);
  if (sub === 'load') return keyLoad(rest, io);
  if (sub === 'rotate') return keyRotate(rest, io);
  if (sub === undefined) throw new UsageError('key expects generate, load or rotate', 'key');
  if (sub === '-h' || sub === '--help' || sub === 'help') throw new HelpRequest('key');
  throw unknownCommand(sub, 'key');
}

async function keyGenerate(argv: readonly string[], io: WriteIo): Promise<number> {
  const { values, positionals } = parseCommandLine('key generate', argv, { ...COMMON_OPTIONS, dir: { type: 'string' }, algorithm: { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError('key generate expects one NAME', 'key generate');
  const name = positionals[0]!;
  const algorithm = values.algorithm ?? DEFAULT_SIGNER_ALGORITHM;
  if (algorithm !== 'ecdsa' && algorithm !== 'ed25519') throw new UsageError(`--algorithm must be ed25519 or ecdsa, got "${algorithm}"`, 'key generate');
  const setup = writeSetup(values, io);
  return runWrite(io, `failed to generate key ${name}`, async () => {
    validateSignerName(name);
    io.stdout(`Generating key for ${name}...\n`);
    const generated = await generateSignerKey(setup.keys, name, resolve(values.dir ?? '.'), setup.passphrases, algorithm);
    io.stdout(`Successfully generated and loaded private key. Corresponding public key available: ${generated.publicKeyPath}\n`);
    if (algorithm === 'ed25519') {
      io.stderr(`note: ${generated.publicKeyPath} is an Ed25519 key: trustlens signer add accepts it, docker trust signer add and notary delegation add do not (generate with --algorithm ecdsa for them)\n`);
    }
    return 0;
  });
}

async function keyLoad(argv: readonly string[], io: WriteIo): Promise<number> {
  const { values, positionals } = parseCommandLine('key load', argv, { ...COMMON_OPTIONS, name: { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError('key load expects one FILE', 'key load');
  const file = positionals[0]!;
  const setup = writeSetup(values, io);
  return runWrite(io, `error importing key from ${file}`, async () => {
    if (values.name !== undefined) validateSignerName(values.name);
    io.stdout(`Loading key from "${file}"...\n`);
    // As docker: the file's own role header, else `signer`; an explicit --name always decides.
    const options = values.name === undefined ? { name: 'signer' } : { role: values.name };
    const info = await setup.keys.importFile(file, options, setup.passphrases);
    io.stdout(`Successfully imported key from ${file}\n`);
    io.stdout(`Key ${shortKeyId(info.keyId)} signs as ${info.role}.\n`);
    return 0;
  });
}
