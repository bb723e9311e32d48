/**
 * A throw-away docker config directory, laid out the way docker (and TrustLens) read it:
 * `tls/<host:port>/ca.crt` for extra CAs of an https server, `config.json` for credentials.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '../stack/tempDir';

/** A docker config directory for one test. */
export interface TestDockerConfig {
  /** Absolute path: pass it as `dockerConfigDir` / `--docker-config` / `DOCKER_CONFIG`. */
  readonly path: string;
  /** Trusts `caPem` for `https://<host>` (writes `tls/<host>/ca.crt`), e.g. host `127.0.0.1:40123`. */
  addCa(host: string, caPem: string): Promise<void>;
  /** Writes `config.json` (mode 0600). */
  writeConfig(config: unknown): Promise<void>;
  remove(): Promise<void>;
}

/** Creates an empty docker config dir, then trusts each `{ host, caPem }` given. */
export async function makeDockerConfig(cas: ReadonlyArray<{ host: string; caPem: string | undefined }> = []): Promise<TestDockerConfig> {
  const dir = await makeTempDir('docker-config');
  const config: TestDockerConfig = {
    path: dir.path,
    async addCa(host, caPem) {
      const tlsDir = join(dir.path, 'tls', host);
      await mkdir(tlsDir, { recursive: true });
      await writeFile(join(tlsDir, 'ca.crt'), caPem);
    },
    async writeConfig(json) {
      await writeFile(join(dir.path, 'config.json'), JSON.stringify(json, null, 2), { mode: 0o600 });
    },
    remove: () => dir.remove(),
  };
  for (const { host, caPem } of cas) {
    if (caPem === undefined) throw new Error(`no CA for ${host}: the trust server must serve TLS`);
    await config.addCa(host, caPem);
  }
  return config;
}
