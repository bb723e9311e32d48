/**
 * Attack matrix, transport: oversize bodies (announced and streamed without end), servers that never
 * answer, and trust data withheld after TrustLens pinned a root. Real repositories on a real
 * notary-server behind a tampering proxy.
 */
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryMetadataStore } from '../../src/core/trust/dct/metadataStore';
import { buildReleases, type Scenario } from '../helpers/stack/scenarios';
import { assertCaught, assertSigned, startAttackFixture, type AttackFixture } from '../helpers/attack/fixture';
import { fetchRepoFiles, flipSignatureByte } from '../helpers/attack/metadataFiles';
import { editFile, firstOf, isFileOf, replyFor } from '../helpers/attack/tampers';

const MiB = 1024 * 1024;

void describe('attacks on the transport: oversize, silent and withholding servers', () => {
  let f: AttackFixture;
  let repo: Scenario;
  let ref: string;
  let digest: string;
  let snapshotLength: number;

  before(async () => {
    f = await startAttackFixture();
    repo = await buildReleases(f.ownerStack, { repository: 'attack/network' });
    ref = `${repo.gun}:v1`;
    digest = repo.images.v1!.digest;
    snapshotLength = (await fetchRepoFiles(f.server.upstream, repo.gun)).snapshot.length;
  });
  after(async () => {
    await f?.stop();
  });
  beforeEach(() => f.honest());

  void it('control: the honest proxy verifies the repository', async () => {
    assertSigned(await f.trustLens.check(ref), digest);
  });

  void describe('6. an oversize response', () => {
    void it('timestamp.json streamed without Content-Length and without end is cut at 1 MiB while streaming', async () => {
      f.tamper(replyFor(repo.gun, 'timestamp', (real) => ({ kind: 'endless', prefix: real.subarray(0, real.length - 1) })));
      const verdict = await f.trustLens.check(ref, { timeoutMs: 20_000 });
      assertCaught(verdict, 'invalid', /timestamp\.json sent more than the limit of 1048576 bytes/);
      // Cut by the size cap, not by the 20 s deadline; the server saw the client hang up.
      assert.ok(verdict.elapsedMs < 10_000, `took ${verdict.elapsedMs} ms`);
      const [stream] = f.server.endless;
      assert.ok(stream, 'the endless reply was not started');
      const written = await stream.closed;
      assert.ok(written > MiB && written < 64 * MiB, `the server wrote ${written} bytes before the client hung up`);
    });

    void it('timestamp.json announcing more than 1 MiB is refused before its body is read', async () => {
      // Still valid JSON: the real timestamp followed by spaces.
      f.tamper(replyFor(repo.gun, 'timestamp', (real) => ({ kind: 'bytes', body: Buffer.concat([real, Buffer.alloc(MiB, 0x20)]) })));
      assertCaught(await f.trustLens.check(ref), 'invalid', /timestamp\.json announced \d+ bytes, more than the limit of 1048576/);
    });

    void it('a snapshot streamed beyond the length the timestamp declares is cut at that length', async () => {
      f.tamper(replyFor(repo.gun, 'snapshot', (real) => ({ kind: 'endless', prefix: real })));
      const verdict = await f.trustLens.check(ref, { timeoutMs: 20_000 });
      assertCaught(verdict, 'invalid', new RegExp(`snapshot\\.[0-9a-f]{64}\\.json sent more than the limit of ${snapshotLength} bytes`));
      assert.ok(verdict.elapsedMs < 10_000, `took ${verdict.elapsedMs} ms`);
      const written = await f.server.endless[0]!.closed;
      assert.ok(written < 64 * MiB, `the server wrote ${written} bytes`);
    });

    void it('a snapshot one byte longer than declared, with Content-Length, is refused', async () => {
      f.tamper(replyFor(repo.gun, 'snapshot', (real) => ({ kind: 'bytes', body: Buffer.concat([real, Buffer.from(' ')]) })));
      assertCaught(await f.trustLens.check(ref), 'invalid', new RegExp(`announced ${snapshotLength + 1} bytes, more than the limit of ${snapshotLength}`));
    });
  });

  void describe('7. a server that never answers: bounded by the request timeout, unverifiable', () => {
    // Short, yet long enough for the honest requests before the silent one on a busy machine.
    const TIMEOUT = 2_000;
    const bounded = (elapsedMs: number) => assert.ok(elapsedMs >= TIMEOUT && elapsedMs < TIMEOUT + 8_000, `took ${elapsedMs} ms`);

    void it('timestamp.json: the connection is accepted and nothing is sent', async () => {
      f.tamper(replyFor(repo.gun, 'timestamp', () => ({ kind: 'silent' })));
      const verdict = await f.trustLens.check(ref, { timeoutMs: TIMEOUT });
      assertCaught(verdict, 'unverifiable', /: the trust server https:\/\/\S+ did not answer in time\./, new RegExp(`timestamp\\.json timed out after ${TIMEOUT} ms`));
      bounded(verdict.elapsedMs);
    });

    void it('root.json on first use: nothing is sent', async () => {
      f.tamper(replyFor(repo.gun, 'root', () => ({ kind: 'silent' })));
      const verdict = await f.trustLens.check(ref, { timeoutMs: TIMEOUT });
      assertCaught(verdict, 'unverifiable', /did not answer in time/, /root\.json timed out/);
      bounded(verdict.elapsedMs);
    });

    void it('targets: headers and half the body are sent, then nothing', async () => {
      f.tamper(replyFor(repo.gun, 'targets', (real) => ({ kind: 'stall-body', prefix: real.subarray(0, real.length >> 1), announced: real.length })));
      const verdict = await f.trustLens.check(ref, { timeoutMs: TIMEOUT });
      assertCaught(verdict, 'unverifiable', /did not answer in time/, /targets\.[0-9a-f]{64}\.json timed out/);
      bounded(verdict.elapsedMs);
    });

    void it('after a verified check, a silent server does not get the cached verdict back', async () => {
      const store = new MemoryMetadataStore();
      assertSigned(await f.trustLens.check(ref, { store }), digest);
      f.tamper(replyFor(repo.gun, 'timestamp', () => ({ kind: 'silent' })));
      const verdict = await f.trustLens.check(ref, { store, timeoutMs: TIMEOUT });
      assertCaught(verdict, 'unverifiable', /did not answer in time/, /timestamp\.json timed out/);
      bounded(verdict.elapsedMs);
    });
  });

  void describe('trust data withheld after the root was pinned', () => {
    void it('a bad timestamp, then 404 for root.json: not "no trust data", the bad timestamp is reported', async () => {
      const store = new MemoryMetadataStore();
      assertSigned(await f.trustLens.check(ref, { store }), digest);
      const notFound = Buffer.from(JSON.stringify({ errors: [{ code: 'METADATA_NOT_FOUND', message: 'You have requested metadata that does not exist.' }] }));
      f.tamper(firstOf(
        editFile(repo.gun, 'timestamp', (b) => flipSignatureByte(b)),
        replyFor(repo.gun, 'root', () => ({ kind: 'bytes', status: 404, body: notFound })),
      ));
      const verdict = await f.trustLens.check(ref, { store });
      assert.ok(f.server.served.some((s) => isFileOf(s.file, 'root') && s.status === 404), 'root.json was not asked for again');
      assertCaught(verdict, 'invalid', /did not meet threshold for timestamp/);
    });

    void it('a bad timestamp, then 503 for root.json: still invalid, never hidden as unverifiable', async () => {
      const store = new MemoryMetadataStore();
      assertSigned(await f.trustLens.check(ref, { store }), digest);
      const unavailable = Buffer.from(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'try later' }] }));
      f.tamper(firstOf(
        editFile(repo.gun, 'timestamp', (b) => flipSignatureByte(b)),
        replyFor(repo.gun, 'root', () => ({ kind: 'bytes', status: 503, body: unavailable })),
      ));
      const verdict = await f.trustLens.check(ref, { store });
      assert.ok(f.server.served.some((s) => isFileOf(s.file, 'root') && s.status === 503), 'root.json was not asked for again');
      assertCaught(verdict, 'invalid', /did not meet threshold for timestamp/);
    });

    void it('every file answered 404 after pinning: invalid, not "no trust data"', async () => {
      const store = new MemoryMetadataStore();
      assertSigned(await f.trustLens.check(ref, { store }), digest);
      f.tamper((req) => (req.gun === repo.gun ? { kind: 'bytes', status: 404, body: Buffer.from('{"errors":[]}') } : undefined));
      assertCaught(await f.trustLens.check(ref, { store }), 'invalid', /trust data is incomplete on the server/);
    });
  });
});
