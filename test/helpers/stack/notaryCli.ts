/**
 * The real `notary` client, one trust dir and config file per instance, never prompting:
 * passphrases come from `NOTARY_*_PASSPHRASE`, registry-style credentials from `NOTARY_AUTH`,
 * and stdin is closed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { environmentWithout } from './environment';
import { keyIdFromPrivatePem, keyIdFromPublicPem, parsePem, withPathHeader } from './notaryKeys';
import { parseNotaryList, type NotaryTarget } from './notaryList';
import { runCommand, type CommandResult } from './runCommand';
import { makeTempDir, type TempDir } from './tempDir';

/** Passphrases for the keys this client creates and uses. Test values only; never logged. */
export interface NotaryPassphrases {
  root: string;
  targets: string;
  snapshot: string;
  /** For every delegation key (e.g. `alice`). */
  delegation: string;
}

/** Options for {@link NotaryCli.create}. */
export interface NotaryCliOptions {
  /** e.g. `https://127.0.0.1:40123`. */
  serverUrl: string;
  /** CA file for an https server. */
  caPath?: string;
  /** Defaults to fixed test passphrases. */
  passphrases?: Partial<NotaryPassphrases>;
  /** Basic credentials the CLI gives the token server for write operations (via `NOTARY_AUTH`). */
  auth?: { user: string; password: string };
}

/** A key made by `notary key generate -o`. */
export interface GeneratedKey {
  /** `<prefix>.pem`: `PUBLIC KEY` with a `role:` header. */
  readonly publicKeyPath: string;
  /** `<prefix>-key.pem`: encrypted PKCS#8 with a `role:` header, encrypted with the delegation passphrase. */
  readonly privateKeyPath: string;
  /** Its canonical (TUF) key ID, as `delegation add` and docker report it. */
  readonly keyId: string;
}

export const DEFAULT_PASSPHRASES: NotaryPassphrases = {
  root: 'trustlens-test-root',
  targets: 'trustlens-test-targets',
  snapshot: 'trustlens-test-snapshot',
  delegation: 'trustlens-test-delegation',
};

/** A notary client with its own trust dir. Call {@link dispose} to remove the dir. */
export class NotaryCli {
  readonly #dir: TempDir;
  readonly #env: NodeJS.ProcessEnv;
  readonly #passphrases: NotaryPassphrases;

  private constructor(dir: TempDir, env: NodeJS.ProcessEnv, passphrases: NotaryPassphrases,
    /** Its trust dir (`private/` keys, `tuf/<gun>/` cache). */
    readonly trustDir: string,
    /** Its `-c` config file. */
    readonly configPath: string) {
    this.#dir = dir;
    this.#env = env;
    this.#passphrases = passphrases;
  }

  /** Makes a trust dir and config file for a client of `serverUrl`. */
  static async create(options: NotaryCliOptions): Promise<NotaryCli> {
    const dir = await makeTempDir('notary-cli');
    const trustDir = join(dir.path, 'trust');
    const configPath = join(dir.path, 'config.json');
    const remote: Record<string, string> = { url: options.serverUrl };
    if (options.caPath) remote.root_ca = options.caPath;
    await writeFile(configPath, JSON.stringify({ trust_dir: trustDir, remote_server: remote }, null, 2));
    const passphrases = { ...DEFAULT_PASSPHRASES, ...options.passphrases };
    const env: NodeJS.ProcessEnv = {
      // Strip any NOTARY_* of the caller so only this instance's settings apply.
      ...environmentWithout(['NOTARY_']),
      NOTARY_ROOT_PASSPHRASE: passphrases.root,
      NOTARY_TARGETS_PASSPHRASE: passphrases.targets,
      NOTARY_SNAPSHOT_PASSPHRASE: passphrases.snapshot,
      NOTARY_DELEGATION_PASSPHRASE: passphrases.delegation,
    };
    if (options.auth) env.NOTARY_AUTH = Buffer.from(`${options.auth.user}:${options.auth.password}`).toString('base64');
    return new NotaryCli(dir, env, passphrases, trustDir, configPath);
  }

  /** A private scratch directory of this client (holds its config and trust dir), e.g. for key files. */
  get workDir(): string {
    return this.#dir.path;
  }

