/**
 * What a cosign policy's files hold, loaded: the public keys, the CA roots of each certificate
 * identity, and the Sigstore trusted root file when the policy names one. A file that cannot be read
 * or used is an `invalid-config` error naming it; the verifier turns that into `unverifiable`.
 */
import { readFile } from 'node:fs/promises';
import type { X509Certificate } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { TrustLensError } from '../../errors';
import { parseCertificatesPem } from './certificates';
import type { CosignIdentityRule, CosignPolicy } from './cosignPolicy';
import { parsePublicKeyPem, type CosignPublicKey } from './publicKeys';

/** An identity rule with its CA roots loaded. */
export interface LoadedIdentity {
  readonly rule: CosignIdentityRule;
  /** The roots certificates must chain to; undefined for the Sigstore trusted root. */
  readonly roots: readonly X509Certificate[] | undefined;
}

/** A policy's files, loaded. */
export interface CosignTrust {
  readonly keys: readonly CosignPublicKey[];
  readonly identities: readonly LoadedIdentity[];
  /** The policy's own trusted root (air-gapped use), when it names one. */
  readonly trustedRootFile: { readonly path: string; readonly root: TrustedRoot } | undefined;
}

/** Reads a file's bytes; a port so tests and the editor may supply their own. */
export type ReadFileBytes = (path: string) => Promise<Uint8Array>;

const MAX_FILE_BYTES = 1024 * 1024;

/**
 * Loads every file a policy names.
 * @throws TrustLensError `invalid-config` naming the file that cannot be read or used
 */
export async function loadCosignTrust(policy: CosignPolicy, read: ReadFileBytes = readFileBytes): Promise<CosignTrust> {
  const keys = await Promise.all(policy.keys.map(async (path) => {
    try {
      return parsePublicKeyPem(await readPolicyFile(read, path, 'key'), path);
    } catch (e) {
      throw configError(e, `the cosign key ${path} cannot be used`);
    }
  }));
  const identities = await Promise.all(policy.identities.map(async (rule): Promise<LoadedIdentity> => {
    if (!rule.ca) return { rule, roots: undefined };
    const roots = (await Promise.all(rule.ca.map(async (path) => {
      const certs = parseCertificatesPem(await readPolicyFile(read, path, 'CA'));
      if (!certs || certs.length === 0) throw new TrustLensError('invalid-config', `the CA file ${path} holds no usable PEM certificate`);
      return certs;
    }))).flat();
    return { rule, roots };
  }));
  const trustedRootFile = policy.trustedRoot === undefined ? undefined : { path: policy.trustedRoot, root: await loadTrustedRootFile(policy.trustedRoot, read) };
  return { keys, identities, trustedRootFile };
}

/**
 * A Sigstore trusted root JSON file (`trusted_root.json`, as `cosign`/`sigstore-go` take with
 * `--trusted-root`).
 * @throws TrustLensError `invalid-config`
 */
export async function loadTrustedRootFile(path: string, read: ReadFileBytes = readFileBytes): Promise<TrustedRoot> {
  return parseTrustedRoot(await readPolicyFile(read, path, 'trusted root'), path);
}

/** Parses trusted root JSON. @throws TrustLensError `invalid-config` naming `source` */
export function parseTrustedRoot(bytes: Uint8Array, source: string): TrustedRoot {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new TrustLensError('invalid-config', `the trusted root ${source} is not JSON`, { cause: e });
  }
  const mediaType = (json as { mediaType?: unknown } | null)?.mediaType;
  if (typeof mediaType !== 'string' || !mediaType.startsWith('application/vnd.dev.sigstore.trustedroot')) {
    throw new TrustLensError('invalid-config', `${source} is not a Sigstore trusted root (mediaType ${JSON.stringify(mediaType)})`);
  }
  try {
    return TrustedRoot.fromJSON(json);
  } catch (e) {
    throw new TrustLensError('invalid-config', `the trusted root ${source} is malformed`, { cause: e });
  }
}

async function readPolicyFile(read: ReadFileBytes, path: string, what: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await read(path);
  } catch (e) {
    throw new TrustLensError('invalid-config', `cannot read the cosign ${what} file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  }
  if (bytes.byteLength > MAX_FILE_BYTES) throw new TrustLensError('invalid-config', `the cosign ${what} file ${path} is larger than 1 MiB`);
  return bytes;
}

async function readFileBytes(path: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(path));
}

function configError(e: unknown, message: string): TrustLensError {
  if (TrustLensError.is(e, 'invalid-config')) return e;
  return new TrustLensError('invalid-config', `${message}: ${(e as Error).message}`, { cause: e });
}
