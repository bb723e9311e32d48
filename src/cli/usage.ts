/** A usage problem: the CLI prints it with the usage text and exits with status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage: trustlens <command> [options]

Commands:
  refs [PATH...]    List every image reference in Dockerfiles and compose files.
  check [PATH...]   Check every reference against its Docker Content Trust data.

  sign IMAGE:TAG [--signer NAME]            Sign the tag as the registry holds it (like docker trust sign),
                                            creating the repository's trust data if it has none.
  revoke IMAGE:TAG                          Remove the tag's signatures (docker trust revoke).
  signer add NAME REPOSITORY --key PUB.pem  Delegate signing to a public key (docker trust signer add).
  signer remove NAME REPOSITORY [--force]   Remove a signer; --force also when released tags would
                                            stop verifying (docker trust signer remove).
  key generate NAME [--dir DIR] [--algorithm ed25519|ecdsa]
                                            Create a signer key in the trust dir and DIR/NAME.pub
                                            (default DIR: .; default algorithm: ed25519). Use
                                            --algorithm ecdsa if the public key will be added with
                                            docker trust signer add or notary delegation add: they
                                            refuse Ed25519 public keys.
  key load FILE [--name NAME]               Import a private key into the trust dir, re-encrypted
                                            (role: --name, else the file's role header, else signer).

Options for refs and check:
  --format FORMAT           text or json; check also takes sarif (default: text).
  --build-arg NAME=VALUE    Override a Dockerfile ARG (repeatable).

Options for check:
  --config FILE             Policy file (default: .trustlens.yaml in PATH or its nearest parent).
  --docker-config DIR       Docker config directory (default: $DOCKER_CONFIG or ~/.docker).
  --cache-dir DIR           Verified metadata cache (default: $XDG_CACHE_HOME/trustlens).
  --ttl SECONDS             Re-check without any request within this time (default: 300).
  --refresh                 Ask the trust servers now, whatever the cache holds.
  --verbose                 Log each request to stderr.

Options for sign, revoke, signer and key: --config, --docker-config, --cache-dir and --verbose as for
check (the default policy file is .trustlens.yaml in the current directory or its nearest parent).
Keys live in <docker config>/trust/private, shared with docker and notary. Passphrases come
from DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE (root key) and DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE
(every other key); without them TrustLens asks on the terminal, and fails when stdin is not one.

  -h, --help                Show this help.
  -v, --version             Show the version.

PATH may be a file or a directory (default: the current directory). Directories are searched for
Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile, compose.yaml, compose.yml, docker-compose.yaml,
docker-compose.yml and their *.override.* variants, skipping node_modules and .git.

Exit status: refs: 0 on success. check: 0 when no finding has severity error, 1 when one does.
sign, revoke, signer and key: 0 when done, 1 when the operation failed.
All: 2 on a usage error, an unreadable path or an invalid policy file.`;

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

/** Validates a `--format` value against the formats a command supports. */
export function parseFormat<F extends string>(value: string | undefined, allowed: readonly F[]): F {
  const format = (value ?? allowed[0]) as F;
  if (!allowed.includes(format)) throw new UsageError(`--format must be one of ${allowed.join(', ')}, got "${value}"`);
  return format;
}
