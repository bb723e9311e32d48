/**
 * A digest-only reference (`image@sha256:…`) must not hide a role that failed: when
 * `targets/releases` was tampered with or has expired, docker's released view of the repository is
 * unknown, so the digest is `invalid` or `expired` exactly as the tag is, never `unsigned`. The real
 * CLI, on the real stack, through a tampering server that re-signs files offline as an attacker or
 * the signer could.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCliAttack } from '../helpers/attack/cliProject';
import { editAndSign, flipSignatureByte } from '../helpers/attack/metadataFiles';
import { ownerRootKey, signerKey } from '../helpers/attack/ownerKeys';
import { newServerKeys, rootWithServerKeys, serverSigned, type ServerKeys } from '../helpers/attack/serverKeys';
import { serveRepo } from '../helpers/attack/tampers';
import { goTime } from '../helpers/tufRepo';

void describe('a digest-only reference never hides a failed targets/releases (trustlens check)', () => {
  const t = useCliAttack('attack/digest');
  let keyedRoot: Uint8Array;
  let serverKeys: ServerKeys;
  let byTag: string;
  let byDigest: string;

  before(async () => {
    serverKeys = newServerKeys();
    keyedRoot = rootWithServerKeys(t.real.root, await ownerRootKey(t.f.owner, t.real.root), serverKeys);
    byTag = `${t.repo.gun}:v1`;
    byDigest = `${t.repo.gun}@${t.repo.images.v1!.digest}`;
  });

  /** Serves the repository with `releases` in place of the real file, vouched for by the server's snapshot. */
  const serveReleases = (releases: Uint8Array) => t.f.tamper(serveRepo(t.repo.gun, serverSigned(t.real, keyedRoot, serverKeys, { vouchFor: { 'targets/releases': releases } })));

  const statuses = async () => {
    const run = await t.project.check([byTag, byDigest]);
    const of = (text: string) => {
      const r = run.byText.get(text);
      assert.ok(r, `${text} in ${run.stdout}`);
      return [r.status, r.verdict, r.signedDigest, r.findings.map((x) => x.code).join()];
    };
    return { run, tag: of(byTag), digest: of(byDigest) };
  };

  void it('control: honest, and re-keyed for the hostile server with the real releases, both are signed by tag and by digest', async () => {
    const digest = t.repo.images.v1!.digest;
    const honest = await statuses();
    assert.equal(honest.run.code, 0, honest.run.stdout);
    assert.deepEqual([honest.tag, honest.digest], [['signed', 'pass', digest, ''], ['signed', 'pass', digest, '']]);
    await t.project.clearCache();
    serveReleases(t.real.delegations.get('targets/releases')!);
    const keyed = await statuses();
    assert.ok(t.f.server.served.some((s) => s.how === 'bytes' && s.file.startsWith('targets/releases.')), 'the re-served releases file was asked for');
    assert.deepEqual([keyed.tag, keyed.digest], [['signed', 'pass', digest, ''], ['signed', 'pass', digest, '']]);
  });

  void it('tampered releases (a flipped signature byte the server vouches for): invalid by digest, as by tag', async () => {
    serveReleases(flipSignatureByte(t.real.delegations.get('targets/releases')!));
    const { run, tag, digest } = await statuses();
    assert.equal(run.code, 1);
    assert.deepEqual(tag, ['invalid', 'fail', null, 'invalid-trust-data']);
    assert.deepEqual(digest, ['invalid', 'fail', null, 'invalid-trust-data']);
    assert.match(run.byText.get(byDigest)!.findings[0]!.message, /targets\/releases of .* was ignored \(valid signatures did not meet threshold for targets\/releases/);
  });

  void it('expired releases (re-signed by its signer with an expiry in the past): expired by digest, as by tag', async () => {
    const releases = t.real.delegations.get('targets/releases')!;
    const alice = await signerKey(t.repo.signers[0]!.cli, releases);
    serveReleases(editAndSign(releases, [alice], (signed) => { signed.expires = goTime(new Date(Date.now() - 86_400_000)); }));
    const { run, tag, digest } = await statuses();
    assert.equal(run.code, 1);
    assert.deepEqual(tag, ['expired', 'fail', null, 'expired-metadata']);
    assert.deepEqual(digest, ['expired', 'fail', null, 'expired-metadata']);
    assert.match(run.byText.get(byDigest)!.findings[0]!.message, /targets\/releases of .* was ignored \(targets\/releases expired at /);
  });
});
