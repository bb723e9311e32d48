/**
 * The repository owner's real signing keys, read from the notary CLI's trust dir (encrypted PKCS#8
 * with `role:`/`gun:` headers, protocol doc §7) and decrypted with the passphrases the test gave that
 * client. With them a test re-signs real metadata exactly as the owner could.
 */
import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePem } from '../stack/notaryKeys';
import type { NotaryCli, NotaryPassphrases } from '../stack/notaryCli';
import { buildCertificate } from '../tufCert';
import { goPem, keyIdOf, type TestKey } from '../tufRepo';
import { parseFile } from './metadataFiles';

/** Passphrases of the owner client the attack tests create (test values only). */
export const OWNER_PASSPHRASES: NotaryPassphrases = {
  root: 'attack-owner-root',
  targets: 'attack-owner-targets',
  snapshot: 'attack-owner-snapshot',
  delegation: 'attack-owner-delegation',
};

/** A signing key as a {@link TestKey}, for `signedFile` and friends. */
function signingKey(keytype: string, publicBytes: Uint8Array, id: string, privateKey: KeyObject): TestKey {
  return {
    keytype,
    public: publicBytes,
    id,
    method: 'ecdsa',
    privateKey,
    sign: (message, options) => sign('sha256', message, { key: privateKey, dsaEncoding: options?.derEcdsa ? 'der' : 'ieee-p1363' }),
  };
}

/** The owner's root key as one repository's root.json names it (its certificate is per GUN). */
export interface OwnerRootKey extends TestKey {
  /** The bare key pair, e.g. to issue another certificate for it. */
  readonly publicKey: KeyObject;
}

async function privateKeys(cli: NotaryCli, passphrases: NotaryPassphrases = OWNER_PASSPHRASES): Promise<Array<{ headers: Map<string, string>; key: KeyObject }>> {
  return privateKeysIn(cli.trustDir, (role) => role === 'root' ? passphrases.root : role === 'targets' ? passphrases.targets
    : role === 'snapshot' ? passphrases.snapshot : passphrases.delegation);
}

/** Every private key of a trust dir (notary's or docker's `<trust dir>/private`), decrypted. */
async function privateKeysIn(trustDir: string, passphraseFor: (role: string | undefined) => string): Promise<Array<{ headers: Map<string, string>; key: KeyObject }>> {
  const dir = join(trustDir, 'private');
  const out: Array<{ headers: Map<string, string>; key: KeyObject }> = [];
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.key')) continue;
    const block = parsePem(await readFile(join(dir, name), 'utf8'));
    const headers = new Map(block.headers.map(([k, v]) => [k, v] as [string, string]));
    out.push({ headers, key: createPrivateKey({ key: block.der, format: 'der', type: 'pkcs8', passphrase: passphraseFor(headers.get('role')) }) });
  }
  return out;
}

/**
 * Keys read straight from a docker trust dir (`$DOCKER_CONFIG/trust`, as `docker trust` and
 * TrustLens keep them), with docker's two passphrases: what an attacker who copied the directory
 * and learned the passphrases holds.
 */
export async function trustDirKeys(trustDir: string, passphrases: { root: string; repository: string }): Promise<{
  /** The repository (targets) key of `gun`. */
  targets(gun: string): Promise<TestKey>;
  /** The root key as `rootBytes` (a real root.json) files it, so its signatures verify as that root's. */
  root(rootBytes: Uint8Array): Promise<TestKey>;
}> {
  const keys = await privateKeysIn(trustDir, (role) => (role === 'root' ? passphrases.root : passphrases.repository));
  return {
    async targets(gun) {
      const found = keys.find((k) => k.headers.get('role') === 'targets' && k.headers.get('gun') === gun);
      if (!found) throw new Error(`no targets key for ${gun} in ${trustDir}`);
      const publicBytes = spki(found.key);
      return signingKey('ecdsa', publicBytes, keyIdOf('ecdsa', publicBytes), found.key);
    },
    async root(rootBytes) {
      const root = parseFile(rootBytes).signed;
      const id = root.roles.root.keyids[0] as string;
      const pem = Buffer.from(root.keys[id].keyval.public as string, 'base64');
      const certSpki = createPublicKey(pem.toString('latin1')).export({ type: 'spki', format: 'der' });
      const found = keys.find((k) => k.headers.get('role') === 'root' && spki(k.key).equals(certSpki));
      if (!found) throw new Error(`no root key for this root in ${trustDir}`);
      return signingKey('ecdsa-x509', pem, id, found.key);
    },
  };
}

