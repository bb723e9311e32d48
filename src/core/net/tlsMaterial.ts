import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { NetError } from './netError';

/** TLS settings for one https origin, as docker reads them from `<config dir>/tls/<host:port>/`. */
export interface TlsMaterial {
  /** Extra trusted CAs (PEM), the `*.crt` files, trusted besides the default store. Undefined = defaults only. */
  ca?: string[];
  /** Client certificate (PEM) from a `*.cert` file, paired with `key`. */
  cert?: string;
  /** Client private key (PEM) from the `*.key` file of the same base name. */
  key?: string;
  /** The directory the material came from, for messages, e.g. `/root/.docker/tls/127.0.0.1:4443`. */
  dir?: string;
}

/**
 * Candidate directory names for an origin. Docker names the directory after the host as written
 * (`myreg:5000`, or `notary.example.com` with the default port); a URL with an explicit `:443` keeps it.
 */
export function tlsDirNames(url: URL): string[] {
  const names = [url.host];
  if (url.port === '') names.push(`${url.hostname}:443`);
  return names;
}

// Node 20 only has the bundled Mozilla store; newer Node versions can also report the system store
// and NODE_EXTRA_CA_CERTS through getCACertificates('default').
function defaultCAs(): string[] {
  const get = (tls as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  return get ? get('default') : [...tls.rootCertificates];
}

/**
 * One TLS context for an origin's connections, or undefined when the defaults do. The extra CAs are
 * added to Node's default trust store (already parsed, shared, copied on the first addition), where
 * passing them as `ca` would replace it, and re-parsing the whole store as PEM would cost more than a
 * handshake.
 * @throws when a file holds no usable certificate or key
 */
export function secureContextFor(material: TlsMaterial): tls.SecureContext | undefined {
  const client = material.cert && material.key ? { cert: material.cert, key: material.key } : {};
  if (!material.ca && !('cert' in client)) return undefined;
  const context = tls.createSecureContext(client);
  if (!material.ca) return context;
  const native = (context as { context?: { addCACert?: (pem: string) => void } }).context;
  if (typeof native?.addCACert !== 'function') return tls.createSecureContext({ ...client, ca: [...defaultCAs(), ...material.ca] });
  for (const pem of material.ca) native.addCACert(pem);
  return context;
}

async function listDir(dir: string): Promise<string[] | undefined> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isFile()).map((d) => d.name).sort();
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT' || (e as { code?: string }).code === 'ENOTDIR') return undefined;
    throw new NetError('tls', `cannot read TLS directory ${dir}`, { cause: e });
  }
}

/**
 * Reads the extra CAs and client certificate for an https origin from `<dockerConfigDir>/tls/<host>/`:
 * every `*.crt` is an extra CA; each `*.cert` needs the `*.key` of the same base name (and vice versa).
 * Returns `{}` when no directory exists.
 * @throws NetError `tls` when a client certificate lacks its key or a file cannot be read
 */
export async function loadTlsMaterial(dockerConfigDir: string, url: URL): Promise<TlsMaterial> {
  for (const name of tlsDirNames(url)) {
    const dir = join(dockerConfigDir, 'tls', name);
    const files = await listDir(dir);
    if (files === undefined) continue;
    const read = (file: string): Promise<string> =>
      readFile(join(dir, file), 'utf8').catch((e: unknown) => {
        throw new NetError('tls', `cannot read ${join(dir, file)}`, { cause: e });
      });
    const material: TlsMaterial = { dir };
    const extraCAs = await Promise.all(files.filter((f) => f.endsWith('.crt')).map(read));
    if (extraCAs.length > 0) material.ca = extraCAs;
    const certs = files.filter((f) => f.endsWith('.cert'));
    const keys = files.filter((f) => f.endsWith('.key'));
    for (const key of keys) {
      if (!certs.includes(key.replace(/\.key$/, '.cert'))) throw new NetError('tls', `missing client certificate for key ${join(dir, key)}`);
    }
    for (const cert of certs) {
      const key = cert.replace(/\.cert$/, '.key');
      if (!keys.includes(key)) throw new NetError('tls', `missing key for client certificate ${join(dir, cert)}`);
      // Like docker, the first pair wins; several pairs for one host are not meaningful to Node.
      if (material.cert === undefined) {
        material.cert = await read(cert);
        material.key = await read(key);
      }
    }
    return material;
  }
  return {};
}
