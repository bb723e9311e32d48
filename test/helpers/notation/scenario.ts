/**
 * Building blocks for Notation tests: the shared real fixtures, generated signed images in an OCI
 * layout, and trust policies with in-memory trust stores (the same rules as notation's folders).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpClient, HttpResponse } from '../../../src/core/net/http';
import type { EffectiveNotationPolicy } from '../../../src/core/trust/notation/policy';
import type { OciDescriptor } from '../../../src/core/trust/notation/source';
import { certificatesInFile, checkStoreCertificates, type TrustStore, type TrustStoreReader, type TrustStoreRef } from '../../../src/core/trust/notation/trustStore';
import { validateStatementCore, type TrustStoreType } from '../../../src/core/trust/notation/trustPolicy';
import { OciLayoutSource, OciLayoutWriter } from './ociLayout';
import { signatureManifest, signEnvelope, type SignOptions } from './signatureGenerator';

const temporary: string[] = [];
/** A temporary folder removed when the test process exits. */
export function notationTempDir(prefix: string): string {
  if (temporary.length === 0) process.once('exit', () => temporary.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const dir = mkdtempSync(join(tmpdir(), `trustlens-${prefix}-`));
  temporary.push(dir);
  return dir;
}

/** `../shared/fixtures/notation`, relative to the repository root; fails loudly when it is missing. */
export function notationFixture(...parts: string[]): string {
  const root = join(process.cwd(), '..', 'shared', 'fixtures', 'notation');
  if (!existsSync(root)) throw new Error(`the shared Notation fixtures are missing: expected ${root} (../shared/fixtures beside the repository)`);
  return join(root, ...parts);
}

export function readNotationFixture(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(notationFixture(...parts)));
}

/** An HTTP port for tests that must not touch the network: every request fails the test. */
export const noNetwork: HttpClient = {
  request: () => Promise.reject(new Error('no network in this test')),
  get: () => Promise.reject(new Error('no network in this test')),
  head: () => Promise.reject(new Error('no network in this test')),
  post: () => Promise.reject(new Error('no network in this test')),
  put: (): Promise<HttpResponse> => Promise.reject(new Error('no network in this test')),
};

export interface StoreSpec {
  type: TrustStoreType;
  name: string;
  /** PEM or DER files' contents. */
  files: readonly (Uint8Array | string)[];
}

export interface PolicySpec {
  level?: string;
  override?: Record<string, string>;
  verifyTimestamp?: 'always' | 'afterCertExpiry';
  stores?: readonly StoreSpec[];
  identities?: readonly string[];
  name?: string;
}

/** A policy plus a reader that serves its stores from memory, applying the trust store rules. */
export function testPolicy(spec: PolicySpec): { policy: EffectiveNotationPolicy; readTrustStore: TrustStoreReader } {
  const stores = spec.stores ?? [];
  const identities = spec.identities ?? (spec.level === 'skip' ? [] : ['*']);
  const sv = { level: spec.level ?? 'strict', ...(spec.override ? { override: spec.override } : {}), ...(spec.verifyTimestamp ? { verifyTimestamp: spec.verifyTimestamp } : {}) };
  const refs: TrustStoreRef[] = stores.map((s) => ({ type: s.type, name: s.name, dir: `memory:${s.type}/${s.name}` }));
  const policy: EffectiveNotationPolicy = {
    name: spec.name ?? 'test',
    origin: 'notation-config',
    level: validateStatementCore(spec.name ?? 'test', sv, refs.map((r) => `${r.type}:${r.name}`), identities),
    verifyTimestamp: spec.verifyTimestamp ?? 'always',
    trustStores: refs,
    trustedIdentities: [...identities],
  };
  const readTrustStore = (ref: TrustStoreRef): TrustStore => {
    const store = stores.find((s) => `memory:${s.type}/${s.name}` === ref.dir);
    if (!store) throw new Error(`trust store ${ref.type}:${ref.name} does not exist`);
    const certificates = store.files.flatMap((f, i) => {
      const certs = certificatesInFile(typeof f === 'string' ? Buffer.from(f) : f, `${ref.name}/${i}`);
      checkStoreCertificates(certs, ref.type, `${ref.name}/${i}`);
      return certs;
    });
    return { ...ref, certificates };
  };
  return { policy, readTrustStore };
}

export type GeneratedSignature = Omit<SignOptions, 'target'> & {
  /** Sign this descriptor instead of the image's (another image, a wrong size…). */
  target?: SignOptions['target'];
  form?: 'config' | 'artifactType';
};

/** A small image and its signatures, written as an OCI layout with a referrers tag index, like the e2e layouts. */
export async function writeSignedImage(
  signatures: readonly GeneratedSignature[],
  dir: string = notationTempDir('notation'),
  /** An existing image to sign instead of a generated one: its manifest bytes and blobs. */
  image?: { manifest: Uint8Array; blobs: readonly { bytes: Uint8Array; mediaType: string }[] },
): Promise<{
  source: OciLayoutSource;
  target: OciDescriptor;
  writer: OciLayoutWriter;
  signatureManifests: OciDescriptor[];
}> {
  const writer = new OciLayoutWriter(dir);
  let target: OciDescriptor;
  if (image) {
    for (const b of image.blobs) writer.blob(b.bytes, b.mediaType);
    target = writer.manifestBytes(image.manifest, 'application/vnd.oci.image.manifest.v1+json', 'v1');
  } else {
    const config = writer.blob('{}', 'application/vnd.oci.image.config.v1+json');
    const layer = writer.blob(`layer ${dir}\n`, 'application/vnd.oci.image.layer.v1.tar');
    target = writer.manifest({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers: [layer] }, 'application/vnd.oci.image.manifest.v1+json', 'v1');
  }
  const entries: OciDescriptor[] = [];
  const signatureManifests: OciDescriptor[] = [];
  for (const s of signatures) {
    const { bytes, mediaType } = await signEnvelope({ ...s, target: s.target ?? target });
    const envelope = writer.blob(bytes, mediaType);
    writer.blob('{}', 'application/vnd.cncf.notary.signature');
    const manifest = signatureManifest(envelope, target, s.chain, s.form, s.signingTime);
    const d = writer.manifest(manifest, 'application/vnd.oci.image.manifest.v1+json');
    entries.push({ ...d, annotations: manifest.annotations as Record<string, string>, artifactType: 'application/vnd.cncf.notary.signature' });
    signatureManifests.push(d);
  }
  if (signatureManifests.length > 0) {
    // The referrers tag schema index, as notation and oras write it for registries without the referrers API.
    const referrersIndex = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: entries };
    writer.manifest(referrersIndex, 'application/vnd.oci.image.index.v1+json', `sha256-${target.digest.slice(7)}`);
  }
  return { source: new OciLayoutSource(dir), target, writer, signatureManifests };
}
