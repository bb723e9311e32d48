/**
 * `docker trust inspect` as a second oracle. It needs no daemon: it talks only to the trust
 * server named by `DOCKER_CONTENT_TRUST_SERVER` (which must be https).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { environmentWithout } from './environment';
import { runCommand } from './runCommand';
import { makeTempDir, type TempDir } from './tempDir';

/** One element of `docker trust inspect`'s JSON output (field names as docker prints them). */
export interface TrustInspectEntry {
  /** The reference exactly as given, e.g. `127.0.0.1:5000/library/alpine:v1`. */
  Name: string;
  /** Released tags; `Digest` is hex without `sha256:`; `Signers` is `["Repo Admin"]` for `targets`. */
  SignedTags: Array<{ SignedTag: string; Digest: string; Signers: string[] }>;
  /** Delegation roles other than `targets/releases`, with canonical key IDs. */
  Signers: Array<{ Name: string; Keys: Array<{ ID: string }> }>;
  /** `Root` (root certificate key IDs) and `Repository` (targets key IDs). */
  AdministrativeKeys: Array<{ Name: string; Keys: Array<{ ID: string }> }>;
}

/** Options for {@link dockerTrustInspect}. */
export interface DockerTrustOptions {
  /** `https://127.0.0.1:<port>`: docker refuses an http trust server. */
  trustServerUrl: string;
  /** CA of the trust server; installed as `$DOCKER_CONFIG/tls/<host:port>/ca.crt`. */
  caPem?: string;
  /**
   * DOCKER_CONFIG to use. Docker caches trust metadata in it (`trust/tuf/<gun>/`), so reuse one
   * only against the same server. Default: a fresh temp dir, removed afterwards.
   */
  dockerConfigDir?: string;
  /** Registry login docker presents to the trust server's token service (`config.json` `auths`). */
  login?: { registryHost: string; user: string; password: string };
  /** Passphrases for a write command (`DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE`, `…_REPOSITORY_PASSPHRASE`). */
  passphrases?: { root?: string; repository?: string };
}

/** What `docker trust inspect` said. */
export interface TrustInspection {
  /** 0 when every reference had trust data; 1 otherwise ("no signatures or cannot access …"). */
  readonly exitCode: number | null;
  /** Parsed stdout: one entry per reference that had trust data (`[]` for none). */
  readonly entries: TrustInspectEntry[];
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `docker trust inspect ref…` and parses its JSON, whatever the exit status. */
export async function dockerTrustInspect(refs: string | readonly string[], options: DockerTrustOptions): Promise<TrustInspection> {
  const result = await runDockerTrust(['inspect', ...asList(refs)], options);
  let entries: TrustInspectEntry[];
  try {
    entries = JSON.parse(result.stdout || '[]') as TrustInspectEntry[];
  } catch {
    throw new Error(`docker trust inspect printed no JSON (exit ${String(result.exitCode)}): ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return { ...result, entries };
}

/**
 * Runs any `docker trust …` command (e.g. `signer add`), whatever its exit status; the output is in
 * `stdout` and `stderr` (`entries` stays empty).
 */
export async function dockerTrust(args: readonly string[], options: DockerTrustOptions): Promise<TrustInspection> {
  return { ...await runDockerTrust(args, options), entries: [] };
}

/** Runs `docker trust inspect --pretty ref…`; the text is in `stdout` (`entries` stays empty). */
export async function dockerTrustInspectPretty(refs: string | readonly string[], options: DockerTrustOptions): Promise<TrustInspection> {
  const result = await runDockerTrust(['inspect', '--pretty', ...asList(refs)], options);
  return { ...result, entries: [] };
}

function asList(refs: string | readonly string[]): readonly string[] {
  return typeof refs === 'string' ? [refs] : refs;
}

async function runDockerTrust(args: readonly string[], options: DockerTrustOptions): Promise<Omit<TrustInspection, 'entries'>> {
  const server = new URL(options.trustServerUrl);
  if (server.protocol !== 'https:') throw new Error(`docker requires an https trust server, got ${options.trustServerUrl}`);
  let configDir = options.dockerConfigDir;
  let temp: TempDir | undefined;
  if (configDir === undefined) {
    temp = await makeTempDir('docker-config');
    configDir = temp.path;
  }
  try {
    await prepareDockerConfig(configDir, server.host, options);
    const result = await runCommand('docker', ['trust', ...args], {
      // Only this call's settings: no DOCKER_HOST, DOCKER_CONTENT_TRUST_* etc. from the caller.
      env: {
        ...environmentWithout(['DOCKER_']),
        DOCKER_CONFIG: configDir,
        DOCKER_CONTENT_TRUST_SERVER: options.trustServerUrl,
        ...(options.passphrases?.root === undefined ? {} : { DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE: options.passphrases.root }),
        ...(options.passphrases?.repository === undefined ? {} : { DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: options.passphrases.repository }),
      },
      allowFailure: true,
    });
    return { exitCode: result.code, stdout: result.stdout, stderr: result.stderr };
  } finally {
    await temp?.remove();
  }
}

/**
 * Writes what docker reads from DOCKER_CONFIG: the trust server's CA under `tls/<host:port>/`
 * (docker skips verification only when the image's registry is a loopback address; for any other
 * registry name it needs this file), and the login for the token service.
 */
async function prepareDockerConfig(configDir: string, trustHost: string, options: DockerTrustOptions): Promise<void> {
  if (options.caPem) {
    const tlsDir = join(configDir, 'tls', trustHost);
    await mkdir(tlsDir, { recursive: true });
    await writeFile(join(tlsDir, 'ca.crt'), options.caPem);
  }
  if (options.login) {
    const { registryHost, user, password } = options.login;
    const auths = { [registryHost]: { auth: Buffer.from(`${user}:${password}`).toString('base64') } };
    await mkdir(configDir, { recursive: true });
    await writeFile(join(configDir, 'config.json'), JSON.stringify({ auths }, null, 2), { mode: 0o600 });
  }
}
