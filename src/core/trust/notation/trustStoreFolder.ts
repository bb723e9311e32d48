/**
 * The certificates of a named trust store, read from its folder (`{config}/truststore/x509/<type>/<name>/`)
 * when a reference is checked, apart from `configFiles.ts`, which deciding whether a reference is
 * checked at all needs: reading certificates loads the certificate code, which checks that use no
 * Notation policy do without.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { certificatesInFile, checkStoreCertificates, type TrustStore, type TrustStoreReader, type TrustStoreRef } from './trustStore';
import { TrustPolicyError } from './trustPolicy';

const MAX_CERT_FILE_BYTES = 1024 * 1024;
const MAX_STORE_FILES = 256;

/**
 * Reads a named store's folder. Symlinks are refused (the spec requires it); sub-folders are ignored, as
 * the spec says; every regular file must hold certificates that meet the store's rules.
 */
export const readTrustStoreFolder: TrustStoreReader = (ref: TrustStoreRef): TrustStore => {
  const what = `trust store ${ref.type}:${ref.name}`;
  let stat;
  try {
    stat = lstatSync(ref.dir);
  } catch (e) {
    throw new TrustPolicyError(`${what} does not exist (${ref.dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (!stat.isDirectory()) throw new TrustPolicyError(`${what} (${ref.dir}) is not a regular folder (symlinks are not supported)`);
  const entries = readdirSync(ref.dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (entries.length > MAX_STORE_FILES) throw new TrustPolicyError(`${what} holds more than ${MAX_STORE_FILES} entries`);
  const certificates = [];
  for (const entry of entries) {
    const file = join(ref.dir, entry.name);
    if (entry.isDirectory()) continue;
    if (!entry.isFile()) throw new TrustPolicyError(`${what}: ${file} is not a regular file (symlinks are not supported)`);
    if (lstatSync(file).size > MAX_CERT_FILE_BYTES) throw new TrustPolicyError(`${what}: ${file} is larger than ${MAX_CERT_FILE_BYTES} bytes`);
    try {
      const certs = certificatesInFile(readFileSync(file), file);
      checkStoreCertificates(certs, ref.type, file);
      certificates.push(...certs);
    } catch (e) {
      throw new TrustPolicyError(`${what}: ${(e as Error).message}`);
    }
  }
  if (certificates.length === 0) throw new TrustPolicyError(`${what} (${ref.dir}) holds no certificates`);
  return { ...ref, certificates };
};
