/**
 * Notation's own configuration on disk, read the way notation does: `{config}/trustpolicy.oci.json`
 * (else the older `trustpolicy.json`) and `{config}/truststore/x509/<type>/<name>/`, where `{config}` is
 * `$XDG_CONFIG_HOME/notation`, else `~/.config/notation` (Go's `os.UserConfigDir`, as notation-go's
 * `dir` package uses it). The only file of this backend that touches the file system.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { certificatesInFile, checkStoreCertificates, type TrustStore, type TrustStoreReader, type TrustStoreRef } from './trustStore';
import { parseOciTrustPolicyDocument, TrustPolicyError, type OciTrustPolicyDocument, type TrustStoreType } from './trustPolicy';

const MAX_POLICY_BYTES = 1024 * 1024;
const MAX_CERT_FILE_BYTES = 1024 * 1024;
const MAX_STORE_FILES = 256;

/** Notation's configuration directory for an environment. */
export function notationConfigDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'notation');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'notation');
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.config'), 'notation');
}

/** The folder of a named store in notation's configuration. */
export function notationTrustStoreDir(configDir: string, type: TrustStoreType, name: string): string {
  return join(configDir, 'truststore', 'x509', type, name);
}

/** The trust policy found in a configuration directory, or undefined when it has none. */
export function loadNotationTrustPolicy(configDir: string): { document: OciTrustPolicyDocument; file: string } | undefined {
  for (const name of ['trustpolicy.oci.json', 'trustpolicy.json']) {
    const file = join(configDir, name);
    let stat;
    try {
      stat = lstatSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') continue;
      throw new TrustPolicyError(`${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    if (!stat.isFile()) throw new TrustPolicyError(`${file} is not a regular file (symlinks are not supported)`);
    if (stat.size > MAX_POLICY_BYTES) throw new TrustPolicyError(`${file} is larger than ${MAX_POLICY_BYTES} bytes`);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      throw new TrustPolicyError(`${file}: malformed trust policy (not JSON)`);
    }
    try {
      return { document: parseOciTrustPolicyDocument(json), file };
    } catch (e) {
      throw new TrustPolicyError(`${file}: ${(e as Error).message}`);
    }
  }
  return undefined;
}

/**
 * Reads a named store's folder. Symlinks are refused (the spec requires it); sub-folders are ignored, as
 * the spec says; every regular file must hold certificates that meet the store's rules.
 */
export const readTrustStoreFolder: TrustStoreReader = (ref: TrustStoreRef): TrustStore => {
  const what = `trust store ${ref.type}:${ref.name}`;
  let stat;
  try {
    stat = lstatSync(ref.dir);
  } catch (e) {
    throw new TrustPolicyError(`${what} does not exist (${ref.dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (!stat.isDirectory()) throw new TrustPolicyError(`${what} (${ref.dir}) is not a regular folder (symlinks are not supported)`);
  const entries = readdirSync(ref.dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (entries.length > MAX_STORE_FILES) throw new TrustPolicyError(`${what} holds more than ${MAX_STORE_FILES} entries`);
  const certificates = [];
  for (const entry of entries) {
    const file = join(ref.dir, entry.name);
    if (entry.isDirectory()) continue;
    if (!entry.isFile()) throw new TrustPolicyError(`${what}: ${file} is not a regular file (symlinks are not supported)`);
    if (lstatSync(file).size > MAX_CERT_FILE_BYTES) throw new TrustPolicyError(`${what}: ${file} is larger than ${MAX_CERT_FILE_BYTES} bytes`);
    try {
      const certs = certificatesInFile(readFileSync(file), file);
      checkStoreCertificates(certs, ref.type, file);
      certificates.push(...certs);
    } catch (e) {
      throw new TrustPolicyError(`${what}: ${(e as Error).message}`);
    }
  }
  if (certificates.length === 0) throw new TrustPolicyError(`${what} (${ref.dir}) holds no certificates`);
  return { ...ref, certificates };
};

/**
 * Notation's configuration for an environment: its directory and trust policy, or undefined when the
 * user has no notation trust policy. Throws TrustPolicyError when the policy exists but is unusable.
 */
export function readNotationConfig(env: NodeJS.ProcessEnv = process.env): { configDir: string; document: OciTrustPolicyDocument; file: string } | undefined {
  const configDir = notationConfigDir(env);
  const found = loadNotationTrustPolicy(configDir);
  return found ? { configDir, ...found } : undefined;
}
