/**
 * A transparency log made up for tests: its key, the trusted root JSON that names it, and what Rekor
 * would return for an entry: the canonical body, a signed entry timestamp (SET), and an inclusion
 * proof in a two-leaf tree with a signed checkpoint. Lets tests forge SETs with the wrong key and
 * proofs that do not match, beside correct ones.
 */
import { createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { json as sigstoreJson } from '@sigstore/core';
import type { TestCa } from './localCa';

export interface LocalLog {
  /** e.g. `rekor.trustlens.test`: the checkpoint origin, matched against the root's base URL. */
  readonly name: string;
  readonly baseUrl: string;
  readonly key: KeyObject;
  readonly spki: Uint8Array;
  /** SHA-256 of the DER public key. */
  readonly logId: Buffer;
}

export function createLocalLog(name = 'rekor.trustlens.test'): LocalLog {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = new Uint8Array(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));
  return { name, baseUrl: `https://${name}`, key: privateKey, spki, logId: createHash('sha256').update(spki).digest() };
}

/** A Sigstore trusted root naming these logs (and CAs as Fulcio-like authorities). */
export function trustedRootJson(logs: readonly LocalLog[], cas: readonly TestCa[][] = []): object {
  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: logs.map((log) => ({
      baseUrl: log.baseUrl,
      hashAlgorithm: 'SHA2_256',
      publicKey: { rawBytes: Buffer.from(log.spki).toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: '2020-01-01T00:00:00Z' } },
      logId: { keyId: log.logId.toString('base64') },
    })),
    certificateAuthorities: cas.map((chain) => ({
      subject: { organization: 'TrustLens tests', commonName: chain[0]?.name ?? '' },
      uri: 'https://ca.trustlens.test',
      certChain: { certificates: chain.map((c) => ({ rawBytes: Buffer.from(c.der).toString('base64') })) },
      validFor: { start: '2020-01-01T00:00:00Z' },
    })),
    ctlogs: [],
    timestampAuthorities: [],
  };
}

/** The canonical body of a `hashedrekord` 0.0.1 entry for a signature over `payload`. */
export function hashedRekordBody(payload: Uint8Array, signatureBase64: string, publicKeyPem: string): Buffer {
  return canonical({
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: createHash('sha256').update(payload).digest('hex') } },
      signature: { content: signatureBase64, publicKey: { content: Buffer.from(publicKeyPem).toString('base64') } },
    },
  });
}

/** The canonical body of a `dsse` 0.0.1 entry for a one-signature envelope. */
export function dsseBody(payload: Uint8Array, signatureBase64: string, publicKeyPem: string, envelopeJson: string): Buffer {
  return canonical({
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: createHash('sha256').update(envelopeJson).digest('hex') },
      payloadHash: { algorithm: 'sha256', value: createHash('sha256').update(payload).digest('hex') },
      signatures: [{ signature: signatureBase64, verifier: Buffer.from(publicKeyPem).toString('base64') }],
    },
  });
}

/** A signed entry timestamp over the entry, signed by `signer` (default the log's own key). */
export function signedEntryTimestamp(log: LocalLog, body: Buffer, integratedTime: number, logIndex: number, signer: KeyObject = log.key): string {
  const promise = canonical({ body: body.toString('base64'), integratedTime, logIndex, logID: log.logId.toString('hex') });
  return sign('sha256', promise, { key: signer, dsaEncoding: 'der' }).toString('base64');
}

/** The `dev.sigstore.cosign/bundle` annotation cosign writes for a Rekor entry. */
export function rekorAnnotation(log: LocalLog, body: Buffer, integratedTime: number, logIndex: number, signer?: KeyObject): string {
  return JSON.stringify({
    SignedEntryTimestamp: signedEntryTimestamp(log, body, integratedTime, logIndex, signer),
    Payload: { body: body.toString('base64'), integratedTime, logIndex, logID: log.logId.toString('hex') },
  });
}

/**
 * The inclusion proof of `body` as leaf 0 of a two-leaf tree (its sibling given), with a checkpoint
 * the log signs. `tamper` changes one byte of the proof's hash after signing.
 */
export function inclusionProof(log: LocalLog, body: Buffer, sibling: Buffer, tamper = false): object {
  const leaf = createHash('sha256').update(Buffer.concat([Buffer.of(0), body])).digest();
  const root = createHash('sha256').update(Buffer.concat([Buffer.of(1), leaf, sibling])).digest();
  const note = `${log.name}\n2\n${root.toString('base64')}\n`;
  const signature = sign('sha256', Buffer.from(note), { key: log.key, dsaEncoding: 'der' });
  const hint = log.logId.subarray(0, 4);
  const proofHash = Buffer.from(sibling);
  if (tamper) proofHash[0] = (proofHash[0] as number) ^ 0x01;
  return {
    logIndex: '0',
    rootHash: root.toString('base64'),
    treeSize: '2',
    hashes: [proofHash.toString('base64')],
    checkpoint: { envelope: `${note}\n\u2014 ${log.name} ${Buffer.concat([hint, signature]).toString('base64')}\n` },
  };
}

function canonical(value: unknown): Buffer {
  return Buffer.from(sigstoreJson.canonicalize(value), 'utf8');
}
