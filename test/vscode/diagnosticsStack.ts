/**
 * The trust data that the committed fixtures under `test/fixtures/workspace/{verdicts,policy,servers}`
 * name, on a real registry and notary-server. Used inside the extension host by the diagnostics,
 * untrusted-workspace and measurement tests, and in node by the UI checks, so it must not import
 * `vscode`.
 *
 * The fixtures name the registry {@link FIXTURE_REGISTRY}; user settings map it to this stack's
 * notary-server, whatever port that got. The registry itself listens there when the port is free (then
 * hovers can name the manifest kind); trust checks only ever talk to the notary-server.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pushImage } from '../helpers/stack/push';
import { canConnect } from '../helpers/stack/ports';
import { addSigner, createSigner, hexOf, signAs } from '../helpers/stack/signers';
import { startStack, type Stack } from '../helpers/stack/stack';
import { startTokenIssuer, type TokenIssuer } from '../helpers/stack/tokenIssuer';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';

/** Registry host every fixture image on the main stack names. */
export const FIXTURE_REGISTRY = '127.0.0.1:15080';
/** Registry host of the fixture images behind the token-auth notary-server. */
export const PRIVATE_REGISTRY = '127.0.0.1:15081';
/** A registry whose default trust server (`https://127.0.0.1:9`) refuses connections. */
export const OFFLINE_REGISTRY = '127.0.0.1:9';
/** A pinned digest no tag is signed as. */
export const WRONG_DIGEST = `sha256:${'0'.repeat(64)}`;
/** Basic credentials the token service of the private stack demands. */
export const PRIVATE_CREDENTIALS = { user: 'ci-bot', password: 'fixture-private-password' } as const;

