import { optionLines, PASSPHRASES, PATHS, type CommandName } from './commandUsage';

/**
 * A usage problem: the CLI prints it on one line, then the usage of `command` (of the whole CLI when
 * undefined), and exits with status 2.
 */
export class UsageError extends Error {
  constructor(message: string, readonly command?: CommandName) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `--help` or `-h` was given: the CLI prints the usage of `command` on stdout and exits with status 0. */
export class HelpRequest extends Error {
  constructor(readonly command?: CommandName) {
    super('help');
    this.name = 'HelpRequest';
  }
}

export const USAGE = `Usage: trustlens <command> [options]

Commands:
  refs [PATH...]    List every image reference in Dockerfiles and compose files.
  check [PATH...]   Check every reference against its signatures (Docker Content Trust, cosign).
  inspect IMAGE[:TAG]...                    Show the verified trust data of repositories as docker trust
                                            inspect did: signed tags, signers and their keys, root and
                                            repository keys (--format json: docker's JSON).

  sign IMAGE:TAG [--signer NAME]            Sign the tag as the registry holds it (like docker trust sign),
                                            creating the repository's trust data if it has none.
  revoke IMAGE:TAG                          Remove the tag's signatures (docker trust revoke).
  witness REPOSITORY ROLE...                Re-sign targets or a delegation as it is, with a fresh
                                            expiry (notary witness --publish).
  signer add NAME REPOSITORY --key PUB.pem  Delegate signing to a public key (docker trust signer add).
  signer remove NAME REPOSITORY [--force]   Remove a signer; --force also when released tags would
                                            stop verifying (docker trust signer remove).
  signer rotate NAME REPOSITORY --key NEW.pub [--force]
                                            Replace a signer's key, re-signing its tags when the new
                                            private key is held; --force when tags would stop verifying.
  key generate NAME [--dir DIR] [--algorithm ed25519|ecdsa]
                                            Create a signer key in the trust dir and DIR/NAME.pub
                                            (default DIR: .; default algorithm: ed25519). Use
                                            --algorithm ecdsa if the public key will be added with
                                            docker trust signer add or notary delegation add: they
                                            refuse Ed25519 public keys.
  key load FILE [--name NAME]               Import a private key into the trust dir, re-encrypted
                                            (role: --name, else the file's role header, else signer).
  key rotate REPOSITORY ROLE [--server-managed] [--yes]
                                            Rotate the targets, snapshot or root key of a repository
                                            (snapshot or timestamp with --server-managed), as notary
                                            key rotate does: signatures by the old key stop verifying.
  sign IMAGE --scheme cosign --key cosign.key [--format legacy|bundle] [--timestamp-server-url URL]
                                            Sign the image's digest as cosign sign --key does: the
                                            .sig tag (default) or a Sigstore bundle referrer; nothing
                                            goes to a transparency log. --timestamp-server-url has an
                                            RFC 3161 timestamp authority stamp the signature.
  key generate --scheme cosign [--dir DIR]  Write DIR/cosign.key (encrypted) and DIR/cosign.pub, as
                                            cosign generate-key-pair does (passphrase: COSIGN_PASSWORD
                                            or the terminal).
  trust forget REPOSITORY                   Drop the root pinned on first use (and the cached trust
                                            data) of a repository: the next check trusts whatever
                                            root its trust server presents.

Options for refs and check:
${optionLines(['format', 'build-arg', 'max-file-bytes'])}

Options for check:
${optionLines(['fail-on', 'config', 'docker-config', 'cache-dir', 'ttl', 'timeout', 'refresh', 'verbose'])}

Options for inspect, sign, revoke, witness, signer, key and trust: --config, --docker-config, --cache-dir and --verbose as for
check (the default policy file is .trustlens.yaml in the current directory or its nearest parent).
${PASSPHRASES}

  -h, --help                Show this help; trustlens <command> --help shows that command's.
  -v, --version             Show the version.

${PATHS}

Exit status: refs: 0 on success. check: 0 when no finding has severity error or a code given to
--fail-on, 1 when one does (a file that cannot be read, an invalid reference or an invalid policy file
is one).
inspect: 0 when every image was inspected, 1 when one has no trust data or does not verify.
sign, revoke, witness, signer, key and trust: 0 when done, 1 when the operation failed.
All: 2 on a usage error, a path that does not exist or holds no file that names images, or a policy
file that cannot be read.`;

/** Parses repeated `NAME=VALUE` build-arg options. */
export function parseBuildArgs(values: readonly string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new UsageError(`--build-arg expects NAME=VALUE, got "${value}"`);
    args.set(value.slice(0, eq), value.slice(eq + 1));
  }
  return args;
}

/** Parses `--max-file-bytes`: a whole number of bytes > 0. */
export function parseMaxFileBytes(value: string | undefined, fallback: number, command: 'refs' | 'check'): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--max-file-bytes must be a whole number of bytes > 0, got "${value}"`, command);
  return n;
}

/** The longest `--timeout` a request may be given, in seconds. */
export const MAX_TIMEOUT_SECONDS = 600;

/** Parses `--timeout`: seconds > 0 and at most {@link MAX_TIMEOUT_SECONDS}, as milliseconds. */
export function parseTimeout(value: string | undefined, fallbackMs: number, command: 'check' | 'inspect'): number {
  if (value === undefined) return fallbackMs;
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(`--timeout must be a number of seconds > 0 and at most ${MAX_TIMEOUT_SECONDS}, got "${value}"`, command);
  }
  return Math.round(seconds * 1000);
}

/** Validates a `--format` value against the formats a command supports. */
export function parseFormat<F extends string>(value: string | undefined, allowed: readonly F[]): F {
  const format = (value ?? allowed[0]) as F;
  if (!allowed.includes(format)) throw new UsageError(`--format must be one of ${allowed.join(', ')}, got "${value}"`);
  return format;
}
