/** Registry + notary-server (TLS) + an admin notary client, started and stopped together. */
import { NotaryCli, type NotaryCliOptions } from './notaryCli';
import { startNotaryServer, type NotaryServer, type NotaryTokenAuth, type ServerKeyAlgorithm } from './notaryServer';
import { startRegistry, type Registry, type RegistryOptions } from './registry';

/** Options for {@link startStack}. */
export interface StackOptions {
  /** Type of the server-held timestamp/snapshot keys; default `ecdsa`. */
  keyAlgorithm?: ServerKeyAlgorithm;
  /** Registry settings (htpasswd, TLS); default plain HTTP without auth. */
  registry?: RegistryOptions;
  /** Put notary-server behind this token service. */
  tokenAuth?: NotaryTokenAuth;
  /** Credentials the notary clients give the token service for writes. */
  notaryAuth?: NotaryCliOptions['auth'];
  /** Fixed loopback port of the notary-server (the registry's port goes in `registry.port`). */
  notaryPort?: number;
}

/** A running stack. */
export interface Stack {
  readonly registry: Registry;
  /** Always TLS, so the docker CLI can use it too. */
  readonly notary: NotaryServer;
  /** The repository owner's client: holds the root key and every targets key it created. */
  readonly cli: NotaryCli;
  /** Another client of this notary-server with an empty trust dir (e.g. for a signer); stopped with the stack. */
  newNotaryCli(): Promise<NotaryCli>;
  /** Stops everything and removes every temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** Starts a registry and a TLS notary-server in parallel, plus an admin notary client. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const started = await Promise.allSettled([
    startRegistry(options.registry),
    startNotaryServer({ keyAlgorithm: options.keyAlgorithm, tls: true, tokenAuth: options.tokenAuth, port: options.notaryPort }),
  ]);
  const [registryResult, notaryResult] = started;
  if (registryResult.status === 'rejected' || notaryResult.status === 'rejected') {
    await Promise.all(started.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
    throw registryResult.status === 'rejected' ? registryResult.reason : (notaryResult as PromiseRejectedResult).reason;
  }
  const registry = registryResult.value;
  const notary = notaryResult.value;
  const clients: NotaryCli[] = [];
  const newNotaryCli = async (): Promise<NotaryCli> => {
    const cli = await NotaryCli.create({ serverUrl: notary.url, caPath: notary.caPath, auth: options.notaryAuth });
    clients.push(cli);
    return cli;
  };
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await Promise.all(clients.map((c) => c.dispose()));
      await Promise.all([registry.stop(), notary.stop()]);
    })();
    return stopping;
  };
  try {
    const cli = await newNotaryCli();
    return { registry, notary, cli, newNotaryCli, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