/** The main stack with the fixture repositories. */
export interface FixtureStack {
  readonly stack: Stack;
  /** The notary-server URL, e.g. `https://127.0.0.1:40123`. */
  readonly server: string;
  /** Signed (or pushed) digest per `<repository>:<tag>`, e.g. `app:3.19` → `sha256:…`. */
  readonly digests: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * Starts a registry and an Ed25519 notary-server (no notary-signer to wait for) and publishes:
 * - `trustlens/app`: `3.18`, `3.19`, `3.20` and `latest` signed into `targets` by the owner;
 *   `3.19.5` only pushed (unsigned);
 * - `trustlens/signers`: `v1` released by signer alice, `beta` only in `targets/alice` (not released);
 * - `trustlens/empty`: pushed, never signed (no trust data); `trustlens/built`: nothing at all.
 */
export async function startFixtureStack(): Promise<FixtureStack> {
  const port = Number(FIXTURE_REGISTRY.split(':')[1]);
  const stack = await startStack({ keyAlgorithm: 'ed25519', ...((await canConnect(port)) ? {} : { registry: { port } }) });
  try {
    const digests: Record<string, string> = {};
    const app = `${FIXTURE_REGISTRY}/trustlens/app`;
    await stack.cli.init(app);
    for (const tag of ['3.18', '3.19', '3.20', 'latest', '3.19.5']) {
      const image = await pushImage(stack.registry, 'trustlens/app', tag);
      digests[`app:${tag}`] = image.digest;
      if (tag !== '3.19.5') await stack.cli.addHash(app, tag, image.size, hexOf(image.digest));
    }
    await stack.cli.publish(app);

    const signers = `${FIXTURE_REGISTRY}/trustlens/signers`;
    await stack.cli.init(signers);
    await stack.cli.publish(signers);
    // A signer holds no snapshot key: the server must sign snapshots, as docker sets repositories up.
    await stack.cli.rotateSnapshotToServer(signers);
    const alice = await createSigner(stack, 'alice');
    await addSigner(stack.cli, signers, alice);
    for (const tag of ['v1', 'beta']) {
      const image = await pushImage(stack.registry, 'trustlens/signers', tag);
      digests[`signers:${tag}`] = image.digest;
      await signAs(alice, signers, tag, image, { released: tag === 'v1' });
    }
    digests['empty:1.0'] = (await pushImage(stack.registry, 'trustlens/empty', '1.0')).digest;
    return { stack, server: stack.notary.url, digests, stop: () => stack.stop() };
  } catch (e) {
    await stack.stop();
    throw e;
  }
}

/** A notary-server behind a token service that gives tokens only for {@link PRIVATE_CREDENTIALS}. */
export interface PrivateStack {
  readonly stack: Stack;
  readonly issuer: TokenIssuer;
  readonly server: string;
  /** Signed digest of `trustlens/private:v1`. */
  readonly digest: string;
  stop(): Promise<void>;
}

/** Starts the token-auth stack and signs `127.0.0.1:15081/trustlens/private:v1` into `targets`. */
export async function startPrivateStack(): Promise<PrivateStack> {
  const issuer = await startTokenIssuer({ credentials: { ...PRIVATE_CREDENTIALS } });
  let stack: Stack | undefined;
  try {
    stack = await startStack({ keyAlgorithm: 'ed25519', tokenAuth: issuer, notaryAuth: { ...PRIVATE_CREDENTIALS } });
    const gun = `${PRIVATE_REGISTRY}/trustlens/private`;
    const image = await pushImage(stack.registry, 'trustlens/private', 'v1');
    await stack.cli.init(gun);
    await stack.cli.addHash(gun, 'v1', image.size, hexOf(image.digest));
    await stack.cli.publish(gun);
    const running = stack;
    return {
      stack, issuer, server: stack.notary.url, digest: image.digest,
      stop: async () => {
        await running.stop();
        await issuer.stop();
      },
    };
  } catch (e) {
    await stack?.stop();
    await issuer.stop();
    throw e;
  }
}

/** A docker config dir trusting the CA of each stack's notary-server, plus `config.json` if given. */
export async function fixtureDockerConfig(stacks: readonly Stack[], config?: unknown): Promise<TestDockerConfig> {
  const docker = await makeDockerConfig(stacks.map((s) => ({ host: s.notary.host, caPem: s.notary.caPem })));
  if (config !== undefined) await docker.writeConfig(config);
  return docker;
}

/**
 * The user settings that point TrustLens at the stacks: the fixture registries to their trust servers,
 * the docker config dir, and no debounce (each test waits on events, not on time).
 */
export function fixtureSettings(options: { main?: FixtureStack; private?: PrivateStack; dockerConfig: TestDockerConfig }): Record<string, unknown> {
  const servers: Record<string, string> = { [OFFLINE_REGISTRY]: `https://${OFFLINE_REGISTRY}` };
  if (options.main) servers[FIXTURE_REGISTRY] = options.main.server;
  if (options.private) servers[PRIVATE_REGISTRY] = options.private.server;
  return {
    'trustlens.trustServers': servers,
    'trustlens.dockerConfigDir': options.dockerConfig.path,
    'trustlens.debounceMs': 0,
  };
}

/**
 * Writes a real `docker-credential-<name>` script into `binDir` (a directory on the extension host's
 * PATH): every run appends a line to `marker`; `get` for {@link PRIVATE_REGISTRY} answers
 * {@link PRIVATE_CREDENTIALS}, anything else "credentials not found", as docker's helpers do.
 * Returns the script's path.
 */
export async function writeMarkerHelper(binDir: string, name: string, marker: string): Promise<string> {
  for (const value of [name, marker]) {
    if (!/^[A-Za-z0-9._/-]+$/.test(value)) throw new Error(`not safe to embed in a shell script: ${value}`);
  }
  const { user, password } = PRIVATE_CREDENTIALS;
  const program = join(binDir, `docker-credential-${name}`);
  await writeFile(program, `#!/bin/sh
server=$(cat)
printf '%s %s\\n' "$1" "$server" >> '${marker}'
if [ "$1" = get ] && [ "$server" = '${PRIVATE_REGISTRY}' ]; then
  printf '{"ServerURL":"%s","Username":"${user}","Secret":"${password}"}\\n' "$server"
  exit 0
fi
echo 'credentials not found in native keychain'
exit 1
`);
  await chmod(program, 0o755);
  return program;
}
