/**
 * Docker-style signers: each has an ECDSA key of their own in their own notary client, and the
 * repository owner delegates `targets/releases` and `targets/<name>` to that key.
 */
import { join } from 'node:path';
import type { NotaryCli } from './notaryCli';
import type { PushedManifest } from './push';
import type { Stack } from './stack';

/** A signer with their own trust dir holding only their key. */
export interface Signer {
  /** e.g. `alice`: the role is `targets/alice`. */
  readonly name: string;
  /** Canonical key ID of their key, as docker lists it. */
  readonly keyId: string;
  /** `PUBLIC KEY` PEM file of their key. */
  readonly publicKeyPath: string;
  /** Their client: can sign `targets/releases` and `targets/<name>`, nothing else. */
  readonly cli: NotaryCli;
}

/** Generates a key for `name` in a fresh client and imports it there, as `docker trust key generate` would. */
export async function createSigner(stack: Stack, name: string): Promise<Signer> {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name) || name === 'releases') throw new Error(`invalid signer name: ${name}`);
  const cli = await stack.newNotaryCli();
  const key = await cli.keyGenerate(name, join(cli.workDir, name));
  await cli.keyImport(key.privateKeyPath, key.keyId);
  return { name, keyId: key.keyId, publicKeyPath: key.publicKeyPath, cli };
}

/**
 * As `docker trust signer add`: the owner adds the signer's key to `targets/<name>` and to
 * `targets/releases` (all paths) and publishes.
 */
export async function addSigner(owner: NotaryCli, gun: string, signer: Signer, options: { releases?: boolean } = {}): Promise<void> {
  if (options.releases ?? true) await owner.delegationAdd(gun, 'targets/releases', signer.publicKeyPath, { allPaths: true });
  await owner.delegationAdd(gun, `targets/${signer.name}`, signer.publicKeyPath, { allPaths: true });
  await owner.publish(gun);
}

/**
 * As `docker trust sign`: the signer adds `tag` → `image` to `targets/releases` and their own
 * role (or only their own role with `released: false`) and publishes. The snapshot must be
 * server-managed, since a signer holds no snapshot key.
 */
export async function signAs(signer: Signer, gun: string, tag: string, image: PushedManifest, options: { released?: boolean } = {}): Promise<void> {
  const roles = [`targets/${signer.name}`];
  if (options.released ?? true) roles.unshift('targets/releases');
  await signer.cli.addHash(gun, tag, image.size, hexOf(image.digest), roles);
  await signer.cli.publish(gun);
}

/** The hex part of `sha256:<hex>`. */
export function hexOf(digest: string): string {
  const match = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (!match) throw new Error(`not a sha256 digest: ${digest}`);
  return match[1];
}
