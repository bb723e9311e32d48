/**
 * A one-byte change anywhere that matters in a real, valid signature (its JWS envelope, its payload, a
 * COSE envelope, or the envelope blob a registry serves) makes it invalid, never signed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { checkNotation } from '../../../../src/core/trust/notation/checkNotation';
import { DEFAULT_LIMITS } from '../../../../src/core/trust/notation/constants';
import { verifySignature, type SignatureContext } from '../../../../src/core/trust/notation/verifySignature';
import { OciLayoutSource } from '../../../helpers/notation/ociLayout';
import { noNetwork, notationFixture, notationTempDir, readNotationFixture, testPolicy } from '../../../helpers/notation/scenario';

const TARGET = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9', size: 517 };
const ENVELOPE = ['oci_layout', 'e2e-valid-signature', 'blobs', 'sha256', 'c9af07e038b2b1a463e648986ad7273157511ffeba0b689f33e5472bae471f50'];

function context(files: string[], target = TARGET, at?: string): SignatureContext {
  const { policy, readTrustStore } = testPolicy({ stores: [{ type: 'ca', name: 'e2e', files: files.map((f) => readNotationFixture(...f.split('/'))) }] });
  const now = at ? Date.parse(at) : Date.now();
  return {
    repository: 'localhost:5000/notation/e2e',
    target,
    policy,
    stores: () => policy.trustStores.map(readTrustStore),
    now,
    maxChainLength: DEFAULT_LIMITS.maxChainLength,
    revocation: { http: noNetwork, clock: { now: () => new Date(now) }, limits: DEFAULT_LIMITS, crlCache: new Map(), ocspCache: new Map() },
  };
}

/** Changes one byte of `text` at `index` to another character of the same base64url alphabet. */
function flip(bytes: Uint8Array, index: number): Uint8Array {
  const out = new Uint8Array(bytes);
  const c = String.fromCharCode(out[index] as number);
  out[index] = (c === 'A' ? 'B' : 'A').charCodeAt(0);
  return out;
}

describe('one-byte changes to real Notation signatures', () => {
  const envelope = readNotationFixture(...ENVELOPE);
  const text = Buffer.from(envelope).toString('latin1');
  const ctx = context(['config/localkeys/e2e.crt']);

  it('the unchanged envelope is signed (control)', async () => {
    assert.equal((await verifySignature('sha256:c0', 'application/jose+json', envelope, ctx)).status, 'signed');
  });

  for (const [field, offset] of [['payload', 20], ['protected', 20], ['signature', 40]] as const) {
    it(`a byte of the JWS ${field} changed: invalid`, async () => {
      const at = text.indexOf(`"${field}":"`) + field.length + 4 + offset;
      const r = await verifySignature('sha256:c0', 'application/jose+json', flip(envelope, at), ctx);
      assert.equal(r.status, 'invalid');
      assert.deepEqual(r.findings.map((f) => [f.code, f.severity]), [['notation-invalid', 'error']]);
    });
  }

  it('a byte of the x5c certificate changed: invalid', async () => {
    const at = text.indexOf('"x5c":["') + 8 + 300;
    const r = await verifySignature('sha256:c0', 'application/jose+json', flip(envelope, at), ctx);
    assert.equal(r.status, 'invalid');
  });

  it('a byte of a COSE envelope\'s payload or signature changed: invalid', async () => {
    const cose = readNotationFixture('signatures', 'blob.cose.sig');
    const license = readNotationFixture('..', 'LICENSES', 'Apache-2.0.txt');
    const blobTarget = { mediaType: 'application/octet-stream', digest: `sha256:${createHash('sha256').update(license).digest('hex')}`, size: license.length };
    const coseCtx = context(['derived-certs/testcert3.crt'], blobTarget, '2025-01-07T09:00:00Z');
    assert.equal((await verifySignature('sha256:c0', 'application/cose', cose, coseCtx)).status, 'signed');
    const payloadAt = Buffer.from(cose).indexOf('{"targetArtifact"') + 30;
    for (const at of [payloadAt, cose.length - 10]) {
      const changed = new Uint8Array(cose);
      changed[at] = (changed[at] as number) ^ 0x01;
      const r = await verifySignature('sha256:c0', 'application/cose', changed, coseCtx);
      assert.equal(r.status, 'invalid', `byte ${at}`);
    }
  });

  it('a registry serving a changed envelope blob under the original digest: invalid', async () => {
    const dir = notationTempDir('tamper');
    cpSync(notationFixture('oci_layout', 'e2e-valid-signature'), dir, { recursive: true });
    const source = new OciLayoutSource(dir);
    const { policy, readTrustStore } = testPolicy({ stores: [{ type: 'ca', name: 'e2e', files: [readNotationFixture('config', 'localkeys', 'e2e.crt')] }] });
    const run = () => checkNotation({ repository: 'localhost:5000/notation/e2e', target: source.resolve('v1'), source, policy, http: noNetwork, readTrustStore });
    assert.equal((await run()).status, 'signed');
    const blob = join(dir, ...ENVELOPE.slice(2));
    chmodSync(blob, 0o644);
    writeFileSync(blob, flip(readFileSync(blob), text.indexOf('"payload":"') + 30));
    const r = await run();
    assert.equal(r.status, 'invalid');
    assert.match(r.findings[0]?.message ?? '', /does not match its digest/);
  });
});
