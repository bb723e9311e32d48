/**
 * cosign key files on disk: `cosign.key` (encrypted, mode 0600) and `cosign.pub`, as
 * `cosign generate-key-pair` writes them, and reading a private key file to sign with.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TrustLensError } from '../../errors';
import { generateCosignKeyPair, openCosignPrivateKey, type CosignKeyAlgorithm, type CosignSigningKey, type PassphraseSource } from './cosignKeys';
import type { CosignPublicKey } from './publicKeys';

/** Where a new key pair was written. */
export interface WrittenKeyPair {
  readonly privateKeyPath: string;
  readonly publicKeyPath: string;
  readonly publicKey: CosignPublicKey;
}

/**
 * Generates a key pair and writes `<prefix>.key` and `<prefix>.pub` into `dir` (default prefix
 * `cosign`), never replacing existing files. The passphrase is asked for with purpose `create`.
 * @throws TrustLensError `exists` when either file exists, `passphrase-cancelled` without a passphrase
 */
export async function writeCosignKeyPair(dir: string, passphrases: PassphraseSource, options: { prefix?: string; algorithm?: CosignKeyAlgorithm } = {}): Promise<WrittenKeyPair> {
  const prefix = options.prefix ?? 'cosign';
  const privateKeyPath = join(dir, `${prefix}.key`);
  const publicKeyPath = join(dir, `${prefix}.pub`);
  for (const path of [privateKeyPath, publicKeyPath]) {
    if (await exists(path)) throw new TrustLensError('exists', `${path} already exists; TrustLens does not overwrite key files`);
  }
  const passphrase = await passphrases({ purpose: 'create', attempt: 0, keyPath: privateKeyPath });
  if (passphrase === undefined) throw new TrustLensError('passphrase-cancelled', `no passphrase was given for the new cosign key ${privateKeyPath}`);
  const files = await generateCosignKeyPair(passphrase, options.algorithm);
  await writeNew(privateKeyPath, files.privateKeyPem, 0o600);
  await writeNew(publicKeyPath, files.publicKeyPem, 0o644);
  return { privateKeyPath, publicKeyPath, publicKey: files.publicKey };
}

/** Reads and decrypts a cosign private key file (`cosign.key`). */
export async function readCosignSigningKey(path: string, passphrases: PassphraseSource): Promise<CosignSigningKey> {
  let pem: Buffer;
  try {
    pem = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'failed';
    throw new TrustLensError(code === 'ENOENT' ? 'key-not-found' : 'io-error', `cannot read the cosign key ${path}: ${code}`);
  }
  return openCosignPrivateKey(new Uint8Array(pem), passphrases, path);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

// `wx`: fails if the file appeared meanwhile, so a key is never silently replaced.
async function writeNew(path: string, text: string, mode: number): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'wx', mode);
    await handle.writeFile(text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'failed';
    throw new TrustLensError(code === 'EEXIST' ? 'exists' : 'io-error', `cannot write ${path}: ${code}`);
  } finally {
    await handle?.close();
  }
}
