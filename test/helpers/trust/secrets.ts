/**
 * What must never leak from signing: the passphrases a test used, and private key material in every
 * form it could be written (the stored files' base64 bodies, the decrypted key bytes as base64 and
 * hex, PEM `PRIVATE KEY` markers). {@link findSecrets} searches text or whole directory trees.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readKeyBlock, decodeKeyBlock } from '../../../src/core/trust/dct/keys/keyPem';

/** A secret to look for, with a name that says what it is without repeating it. */
export interface Secret {
  readonly name: string;
  readonly value: string;
}

/** The passphrases, by role name. */
export function passphraseSecrets(passphrases: Readonly<Record<string, string>>): Secret[] {
  return Object.entries(passphrases).map(([name, value]) => ({ name: `the ${name} passphrase`, value }));
}

/**
 * Every key file in `privateDir`: its PEM body (first 40 base64 characters of each line, enough to
 * be unique), and, decrypted with one of `passphrases`, its private bytes as base64 and hex.
 */
export async function keyMaterialSecrets(privateDir: string, passphrases: readonly string[]): Promise<Secret[]> {
  const secrets: Secret[] = [{ name: 'a PEM private key marker', value: 'PRIVATE KEY' }];
  for (const file of await readdir(privateDir)) {
    const text = await readFile(join(privateDir, file), 'utf8');
    const body = text.split('\n').filter((l) => /^[A-Za-z0-9+/=]{40,}$/.test(l));
    body.forEach((line, i) => secrets.push({ name: `line ${i + 1} of the key file ${file}`, value: line.slice(0, 40) }));
    const block = readKeyBlock(text);
    for (const passphrase of passphrases) {
      try {
        const key = decodeKeyBlock(block, passphrase);
        // notary's Ed25519 blob starts with the public key, which trust metadata publishes: its secret is the seed.
        const bytes = Buffer.from(key.algorithm === 'ed25519' ? key.notaryPrivateBytes().subarray(32, 64) : key.notaryPrivateBytes());
        secrets.push({ name: `the private bytes of ${file} (base64)`, value: bytes.toString('base64').slice(0, 40) });
        secrets.push({ name: `the private bytes of ${file} (hex)`, value: bytes.toString('hex').slice(0, 40) });
        break;
      } catch {
        // Another passphrase protects it.
      }
    }
  }
  return secrets;
}

/** Names of the secrets `text` contains, prefixed with `where`. */
export function secretsIn(text: string, secrets: readonly Secret[], where: string): string[] {
  return secrets.filter((s) => text.includes(s.value)).map((s) => `${where}: ${s.name}`);
}

/** Every regular file below `dir`, skipping paths `skip` accepts. */
export async function filesBelow(dir: string, skip: (path: string) => boolean = () => false): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (skip(path)) continue;
    if (entry.isDirectory()) out.push(...await filesBelow(path, skip));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** The secrets found in any file below `dir` (as `<path>: <secret name>`). */
export async function findSecrets(dir: string, secrets: readonly Secret[], skip?: (path: string) => boolean): Promise<string[]> {
  const found: string[] = [];
  for (const file of await filesBelow(dir, skip)) found.push(...secretsIn(await readFile(file, 'latin1'), secrets, file));
  return found;
}
