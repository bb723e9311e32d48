/**
 * The real trust stack for the quick-fix tests, started inside the extension host: a registry and a
 * TLS notary-server holding
 * - `trustlens/app`: `3.18`, `3.19` and `3.20` signed into `targets` by the owner, `3.19.5` only pushed;
 * - `trustlens/releases`: `v1` released by signer alice in `targets/releases`;
 * and TrustLens pointed at it through user settings (restored by `stop()`).
 */
import * as vscode from 'vscode';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';
import { pushImage } from '../helpers/stack/push';
import { buildReleases } from '../helpers/stack/scenarios';
import { hexOf } from '../helpers/stack/signers';
import { startStack, type Stack } from '../helpers/stack/stack';

/** What the tests need to know about the running stack. */
export interface QuickFixStack {
  /** The registry's `127.0.0.1:<port>`, the first component of every image name. */
  readonly host: string;
  /** The trust server URL, e.g. `https://127.0.0.1:40123`. */
  readonly server: string;
  /** Signed digest per `<repository>:<tag>`, e.g. `app:3.19` → `sha256:…`. */
  readonly digests: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

const SETTINGS = ['trustServers', 'dockerConfigDir', 'debounceMs'] as const;

/** Starts the stack, signs the tags and points TrustLens at it. */
export async function startQuickFixStack(): Promise<QuickFixStack> {
  const stack: Stack = await startStack();
  let dockerConfig: TestDockerConfig | undefined;
  const stop = async () => {
    const config = vscode.workspace.getConfiguration('trustlens');
    for (const key of SETTINGS) await config.update(key, undefined, vscode.ConfigurationTarget.Global);
    await dockerConfig?.remove();
    await stack.stop();
  };
  try {
    const gun = `${stack.registry.host}/trustlens/app`;
    const digests: Record<string, string> = {};
    await stack.cli.init(gun);
    for (const tag of ['3.18', '3.19', '3.20']) {
      const image = await pushImage(stack.registry, 'trustlens/app', tag);
      await stack.cli.addHash(gun, tag, image.size, hexOf(image.digest));
      digests[`app:${tag}`] = image.digest;
    }
    await stack.cli.publish(gun);
    await pushImage(stack.registry, 'trustlens/app', '3.19.5');
    const releases = await buildReleases(stack, { repository: 'trustlens/releases' });
    digests['releases:v1'] = releases.images.v1!.digest;

    dockerConfig = await makeDockerConfig([{ host: stack.notary.host, caPem: stack.notary.caPem }]);
    const config = vscode.workspace.getConfiguration('trustlens');
    await config.update('trustServers', { [stack.registry.host]: stack.notary.url }, vscode.ConfigurationTarget.Global);
    await config.update('dockerConfigDir', dockerConfig.path, vscode.ConfigurationTarget.Global);
    await config.update('debounceMs', 0, vscode.ConfigurationTarget.Global);
    return { host: stack.registry.host, server: stack.notary.url, digests, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