const spki = (key: KeyObject): Buffer => createPublicKey(key).export({ type: 'spki', format: 'der' });

/**
 * The owner's root key, with the ID and certificate `rootBytes` (a real root.json) files it under:
 * signatures made with it verify as that root's own.
 */
export async function ownerRootKey(cli: NotaryCli, rootBytes: Uint8Array): Promise<OwnerRootKey> {
  const root = parseFile(rootBytes).signed;
  const id = root.roles.root.keyids[0] as string;
  const pem = Buffer.from(root.keys[id].keyval.public as string, 'base64');
  const certKey = createPublicKey(pem.toString('latin1'));
  const found = (await privateKeys(cli)).find((k) => k.headers.get('role') === 'root' && spki(k.key).equals(certKey.export({ type: 'spki', format: 'der' })));
  if (!found) throw new Error('the owner client holds no root key for this root');
  return { ...signingKey('ecdsa-x509', pem, id, found.key), publicKey: certKey };
}

/** The owner's key for a base role of `gun` (`targets`, or `snapshot` when the client holds it). */
export async function ownerRoleKey(cli: NotaryCli, gun: string, role: 'targets' | 'snapshot'): Promise<TestKey> {
  const found = (await privateKeys(cli)).find((k) => k.headers.get('role') === role && k.headers.get('gun') === gun);
  if (!found) throw new Error(`the owner client holds no ${role} key for ${gun}`);
  const publicBytes = spki(found.key);
  return signingKey('ecdsa', publicBytes, keyIdOf('ecdsa', publicBytes), found.key);
}

/**
 * Another certificate for the owner's root key, as notary makes them (CN, validity), filed under
 * its own key ID: the same private key, so it signs as the owner.
 */
export function reissuedRootKey(owner: OwnerRootKey, cert: { cn: string; notBefore: Date; notAfter: Date }): TestKey {
  const der = buildCertificate({ ...cert, publicKey: owner.publicKey, signingKey: owner.privateKey });
  const pem = Buffer.from(goPem(der), 'latin1');
  return signingKey('ecdsa-x509', pem, keyIdOf('ecdsa-x509', pem), owner.privateKey);
}

/** The delegation passphrase of the stack's notary clients (test/helpers/stack/notaryCli.ts). */
const STACK_DELEGATION_PASSPHRASE = 'trustlens-test-delegation';

/**
 * A signer's own delegation key, from the signer's client (`createSigner` gives it that one key,
 * encrypted with the stack clients' delegation passphrase), filed under the key ID its signature on
 * `roleBytes` (a real file it signed, e.g. `targets/releases`) names: re-signed files verify as its own.
 */
export async function signerKey(cli: NotaryCli, roleBytes: Uint8Array, delegationPassphrase = STACK_DELEGATION_PASSPHRASE): Promise<TestKey> {
  const id = parseFile(roleBytes).signatures[0]?.keyid;
  const keys = await privateKeys(cli, { ...OWNER_PASSPHRASES, delegation: delegationPassphrase });
  const found = keys.filter((k) => !['root', 'targets', 'snapshot'].includes(k.headers.get('role') ?? ''));
  if (!id || found.length !== 1) throw new Error(`expected one signer key and a signature to name it, got ${found.length} keys`);
  return signingKey('ecdsa', spki(found[0]!.key), id, found[0]!.key);
}
