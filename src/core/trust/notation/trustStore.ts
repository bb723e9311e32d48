/**
 * Trust store contents (trust-store-trust-policy.md, "Trust Store"): certificate files in PEM or DER,
 * each certificate a CA or self-signed; a `tsa` store holds root CA certificates only (notation-go
 * `GetCertificates`). Reading the folders is the job of `configFiles.ts`.
 */
import * as asn1js from 'asn1js';
import { decodePemBlocks } from '../../crypto/pem';
import { isSelfSigned, parseCertificate, signatureVerifiedBy, type NotationCertificate } from './certificate';
import type { TrustStoreType } from './trustPolicy';

/** A named store, as a policy refers to it, with the folder it lives in. */
export interface TrustStoreRef {
  type: TrustStoreType;
  /** The name in `type:name`, or the folder as the `.trustlens.yaml` rule wrote it. */
  name: string;
  /** Absolute folder path. */
  dir: string;
}

/** A loaded store. */
export interface TrustStore extends TrustStoreRef {
  certificates: NotationCertificate[];
}

/** Reads the certificates of a store's folder; throws when it cannot be used. */
export type TrustStoreReader = (ref: TrustStoreRef) => TrustStore;

/** The certificates in one file: PEM blocks of type CERTIFICATE, else concatenated DER. */
export function certificatesInFile(bytes: Uint8Array, file: string): NotationCertificate[] {
  const blocks = decodePemBlocks(bytes);
  const ders: Uint8Array[] = [];
  if (blocks.length > 0) {
    for (const b of blocks) if (b.type === 'CERTIFICATE') ders.push(b.bytes);
  } else {
    let rest = bytes;
    while (rest.length > 0) {
      const parsed = asn1js.fromBER(rest);
      if (parsed.offset === -1) throw new Error(`${file} holds neither PEM nor DER certificates`);
      ders.push(rest.subarray(0, parsed.offset));
      rest = rest.subarray(parsed.offset);
    }
  }
  if (ders.length === 0) throw new Error(`${file} holds no certificate`);
  return ders.map((der, i) => {
    try {
      return parseCertificate(der);
    } catch (e) {
      throw new Error(`${file}, certificate ${i + 1}: ${(e as Error).message}`);
    }
  });
}

/** Applies the trust store rules to the certificates of one file. */
export function checkStoreCertificates(certs: readonly NotationCertificate[], type: TrustStoreType, file: string): void {
  for (const cert of certs) {
    if (!cert.basicConstraints?.ca && !signatureVerifiedBy(cert, cert)) {
      throw new Error(`${file}: "${cert.subject}" is neither a CA certificate nor self-signed`);
    }
    if (type === 'tsa' && !isSelfSigned(cert)) throw new Error(`${file}: "${cert.subject}" is not a root CA certificate, which a tsa trust store requires`);
  }
}
