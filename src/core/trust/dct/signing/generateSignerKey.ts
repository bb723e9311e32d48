/**
 * `docker trust key generate NAME --dir DIR` (`key_generate.go`): a new signer key stored encrypted
 * in the trust dir with `role: NAME`, and its public half written to `DIR/NAME.pub` as a
 * `PUBLIC KEY` PEM with the same header, ready for `signer add --key`. Ed25519 by default; ECDSA
 * P-256 (what docker generates) when the public key will be added with `docker trust signer add` or
 * `notary delegation add`, which refuse Ed25519 public keys.
 */
import { createPublicKey } from 'node:crypto';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodePem } from '../../../crypto/pem';
import { validateSignerName } from './signingErrors';
import type { PassphraseProvider } from '../keys/signingKey';
import type { FileKeyStore } from '../keys/fileKeyStore';
import { KeyError, keyFileIo } from '../keys/keyErrors';

/** What {@link generateSignerKey} made. */
export interface GeneratedSignerKey {
  /** Canonical key ID, e.g. `9deed25…` (the file `<trust dir>/private/<keyId>.key`). */
  readonly keyId: string;
  /** e.g. `/home/me/keys/alice.pub` */
  readonly publicKeyPath: string;
  /** The PEM written there. */
  readonly publicKeyPem: string;
}

/**
 * The public key file `docker trust key generate` writes: DER SubjectPublicKeyInfo (also for
 * Ed25519, whose TUF form is the 32 raw bytes) with a `role` header.
 */
export function signerPublicKeyPem(keytype: string, publicBytes: Uint8Array, role: string): string {
  const spki = keytype === 'ed25519'
    ? new Uint8Array(createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicBytes).toString('base64url') }, format: 'jwk' })
      .export({ type: 'spki', format: 'der' }))
    : publicBytes;
  return encodePem('PUBLIC KEY', spki, { role });
}

/** The algorithm of a new signer key when none is asked for. */
export const DEFAULT_SIGNER_ALGORITHM = 'ed25519';

/**
 * Generates a signer key named `name` (Ed25519 by default, or ECDSA P-256 like docker), stores it
 * with a passphrase from `provider` (purpose `create`) and writes `<dir>/<name>.pub` (mode 0600).
 * Checks first, as docker does, that the name is valid (`invalid-signer`), that `dir` exists and
 * that the public key file does not (`io-error`), so a refused call leaves nothing behind.
 */
export async function generateSignerKey(
  store: FileKeyStore,
  name: string,
  dir: string,
  provider: PassphraseProvider,
  algorithm: 'ecdsa' | 'ed25519' = DEFAULT_SIGNER_ALGORITHM,
): Promise<GeneratedSignerKey> {
  validateSignerName(name);
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new KeyError('io-error', `public key path does not exist: "${dir}"`);
  const publicKeyPath = join(dir, `${name}.pub`);
  if (await stat(publicKeyPath).then(() => true, () => false)) throw new KeyError('io-error', `public key file already exists: "${publicKeyPath}"`);
  const key = await store.generate({ role: name }, provider, algorithm);
  const publicKeyPem = signerPublicKeyPem(key.publicKey.keytype, key.publicKey.public, name);
  await keyFileIo('write', publicKeyPath, () => writeFile(publicKeyPath, publicKeyPem, { mode: 0o600, flag: 'wx' }));
  return { keyId: key.keyId, publicKeyPath, publicKeyPem };
}
