/**
 * `trustlens sign IMAGE --scheme cosign --key cosign.key [--format legacy|bundle]` and
 * `trustlens key generate --scheme cosign [--dir DIR]`: cosign's `sign --key … --tlog-upload=false`
 * and `generate-key-pair`, without cosign. Keys are in cosign's own encrypted format, with the
 * passphrase from COSIGN_PASSWORD or the terminal. Nothing is uploaded to a transparency log.
 */
import { mkdir } from 'node:fs/promises';
import { cliLogger } from '../cliEngine';
import { resolve } from 'node:path';
import { defaultDockerConfigDir } from '../../core/net/dockerConfig';
import { parseImageRef } from '../../core/model/imageRef';
import { systemClock, type Logger } from '../../core/ports';
import { defaultCacheDir } from '../../core/trust/cacheDir';
import { cosignPassphraseSource, type PassphraseSource } from '../../core/trust/cosign/cosignKeys';
import { readCosignSigningKey, writeCosignKeyPair } from '../../core/trust/cosign/cosignKeyFiles';
import { signatureTag } from '../../core/trust/cosign/cosignFormats';
import { signBundle, signLegacy } from '../../core/trust/cosign/cosignSign';
import { requestTimestamp } from '../../core/trust/cosign/timestampClient';
import { createCosignBackend } from '../../core/trust/cosign/createCosignBackend';
import { describeKey } from '../../core/trust/cosign/publicKeys';
import { parseCommandLine } from '../commandLine';
import type { Terminal } from '../dct/passphrases';
import { COMMON_OPTIONS, runWrite, type WriteIo } from '../dct/writeSetup';
import { UsageError } from '../usage';
import { VERSION } from '../version';

/** The passphrase: COSIGN_PASSWORD, else the terminal (twice for a new key, as cosign asks). */
function passphrases(io: WriteIo): PassphraseSource {
  const terminal: Terminal | undefined = io.terminal;
  return cosignPassphraseSource(io.env, terminal && (async (request) => {
    if (request.purpose === 'open') return terminal.secret(`Enter password for private key${request.keyPath ? ` ${request.keyPath}` : ''}: `);
    const first = await terminal.secret('Enter password for private key: ');
    if (first === undefined) return undefined;
    const again = await terminal.secret('Enter password for private key again: ');
    if (again !== first) {
      io.stderr('trustlens: the passwords do not match\n');
      return undefined;
    }
    return first;
  }));
}

function logger(io: WriteIo, verbose: boolean | undefined): Logger {
  return cliLogger(verbose, io.stderr);
}

/** `trustlens sign IMAGE --scheme cosign --key cosign.key [--format legacy|bundle] [--timestamp-server-url URL]` */
export async function cosignSignCommand(argv: readonly string[], io: WriteIo): Promise<number> {
  const { values, positionals } = parseCommandLine('sign', argv, { ...COMMON_OPTIONS, key: { type: 'string' }, format: { type: 'string' }, 'timestamp-server-url': { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError(`sign expects IMAGE, got ${positionals.length === 0 ? 'nothing' : positionals.join(' ')}`, 'sign');
  const image = positionals[0]!;
  if (values.key === undefined) throw new UsageError('sign --scheme cosign needs --key cosign.key (a key cosign generate-key-pair or trustlens key generate --scheme cosign wrote)', 'sign');
  const format = values.format ?? 'legacy';
  if (format !== 'legacy' && format !== 'bundle') throw new UsageError(`--format must be legacy (the .sig tag) or bundle (a Sigstore bundle referrer), got "${format}"`, 'sign');
  const parsed = parseImageRef(image);
  if (!parsed.ok) throw new UsageError(`${image} is not an image reference: ${parsed.message}`, 'sign');
  const { ref } = parsed;
  const tsa = values['timestamp-server-url'];
  if (tsa !== undefined && !/^https?:\/\/[^/]/.test(tsa)) throw new UsageError(`--timestamp-server-url must be an http or https URL, got "${tsa}"`, 'sign');
  const keyFile = resolve(values.key);
  const log = logger(io, values.verbose);
  return runWrite(io, `failed to sign ${image}`, async () => {
    const key = await readCosignSigningKey(keyFile, passphrases(io));
    const backend = createCosignBackend({
      dockerConfigDir: values['docker-config'] ?? defaultDockerConfigDir(io.env),
      allowCredentials: true,
      cacheDir: values['cache-dir'] ?? defaultCacheDir(io.env),
      clock: systemClock,
      logger: log,
      userAgent: `trustlens/${VERSION}`,
    });
    try {
      const repo = { registry: ref.registry, repository: ref.path };
      const resolved = await backend.oci.resolve(repo, ref.digest ?? ref.effectiveTag ?? 'latest');
      io.stdout(`${ref.digest ? ref.digest : ref.effectiveTag}: digest: ${resolved.digest}\n`);
      const target = {
        oci: backend.oci, repo, digest: resolved.digest, key, dockerReference: ref.repository,
        ...(tsa !== undefined ? { timestamp: (signature: Uint8Array) => requestTimestamp(backend.http, tsa, signature) } : {}),
      };
      const written = format === 'bundle' ? await signBundle(target) : await signLegacy(target);
      const where = format === 'bundle' ? `the Sigstore bundle referrer ${written.manifestDigest}` : `${ref.repository}:${signatureTag(resolved.digest)}`;
      io.stdout(written.written
        ? `Pushed the signature to ${where}\n`
        : `${where} already holds a signature of this digest by this key; nothing was written\n`);
      const stamped = tsa !== undefined ? `, timestamped by ${tsa}` : '';
      io.stdout(`Signed ${ref.repository}@${resolved.digest} with the cosign ${describeKey(key.publicKey)}${stamped}; nothing was uploaded to a transparency log (as cosign --tlog-upload=false)\n`);
      return 0;
    } finally {
      await backend.close();
    }
  });
}

/** `trustlens key generate --scheme cosign [--dir DIR]`: `cosign.key` and `cosign.pub`, as cosign generate-key-pair. */
export async function cosignKeyGenerateCommand(argv: readonly string[], io: WriteIo): Promise<number> {
  const { values, positionals } = parseCommandLine('key generate', argv, { ...COMMON_OPTIONS, dir: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`key generate --scheme cosign takes no NAME (it writes cosign.key and cosign.pub), got ${positionals.join(' ')}`, 'key generate');
  const dir = resolve(values.dir ?? '.');
  return runWrite(io, 'failed to generate a cosign key pair', async () => {
    await mkdir(dir, { recursive: true });
    const pair = await writeCosignKeyPair(dir, passphrases(io));
    io.stdout(`Private key written to ${pair.privateKeyPath}\nPublic key written to ${pair.publicKeyPath}\n`);
    return 0;
  });
}
