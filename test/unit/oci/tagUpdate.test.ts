import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { NetError } from '../../../src/core/net/netError';
import type { FetchedManifest, OciRegistry, OciRepository } from '../../../src/core/oci/ociRegistry';
import { updateTag } from '../../../src/core/oci/tagUpdate';

const repo: OciRepository = { registry: '127.0.0.1:5000', repository: 'demo/web' } as OciRepository;

/** A registry holding one tag, whose first `refusals` writes fail as distribution refuses them, and whose first `tornReads` reads fail with a 500. */
function registry(refusals: NetError[], tornReads = 0) {
  let stored: FetchedManifest | undefined;
  let puts = 0;
  const oci = {
    async fetchManifest(): Promise<FetchedManifest> {
      if (tornReads-- > 0) throw new NetError('http-status', 'GET -> 500 (UNKNOWN: unknown error)', { status: 500, registryCode: 'UNKNOWN' });
      if (!stored) throw new NetError('not-found', 'no such tag', { status: 404 });
      return stored;
    },
    async headManifest(): Promise<string | undefined> {
      return stored?.descriptor.digest;
    },
    async pushManifest(_repo: OciRepository, _ref: string, bytes: Uint8Array, mediaType: string) {
      puts++;
      const refusal = refusals.shift();
      if (refusal) throw refusal;
      const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      stored = { descriptor: { mediaType, digest, size: bytes.byteLength }, bytes, document: JSON.parse(new TextDecoder().decode(bytes)) };
      return { digest, ociSubject: undefined };
    },
  } as unknown as OciRegistry;
  return { oci, puts: () => puts };
}

const addition = {
  next: () => ({ bytes: new TextEncoder().encode('{"kind":"manifest","layers":["mine"]}'), mediaType: 'application/vnd.oci.image.manifest.v1+json' }),
  contains: (m: FetchedManifest) => (m.document as unknown as { layers: string[] }).layers.includes('mine'),
};
const settle = { settle: () => Promise.resolve() };
const refused = (registryCode: string, status = 400) => new NetError('http-status', `PUT -> ${status} (${registryCode})`, { status, registryCode });

void describe('updateTag', () => {
  void it('writes again when the registry could not yet read a blob another writer was uploading', async () => {
    for (const code of ['DIGEST_INVALID', 'MANIFEST_BLOB_UNKNOWN']) {
      const r = registry([refused(code)]);
      const result = await updateTag(r.oci, repo, 'sha256-abc.sig', addition, settle);
      assert.equal(result.written, true, code);
      assert.equal(result.attempts, 2, code);
      assert.equal(r.puts(), 2, code);
    }
  });

  void it('control: a first write that succeeds takes one attempt', async () => {
    const r = registry([]);
    const result = await updateTag(r.oci, repo, 'sha256-abc.sig', addition, settle);
    assert.deepEqual([result.written, result.attempts, r.puts()], [true, 1, 1]);
  });

  void it('any other refusal is an error, not a retry', async () => {
    const r = registry([refused('MANIFEST_INVALID'), refused('DENIED', 403)]);
    await assert.rejects(updateTag(r.oci, repo, 'sha256-abc.sig', addition, settle), /MANIFEST_INVALID/);
    assert.equal(r.puts(), 1);
  });

  void it('gives up with conflict when the blob race never ends', async () => {
    const r = registry(Array.from({ length: 3 }, () => refused('DIGEST_INVALID')));
    await assert.rejects(updateTag(r.oci, repo, 'sha256-abc.sig', addition, { ...settle, maxAttempts: 3 }), (e: Error & { code?: string }) => e.code === 'conflict');
  });

  void it('reads again when the registry answered 500 while another writer rewrote the tag', async () => {
    const r = registry([], 2);
    const result = await updateTag(r.oci, repo, 'sha256-abc.sig', addition, settle);
    assert.deepEqual([result.written, result.attempts, r.puts()], [true, 3, 1]);
  });

  void it('a registry that keeps answering 500 fails the update with its error after maxAttempts', async () => {
    const r = registry([], 100);
    await assert.rejects(updateTag(r.oci, repo, 'sha256-abc.sig', addition, { ...settle, maxAttempts: 3 }), /500/);
    assert.equal(r.puts(), 0);
  });
});
