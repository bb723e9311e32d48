/**
 * What the CLI's write commands (`sign`, `signer`, `revoke`, `key`) share with `check`: the docker
 * config directory, the trust servers of the policy file, the verified-metadata cache and logging;
 * plus docker's passphrases and the error handling (exit 1 with one readable line).
 */
import { join } from 'node:path';
import { cliLogger } from '../cliEngine';
import { TrustLensError, describeError } from '../../core/errors';
import { FileKeyStore } from '../../core/trust/dct/keys/fileKeyStore';
import { CredentialResolver } from '../../core/net/credentials';
import { defaultDockerConfigDir } from '../../core/net/dockerConfig';
import { RegistryClient } from '../../core/net/registryClient';
import { UndiciHttpClient } from '../../core/net/undiciHttpClient';
import { defaultPolicy } from '../../core/policy/policy';
import { findPolicyFile, loadPolicyFile } from '../../core/policy/policyFile';
import { systemClock, type Logger } from '../../core/ports';
import { createTrustPublisher } from '../../core/trust/dct/signing/createPublisher';
import { describeWhoCanSign, type SigningError } from '../../core/trust/dct/signing/signingErrors';
import type { PassphraseProvider } from '../../core/trust/dct/keys/signingKey';
import type { TrustPublisher } from '../../core/trust/dct/signing/trustPublisher';
import { defaultCacheDir } from '../../core/trust/dct/createBackend';
import { FileMetadataStore } from '../../core/trust/dct/metadataStore';
import { cliPassphrases, type Terminal } from './passphrases';
import type { CliIo } from '../refsCommand';
import { VERSION } from '../version';

const USER_AGENT = `trustlens/${VERSION}`;

/** The CLI's streams, plus the terminal when stdin is one (never for tests or pipes). */
export interface WriteIo extends CliIo {
  terminal?: Terminal;
}

/** `parseArgs` options every write command takes. */
export const COMMON_OPTIONS = {
  config: { type: 'string' },
  'docker-config': { type: 'string' },
  'cache-dir': { type: 'string' },
  verbose: { type: 'boolean' },
} as const;

/** Values of {@link COMMON_OPTIONS}. */
export interface CommonValues {
  config?: string;
  'docker-config'?: string;
  'cache-dir'?: string;
  verbose?: boolean;
}

/** What a write command works with. */
export interface WriteSetup {
  /** e.g. `~/.docker` */
  readonly dockerConfigDir: string;
  /** `<docker config>/trust`: the keys docker and TrustLens share. */
  readonly keys: FileKeyStore;
  readonly passphrases: PassphraseProvider;
  readonly logger: Logger;
  /** Runs `fn` with a publisher (and the registry for resolving tags), closing both afterwards. */
  withPublisher<T>(fn: (publisher: TrustPublisher, registry: RegistryClient) => Promise<T>): Promise<T>;
}

/** Builds the setup from the common options and the environment. */
export function writeSetup(values: CommonValues, io: WriteIo): WriteSetup {
  const dockerConfigDir = values['docker-config'] ?? defaultDockerConfigDir(io.env);
  const logger = cliLogger(values.verbose, io.stderr);
  const passphrases = cliPassphrases(io.env, io.terminal, (text) => io.stderr(text));
  return {
    dockerConfigDir,
    keys: new FileKeyStore(join(dockerConfigDir, 'trust')),
    passphrases,
    logger,
    async withPublisher(fn) {
      // `--config FILE`, else `.trustlens.yaml` here or in the nearest parent, as for `check`.
      const found = values.config ?? findPolicyFile(process.cwd());
      const policy = found ? loadPolicyFile(found) : defaultPolicy();
      const { publisher, close } = createTrustPublisher({
        dockerConfigDir,
        store: new FileMetadataStore(values['cache-dir'] ?? defaultCacheDir(io.env)),
        passphrases,
        env: io.env,
        trustServers: policy.trustServers,
        clock: systemClock,
        logger,
        userAgent: USER_AGENT,
        // docker talks plain http to a registry on this machine (127.0.0.0/8 is an insecure registry by default).
        plainHttpForLoopbackRegistries: true,
      });
      const http = new UndiciHttpClient({ dockerConfigDir, logger, userAgent: USER_AGENT });
      const registry = new RegistryClient({
        http,
        credentials: new CredentialResolver({ dockerConfigDir, allowCredentialHelpers: true, logger }),
        logger,
        plainHttpForLoopback: true,
      });
      try {
        return await fn(publisher, registry);
      } finally {
        await Promise.all([close(), http.close()]);
      }
    },
  };
}

/**
 * Runs a write command: a typed failure (bad passphrase, refused upload, unreachable server…)
 * prints `trustlens: <what> failed: <why>` and gives exit status 1; when no held key can sign, a second
 * line says who can and what to do. Usage problems and an unreadable policy file are left to the caller
 * (exit 2).
 */
export async function runWrite(io: WriteIo, what: string, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (e) {
    if (TrustLensError.is(e, 'invalid-config') || TrustLensError.is(e, 'unreadable-path') || !TrustLensError.is(e)) throw e;
    io.stderr(`trustlens: ${what}: ${describeError(e)}\n`);
    const who = (e as SigningError).whoCanSign;
    if (TrustLensError.is(e, 'no-signing-key') && who) {
      io.stderr(`${describeWhoCanSign(who)}: load one of their keys with trustlens key load, or have the repository owner add you with trustlens signer add NAME ${who.gun} --key NAME.pub\n`);
    }
    return 1;
  }
}
