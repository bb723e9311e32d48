/**
 * Which pin a GUN's root is checked against, from the policy's `trustPinning`, with notary's
 * precedence (`trustpinning.NewTrustPinChecker`): the GUN's own `certs` entry, else the longest
 * `certs` wildcard (`prefix*`) that starts it, else the longest `ca` prefix that starts it (its
 * bundle's valid certificates), else a refusal when `disableTOFU` is set, else trust on first use.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { describeError } from '../../errors';
import { certificateProblem, loadCertBundleFromPem } from '../../crypto/x509';
import type { TrustPinningConfig } from '../../policy/trustPinning';
import type { RootPin } from './tuf/trustPin';
import { TufError } from './tuf/tufErrors';

/** A CA bundle is a few certificates; a bigger file (or a device, a FIFO) is refused, not read. */
const MAX_CA_BUNDLE_BYTES = 1 << 20;

const VALIDATION_FAIL = 'could not validate the path to a trusted root';

function pinError(message: string): TufError {
  return new TufError('root-invalid', `${VALIDATION_FAIL}: ${message}`, { role: 'root' });
}

/** The longest key of `map` that `matches` accepts. */
function longest(keys: readonly string[], matches: (key: string) => boolean): string | undefined {
  let best: string | undefined;
  for (const key of keys) if (matches(key) && (best === undefined || key.length > best.length)) best = key;
  return best;
}

async function readBundle(path: string): Promise<Uint8Array> {
  // Non-blocking, so that a FIFO named as a bundle cannot hold the open up.
  const file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await file.stat();
    if (!info.isFile()) throw new Error('not a regular file');
    if (info.size > MAX_CA_BUNDLE_BYTES) throw new Error(`larger than ${MAX_CA_BUNDLE_BYTES} bytes`);
    const bytes = Buffer.alloc(info.size);
    const { bytesRead } = await file.read(bytes, 0, info.size, 0);
    return bytes.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/**
 * The pin for `gun` (undefined: trust on first use). A CA bundle that cannot be read, or holds no
 * valid certificate, is a `root-invalid` error naming the pin, as notary fails such a root.
 */
export async function rootPinFor(config: TrustPinningConfig | undefined, gun: string, nowMs: number): Promise<RootPin | undefined> {
  if (!config) return undefined;
  const certKeys = Object.keys(config.certs);
  const certs = Object.hasOwn(config.certs, gun)
    ? gun
    : longest(certKeys.filter((k) => k.endsWith('*')), (k) => gun.startsWith(k.slice(0, -1)));
  if (certs !== undefined) return { kind: 'certs', ids: config.certs[certs]!, source: `trustPinning.certs "${certs}"` };

  const prefix = longest(Object.keys(config.ca), (k) => gun.startsWith(k));
  if (prefix !== undefined) {
    const file = config.ca[prefix]!;
    const source = `trustPinning.ca "${prefix}" (${file})`;
    let bytes: Uint8Array;
    try {
      bytes = await readBundle(file);
    } catch (e) {
      throw pinError(`could not load root cert from CA path: ${source}: ${describeError(e)}`);
    }
    const all = loadCertBundleFromPem(bytes);
    if (!all) throw pinError(`could not load root cert from CA path: ${source} holds no PEM certificates`);
    const cas = all.filter((c) => certificateProblem(c, nowMs) === undefined);
    if (cas.length === 0) throw pinError(`invalid CA certs provided: ${source} holds no certificate that is valid now`);
    return { kind: 'ca', cas, source };
  }

  if (config.disableTOFU) {
    return { kind: 'refuse', source: `trustPinning.disableTOFU is true and neither trustPinning.certs nor trustPinning.ca names ${gun}` };
  }
  return undefined;
}
