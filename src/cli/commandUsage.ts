/**
 * The usage of each command, as `trustlens <command> --help` prints it and as a usage error shows it
 * below its one-line message.
 */

/** Every command a person can type, sub-commands included. */
export const COMMANDS = ['refs', 'check', 'inspect', 'sign', 'revoke', 'witness', 'signer', 'signer add', 'signer remove', 'signer rotate', 'key', 'key generate', 'key load', 'key rotate', 'trust', 'trust forget'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** What each option means: `[how it is written, what it does]`. */
export const OPTION_HELP: Readonly<Record<string, readonly [string, string]>> = {
  format: ['--format FORMAT', 'text or json; check also takes sarif and markdown (default: text).'],
  'fail-on': ['--fail-on CODE[,CODE]', 'Fail the run (exit 1) on findings with these codes whatever their severity,\ne.g. expiring-soon (repeatable).'],
  'build-arg': ['--build-arg NAME=VALUE', 'Override a Dockerfile ARG (repeatable).'],
  'max-file-bytes': ['--max-file-bytes N', 'Refuse (as unparsable-file) any file larger than N bytes (default: 5242880).'],
  config: ['--config FILE', 'Policy file (default: .trustlens.yaml in PATH or its nearest parent).'],
  'docker-config': ['--docker-config DIR', 'Docker config directory (default: $DOCKER_CONFIG or ~/.docker).'],
  'cache-dir': ['--cache-dir DIR', 'Verified metadata cache (default: $XDG_CACHE_HOME/trustlens).'],
  ttl: ['--ttl SECONDS', 'Re-check without any request within this time (default: 300).'],
  timeout: ['--timeout SECONDS', 'Give up on a request after this long: unverifiable (default: 15, at most 600).'],
  refresh: ['--refresh', 'Ask the trust servers now, whatever the cache holds.'],
  verbose: ['--verbose', 'Log each request to stderr.'],
  pretty: ['--pretty', 'The same as --format text (docker trust inspect\'s spelling).'],
  signer: ['--signer NAME', 'Sign as this signer: into targets/releases and targets/NAME.'],
  scheme: ['--scheme SCHEME', 'dct (Docker Content Trust, the default) or cosign.'],
  key: ['--key PUB.pem', 'The signer\'s public key (PUBLIC KEY or CERTIFICATE PEM).'],
  force: ['-f, --force', 'Remove the signer even when released tags would stop verifying.'],
  dir: ['--dir DIR', 'Where NAME.pub is written (default: .).'],
  algorithm: ['--algorithm ALG', 'ed25519 (default) or ecdsa. Use ecdsa if the public key will be added with\ndocker trust signer add or notary delegation add: they refuse Ed25519 keys.'],
  name: ['--name NAME', 'The role to store the key under (default: the file\'s role header, else signer).'],
  'server-managed': ['-r, --server-managed', 'The trust server makes and holds the new key (snapshot and timestamp only).'],
  yes: ['-y, --yes', 'Rotate the root key without asking first.'],
  'timestamp-server-url': ['--timestamp-server-url URL', 'cosign: have this RFC 3161 timestamp authority stamp the signature (as cosign sign\n--timestamp-server-url).'],
  help: ['-h, --help', 'Show this help.'],
};

/** The options every write command (sign, revoke, signer, key) takes besides its own. */
const WRITE_OPTIONS = ['config', 'docker-config', 'cache-dir', 'verbose'];
/** A write command has no PATH: its policy file is looked for from the current directory. */
const WRITE_OPTION_TEXT = { config: 'Policy file (default: .trustlens.yaml in the current directory or its nearest\nparent).' };

/** Option lines, aligned, e.g. `  --refresh                 Ask the trust servers now…`. */
export function optionLines(names: readonly string[], overrides: Readonly<Record<string, string>> = {}): string {
  return names.map((name) => {
    const [written, meaning] = OPTION_HELP[name] ?? [`--${name}`, ''];
    // Continuation lines start under the first line's text.
    return `  ${written.padEnd(26)}${(overrides[name] ?? meaning).replace(/\n/g, `\n${' '.repeat(28)}`)}`;
  }).join('\n');
}

export const PATHS = `PATH may be a file or a directory (default: the current directory). Directories are searched for
Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile, compose.yaml, compose.yml, docker-compose.yaml,
docker-compose.yml and their *.override.* variants, Kubernetes manifests (any other YAML file with
apiVersion and kind), kustomization.yaml, Helm values beside a Chart.yaml, devcontainer.json,
.github/workflows/*.yml and .gitlab-ci.yml, skipping node_modules, .git and Helm chart templates.`;

export const PASSPHRASES = `Keys live in <docker config>/trust/private, shared with docker and notary. Passphrases come
from DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE (root key) and DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE
(every other key); without them TrustLens asks on the terminal, and fails when stdin is not one.`;

const COSIGN_NOTE = `With --scheme cosign, keys are cosign's own encrypted key files; the passphrase comes from
COSIGN_PASSWORD, else TrustLens asks on the terminal. Nothing is uploaded to a transparency log (as
cosign --tlog-upload=false).`;

const WRITE_EXIT = 'Exit status: 0 when done, 1 when the operation failed, 2 on a usage error or an invalid policy file.';

interface CommandText {
  /** e.g. `trustlens check [PATH...] [options]` */
  readonly synopsis: string;
  readonly summary: string;
  /** Option names, in the order they are listed. */
  readonly options: readonly string[];
  readonly optionText?: Readonly<Record<string, string>>;
  /** Paragraphs after the options. */
  readonly notes: readonly string[];
}

const TEXTS: Readonly<Record<CommandName, CommandText>> = {
  refs: {
    synopsis: 'trustlens refs [PATH...] [options]',
    summary: 'List every image reference in Dockerfiles, compose, Kubernetes, kustomize, Helm, devcontainer and CI files.',
    options: ['format', 'build-arg', 'max-file-bytes', 'help'],
    optionText: { format: 'text or json (default: text).' },
    notes: [PATHS, 'Exit status: 0 on success, 2 on a usage error, a path that does not exist or a directory that holds\nno file that names images.'],
  },
  check: {
    synopsis: 'trustlens check [PATH...] [options]',
    summary: 'Check every image reference against its signatures: Docker Content Trust and Sigstore cosign.',
    options: ['format', 'fail-on', 'build-arg', 'config', 'docker-config', 'cache-dir', 'ttl', 'timeout', 'refresh', 'verbose', 'max-file-bytes', 'help'],
    optionText: { format: 'text, json, sarif or markdown (default: text). markdown is a report for a pull\nrequest or a CI job summary, with an expiry timeline of the next 90 days.' },
    notes: [PATHS, 'Exit status: 0 when no finding has severity error (or a code given to --fail-on), 1 when one does\n(a file that cannot be read, an invalid reference or an invalid policy file is one), 2 on a usage\nerror, a path that does not exist or holds no file that names images, or a policy file that cannot\nbe read.'],
  },
  inspect: {
    synopsis: 'trustlens inspect IMAGE[:TAG]... [--format text|json] [--scheme dct|all] [options]',
    summary: 'Show a repository\'s verified Docker Content Trust data as docker trust inspect did: the signed tags\nwith their digests and signers, the signers and their keys, the administrative keys. Without a tag,\nevery signed tag is listed; with one, only that tag.',
    options: ['format', 'pretty', 'scheme', 'timeout', ...WRITE_OPTIONS, 'help'],
    optionText: {
      ...WRITE_OPTION_TEXT,
      format: 'text (docker trust inspect --pretty, the default) or json (docker trust\ninspect\'s JSON).',
      scheme: 'dct (the default) or all: with --format json, each image also gets OtherSchemes,\nthe cosign and Notation signatures found for it (the tag, or latest).',
    },
    notes: [
      'The trust server is chosen as for check (DOCKER_CONTENT_TRUST_SERVER, the policy\'s trustServers, else\ndocker\'s default), and asked each time; the root pinned on first use and trustPinning apply.',
      'Exit status: 0 when every image was inspected, 1 when one has no trust data or its trust data does not\nverify (nothing of it is printed; the JSON lists the others), 2 on a usage error or an invalid policy\nfile.',
    ],
  },
  sign: {
    synopsis: 'trustlens sign IMAGE:TAG [options]\n       trustlens sign IMAGE[:TAG|@DIGEST] --scheme cosign --key cosign.key [--format legacy|bundle]\n       [--timestamp-server-url URL] [options]',
    summary: 'Sign the tag as the registry holds it (like docker trust sign), creating the repository\'s trust\ndata if it has none; or, with --scheme cosign, sign its digest as cosign sign --key does.',
    options: ['scheme', 'signer', 'key', 'format', 'timestamp-server-url', ...WRITE_OPTIONS, 'help'],
    optionText: {
      ...WRITE_OPTION_TEXT,
      key: 'cosign: the private key (cosign.key, as cosign generate-key-pair writes it).',
      format: 'cosign: legacy (default: the sha256-<hex>.sig tag every cosign reads) or bundle (a\nSigstore bundle referrer, as cosign 3 writes).',
    },
    notes: [PASSPHRASES, COSIGN_NOTE, WRITE_EXIT],
  },
  revoke: {
    synopsis: 'trustlens revoke IMAGE:TAG [options]',
    summary: 'Remove the tag\'s signatures from every role that holds it and whose key you hold (docker trust revoke).',
    options: [...WRITE_OPTIONS, 'help'],
    optionText: WRITE_OPTION_TEXT,
    notes: [PASSPHRASES, WRITE_EXIT],
  },
  witness: {
    synopsis: 'trustlens witness REPOSITORY ROLE... [options]',
    summary: 'Re-sign roles as they are, with a new version and a fresh expiry (notary witness --publish): targets\n(with the repository key), or a delegation such as targets/releases or targets/NAME (with one of its\nkeys), before it expires or after it has.',
    options: [...WRITE_OPTIONS, 'help'],
    optionText: WRITE_OPTION_TEXT,
    notes: ['root is renewed by trustlens key rotate REPOSITORY root; snapshot and timestamp by any publish (the\ntrust server re-signs the timestamp, and the snapshot when it holds its key).', PASSPHRASES, WRITE_EXIT],
  },
  signer: {
    synopsis: 'trustlens signer add NAME REPOSITORY --key PUB.pem [options]\n       trustlens signer remove NAME REPOSITORY [--force] [options]\n       trustlens signer rotate NAME REPOSITORY --key NEW.pub [--force] [options]',
    summary: 'Delegate signing of a repository to a public key, remove a signer again (docker trust signer), or\nreplace a signer\'s key.',
    options: ['key', 'force', ...WRITE_OPTIONS, 'help'],
    optionText: WRITE_OPTION_TEXT,
    notes: ['See trustlens signer add --help, trustlens signer remove --help and trustlens signer rotate --help.', WRITE_EXIT],
  },
  'signer add': {
    synopsis: 'trustlens signer add NAME REPOSITORY --key PUB.pem [options]',
    summary: 'Delegate signing of REPOSITORY to the public key of signer NAME: targets/NAME and targets/releases\n(docker trust signer add). Needs the repository key; creates the trust data if there is none.',
    options: ['key', ...WRITE_OPTIONS, 'help'],
    optionText: WRITE_OPTION_TEXT,
    notes: [PASSPHRASES, WRITE_EXIT],
  },
  'signer remove': {
    synopsis: 'trustlens signer remove NAME REPOSITORY [options]',
    summary: 'Remove signer NAME from REPOSITORY (docker trust signer remove).',
    options: ['force', ...WRITE_OPTIONS, 'help'],
    optionText: WRITE_OPTION_TEXT,
    notes: [PASSPHRASES, WRITE_EXIT],
  },
  key: {
    synopsis: 'trustlens key generate NAME [--dir DIR] [--algorithm ed25519|ecdsa] [options]\n       trustlens key load FILE [--name NAME] [options]\n       trustlens key rotate REPOSITORY ROLE [--server-managed] [--yes] [options]',
    summary: 'Create a signer key, or import a private key, into the trust dir (docker trust key); rotate a\nrepository\'s root, targets, snapshot or timestamp key (notary key rotate).',
    options: ['dir', 'algorithm', 'name', 'server-managed', 'yes', ...WRITE_OPTIONS, 'help'],
    optionText: WRITE_OPTION_TEXT,
    notes: ['See trustlens key generate --help, trustlens key load --help and trustlens key rotate --help.', WRITE_EXIT],
  },
  'key generate': {
    synopsis: 'trustlens key generate NAME [options]\n       trustlens key generate --scheme cosign [--dir DIR] [options]',
    summary: 'Create a signer key for NAME in the trust dir and write its public key to DIR/NAME.pub; or, with\n--scheme cosign, write DIR/cosign.key (encrypted) and DIR/cosign.pub as cosign generate-key-pair does.',
    options: ['scheme', 'dir', 'algorithm', ...WRITE_OPTIONS, 'help'],
    optionText: WRITE_OPTION_TEXT,
    notes: [PASSPHRASES, COSIGN_NOTE, WRITE_EXIT],
  },
  'key load': {
    synopsis: 'trustlens key load FILE [options]',
    summary: 'Import a private key into the trust dir, re-encrypted.',
    options: ['name', ...WRITE_OPTIONS, 'help'],
    optionText: WRITE_OPTION_TEXT,
    notes: [PASSPHRASES, WRITE_EXIT],
  },
  'key rotate': {
    synopsis: 'trustlens key rotate REPOSITORY ROLE [options]',
    summary: 'Rotate a key of REPOSITORY as notary key rotate does: ROLE is targets (the repository key), snapshot,\nroot, or with --server-managed snapshot or timestamp. A new root lists the new key, signed with the\nroot key; targets (and a snapshot this machine signs) are re-signed with the new key, so signatures\nmade with the old key stop verifying while signed tags stay signed. A new root key signs the new root\ntogether with the old one, so clients that pinned the old root follow it. Needs the root key.',
    options: ['server-managed', 'yes', ...WRITE_OPTIONS, 'help'],
    optionText: WRITE_OPTION_TEXT,
    notes: ['After a targets or snapshot rotation the old private key is deleted from the trust dir, as notary does;\nold root keys are kept.', PASSPHRASES, WRITE_EXIT],
  },
  'signer rotate': {
    synopsis: 'trustlens signer rotate NAME REPOSITORY --key NEW.pub [options]',
    summary: 'Replace the key of signer NAME of REPOSITORY (in targets/NAME and targets/releases) with the key in\nNEW.pub. Needs the repository key. When the new private key is held here, NAME\'s signed tags are\nre-signed with it; otherwise the command names the tags that would stop verifying and asks first.',
    options: ['key', 'force', ...WRITE_OPTIONS, 'help'],
    optionText: { ...WRITE_OPTION_TEXT, key: 'The signer\'s new public key (PUBLIC KEY or CERTIFICATE PEM).', force: 'Rotate even when signed tags would stop verifying.' },
    notes: [PASSPHRASES, WRITE_EXIT],
  },
  trust: {
    synopsis: 'trustlens trust forget REPOSITORY [options]',
    summary: 'Manage the roots pinned on first use in the trust cache.',
    options: [...WRITE_OPTIONS, 'help'],
    optionText: WRITE_OPTION_TEXT,
    notes: ['See trustlens trust forget --help.', WRITE_EXIT],
  },
  'trust forget': {
    synopsis: 'trustlens trust forget REPOSITORY [options]',
    summary: 'Drop the root pinned on first use (and the cached trust data) of REPOSITORY: the next check trusts\nwhatever root its trust server presents. To pin roots for good, use trustPinning in .trustlens.yaml.',
    options: [...WRITE_OPTIONS, 'help'],
    optionText: WRITE_OPTION_TEXT,
    notes: ['The trust server is chosen as for check (DOCKER_CONTENT_TRUST_SERVER, the policy\'s trustServers, else\ndocker\'s default).', WRITE_EXIT],
  },
};

/** The usage of one command, e.g. for `trustlens check --help`. */
export function commandUsage(command: CommandName): string {
  const t = TEXTS[command];
  return [`Usage: ${t.synopsis}`, t.summary, `Options:\n${optionLines(t.options, t.optionText)}`, ...t.notes].join('\n\n');
}

/** The option names a command takes (`format`, `build-arg`, …), for suggestions. */
export function commandOptions(command: CommandName): readonly string[] {
  return TEXTS[command].options;
}
