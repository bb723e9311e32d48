/**
 * Notation's own configuration on disk, read the way notation does: `{config}/trustpolicy.oci.json`
 * (else the older `trustpolicy.json`) and `{config}/truststore/x509/<type>/<name>/`, where `{config}` is
 * `$XDG_CONFIG_HOME/notation`, else `~/.config/notation` (Go's `os.UserConfigDir`, as notation-go's
 * `dir` package uses it). With `trustStoreFolder.ts` (the certificates of a store, read when a reference
 * is checked), the only file of this backend that touches the file system.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { parseOciTrustPolicyDocument, TrustPolicyError, type OciTrustPolicyDocument, type TrustStoreType } from './trustPolicy';

const MAX_POLICY_BYTES = 1024 * 1024;

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
 * Notation's configuration for an environment: its directory and trust policy, or undefined when the
 * user has no notation trust policy. Throws TrustPolicyError when the policy exists but is unusable.
 */
export function readNotationConfig(env: NodeJS.ProcessEnv = process.env): { configDir: string; document: OciTrustPolicyDocument; file: string } | undefined {
  const configDir = notationConfigDir(env);
  const found = loadNotationTrustPolicy(configDir);
  return found ? { configDir, ...found } : undefined;
}