  /** Runs `notary -c <config> args…` (with `input` on stdin, e.g. an answer); throws with the CLI's stderr if it fails. */
  async run(args: readonly string[], options: { input?: string } = {}): Promise<CommandResult> {
    return runCommand('notary', ['-c', this.configPath, ...args], { env: this.#env, cwd: this.#dir.path, ...(options.input === undefined ? {} : { input: options.input }) });
  }

  /** `notary init <gun>`: creates root (reused across GUNs), targets and a client-held snapshot key. */
  async init(gun: string): Promise<void> {
    await this.run(['init', gun]);
  }

  /** Stages a target `tag` → manifest `sha256Hex`/`size` into `roles` (default: `targets`). */
  async addHash(gun: string, tag: string, size: number, sha256Hex: string, roles: readonly string[] = []): Promise<void> {
    if (!/^[0-9a-f]{64}$/.test(sha256Hex)) throw new Error(`not a sha256 hex digest: ${sha256Hex}`);
    await this.run(['addhash', gun, tag, String(size), '--sha256', sha256Hex, ...roleFlags(roles)]);
  }

  /** Stages removal of `tag` from `roles` (default: `targets`). */
  async remove(gun: string, tag: string, roles: readonly string[] = []): Promise<void> {
    await this.run(['remove', gun, tag, ...roleFlags(roles)]);
  }

  /** Publishes staged changes. */
  async publish(gun: string): Promise<void> {
    await this.run(['publish', gun]);
  }

  /**
   * `notary key rotate <gun> snapshot -r`: the server takes over the snapshot key, as docker sets
   * repositories up. Publishes a new root version at once.
   */
  async rotateSnapshotToServer(gun: string): Promise<void> {
    await this.run(['key', 'rotate', gun, 'snapshot', '-r']);
  }

  /** `notary key generate ecdsa --role <role> -o <outPrefix>`: key files outside the trust dir. */
  async keyGenerate(role: string, outPrefix: string): Promise<GeneratedKey> {
    await this.run(['key', 'generate', 'ecdsa', '--role', role, '-o', outPrefix]);
    const publicKeyPath = `${outPrefix}.pem`;
    const privateKeyPath = `${outPrefix}-key.pem`;
    return { publicKeyPath, privateKeyPath, keyId: keyIdFromPublicPem(await readFile(publicKeyPath, 'utf8')) };
  }

  /** Stages a delegation `role` (e.g. `targets/releases`) with the public key in `pubPemPath`. */
  async delegationAdd(gun: string, role: string, pubPemPath: string, options: { allPaths: boolean } = { allPaths: true }): Promise<void> {
    await this.run(['delegation', 'add', gun, role, pubPemPath, ...(options.allPaths ? ['--all-paths'] : [])]);
  }

  /**
   * Imports a private key so this client can sign with it, and returns its key ID. An encrypted
   * key needs a `path:` header naming its key ID; without one, this writes a copy with that header
   * next to the original (decrypting with the delegation passphrase to learn the ID when `keyId`
   * is not given) and imports the copy.
   */
  async keyImport(path: string, keyId?: string): Promise<string> {
    const pem = await readFile(path, 'utf8');
    const existing = parsePem(pem).headers.find(([name]) => name === 'path');
    if (existing) {
      await this.run(['key', 'import', path]);
      return existing[1];
    }
    const id = keyId ?? keyIdFromPrivatePem(pem, this.#passphrases.delegation);
    const importPath = `${path}.import.pem`;
    await writeFile(importPath, withPathHeader(pem, id), { mode: 0o600 });
    await this.run(['key', 'import', importPath]);
    return id;
  }

  /** `notary list <gun> [--roles …]`, parsed. An initialised repository with no targets gives `[]`. */
  async list(gun: string, roles: readonly string[] = []): Promise<NotaryTarget[]> {
    const { stdout } = await this.run(['list', gun, ...roleFlags(roles)]);
    return parseNotaryList(stdout);
  }

  /** Removes the trust dir and config. */
  async dispose(): Promise<void> {
    await this.#dir.remove();
  }
}

function roleFlags(roles: readonly string[]): string[] {
  return roles.flatMap((role) => ['--roles', role]);
}
