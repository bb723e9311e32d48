/**
 * A digest-only reference (`image@sha256:…`) must not hide a role that failed: when
 * `targets/releases` was tampered with or has expired, docker's released view of the repository is
 * unknown, so the digest is `invalid` or `expired` exactly as the tag is, never `unsigned`. The real
 * CLI, on the real stack, through a tampering server that re-signs files offline as an attacker or
 * the signer could.
 */
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { buildReleases, type Scenario } from '../helpers/stack/scenarios';
import { startAttackFixture, type AttackFixture } from '../helpers/attack/fixture';
import { cliProject, type CliProject } from '../helpers/attack/cliProject';
import { editAndSign, fetchRepoFiles, flipSignatureByte, type RepoFiles } from '../helpers/attack/metadataFiles';
import { ownerRootKey, signerKey } from '../helpers/attack/ownerKeys';
import { newServerKeys, rootWithServerKeys, serverSigned, type ServerKeys } from '../helpers/attack/serverKeys';
import { serveRepo } from '../helpers/attack/tampers';
import { goTime } from '../helpers/tufRepo';

void describe('a digest-only reference never hides a failed targets/releases (trustlens check)', () => {
  let f: AttackFixture;
  let project: CliProject;
  let repo: Scenario;
  let real: RepoFiles;
  let keyedRoot: Uint8Array;
  let serverKeys: ServerKeys;
  let byTag: string;
  let byDigest: string;

  before(async () => {
    f = await startAttackFixture();
    repo = await buildReleases(f.ownerStack, { repository: 'attack/digest' });
    real = await fetchRepoFiles(f.server.upstream, repo.gun);
    serverKeys = newServerKeys();
    keyedRoot = rootWithServerKeys(real.root, await ownerRootKey(f.owner, real.root), serverKeys);
    project = await cliProject(f.server, f.stack.registry.host);
    byTag = `${repo.gun}:v1`;
    byDigest = `${repo.gun}@${repo.images.v1!.digest}`;
  });
  after(async () => {
    await project?.remove();
    await f?.stop();
  });
  beforeEach(async () => {
    f.honest();
    await project.clearCache();
  });

  /** Serves the repository with `releases` in place of the real file, vouched for by the server's snapshot. */
  const serveReleases = (releases: Uint8Array) => f.tamper(serveRepo(repo.gun, serverSigned(real, keyedRoot, serverKeys, { vouchFor: { 'targets/releases': releases } })));

  const statuses = async () => {
    const run = await project.check([byTag, byDigest]);
    const of = (text: string) => {
      const r = run.byText.get(text);
      assert.ok(r, `${text} in ${run.stdout}`);
      return [r.status, r.verdict, r.signedDigest, r.findings.map((x) => x.code).join()];
    };
    return { run, tag: of(byTag), digest: of(byDigest) };
  };

  void it('control: honest, and re-keyed for the hostile server with the real releases, both are signed by tag and by digest', async () => {
    const digest = repo.images.v1!.digest;
    const honest = await statuses();
    assert.equal(honest.run.code, 0, honest.run.stdout);
    assert.deepEqual([honest.tag, honest.digest], [['signed', 'pass', digest, ''], ['signed', 'pass', digest, '']]);
    await project.clearCache();
    serveReleases(real.delegations.get('targets/releases')!);
    const keyed = await statuses();
    assert.ok(f.server.served.some((s) => s.how === 'bytes' && s.file.startsWith('targets/releases.')), 'the re-served releases file was asked for');
    assert.deepEqual([keyed.tag, keyed.digest], [['signed', 'pass', digest, ''], ['signed', 'pass', digest, '']]);
  });

  void it('tampered releases (a flipped signature byte the server vouches for): invalid by digest, as by tag', async () => {
    serveReleases(flipSignatureByte(real.delegations.get('targets/releases')!));
    const { run, tag, digest } = await statuses();
    assert.equal(run.code, 1);
    assert.deepEqual(tag, ['invalid', 'fail', null, 'invalid-trust-data']);
    assert.deepEqual(digest, ['invalid', 'fail', null, 'invalid-trust-data']);
    assert.match(run.byText.get(byDigest)!.findings[0]!.message, /targets\/releases of .* was ignored \(valid signatures did not meet threshold for targets\/releases/);
  });

  void it('expired releases (re-signed by its signer with an expiry in the past): expired by digest, as by tag', async () => {
    const releases = real.delegations.get('targets/releases')!;
    const alice = await signerKey(repo.signers[0]!.cli, releases);
    serveReleases(editAndSign(releases, [alice], (signed) => { signed.expires = goTime(new Date(Date.now() - 86_400_000)); }));
    const { run, tag, digest } = await statuses();
    assert.equal(run.code, 1);
    assert.deepEqual(tag, ['expired', 'fail', null, 'expired-metadata']);
    assert.deepEqual(digest, ['expired', 'fail', null, 'expired-metadata']);
    assert.match(run.byText.get(byDigest)!.findings[0]!.message, /targets\/releases of .* was ignored \(targets\/releases expired at /);
  });
});
