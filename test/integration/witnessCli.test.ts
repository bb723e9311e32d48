/**
 * `trustlens witness` on the real stack (notary-server, docker-registry, the notary and docker CLIs):
 * roles about to expire are re-signed as they are and keep verifying, for TrustLens, a notary client
 * with an empty trust dir and `docker trust inspect`; what `notary witness --publish` re-signs,
 * TrustLens verifies; a role it cannot or may not re-sign leaves the server's data as it was.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PassphraseProvider } from '../../src/core/trust/dct/keys/signingKey';
import { dockerTrustInspect } from '../helpers/stack/dockerCli';
import { getTrustFile, getTrustPath } from '../helpers/stack/notaryHttp';
import { pushImage, type PushedManifest } from '../helpers/stack/push';
import type { CommandResult } from '../helpers/stack/runCommand';
import { hexOf } from '../helpers/stack/signers';
import { startStack, type Stack } from '../helpers/stack/stack';
import { publishBackdated } from '../helpers/trust/backdatedSigning';
import { makeWriteCli, type WriteCli } from '../helpers/trust/writeCli';

const DAY = 86_400_000;
const PASS = { root: 'witness-root-passphrase', repository: 'witness-repository-passphrase' };
const passphrases: PassphraseProvider = { get: ({ role }) => Promise.resolve(role === 'root' ? PASS.root : PASS.repository) };

interface ResultJson { status: string; signedDigest: string | null; findings: Array<{ code: string; message: string }> }

void describe('trustlens witness on the real stack', () => {
  let stack: Stack;
  let owner: WriteCli;
  let gun: string;
  let v1: PushedManifest;

  const ok = (run: CommandResult) => assert.equal(run.code, 0, `exit ${String(run.code)}\n${run.stdout}\n${run.stderr}`);
  const check = async (image: string): Promise<ResultJson> => {
    await writeFile(join(owner.project.path, 'Dockerfile'), `FROM ${image}\n`);
    const run = await owner.run(['check', 'Dockerfile', '--format', 'json', '--refresh']);
    return (JSON.parse(run.stdout) as { results: ResultJson[] }).results[0]!;
  };
  /** The bytes the server serves for every role of `repository`. */
  const served = async (repository: string) => Promise.all(['root', 'timestamp', 'snapshot', 'targets', 'targets/releases', 'targets/alice']
    .map(async (role) => (await getTrustPath(stack.notary, repository, `${role}.json`)).body.toString('base64')));

  before(async () => {
    stack = await startStack();
    owner = await makeWriteCli(stack, 'witness');
    gun = `${stack.registry.host}/witness/app`;
    v1 = await pushImage(stack.registry, 'witness/app', 'v1');
    ok(await owner.run(['key', 'generate', 'alice', '--dir', owner.project.path], PASS));
    const alicePub = await readFile(join(owner.project.path, 'alice.pub'));
    // The repository, its signer alice and her signature of v1, made 3 years less 10 days ago: targets,
    // targets/releases and targets/alice (3 years) expire in 10 days, within the warning window.
    const clock = { now: () => new Date(Date.now() - (3 * 365 - 10) * DAY) };
    await publishBackdated({ stack, dockerConfigDir: owner.docker.path, passphrases, clock }, async (publisher) => {
      await publisher.addSigner('alice', gun, alicePub);
      await publisher.signTag(`${gun}:v1`, { signer: 'alice' });
    });
  });
  after(async () => {
    await owner?.remove();
    await stack?.stop();
  });

  void it('re-signs delegations as they are, before they expire: the tag stays signed for TrustLens, a fresh notary client and docker trust inspect', async () => {
    const soon = (r: ResultJson) => r.findings.filter((f) => f.code === 'expiring-soon').map((f) => /^The (\S+) signature/.exec(f.message)?.[1]).sort();
    const before = await check(`${gun}:v1`);
    assert.deepEqual([before.status, soon(before)], ['signed', ['targets', 'targets/alice', 'targets/releases']]);
    const releasesBefore = await getTrustFile(stack.notary, gun, 'targets/releases');
    const targetsBefore = await getTrustFile(stack.notary, gun, 'targets');

    const run = await owner.run(['witness', gun, 'targets/releases', 'targets/alice'], PASS);
    ok(run);
    const releases = await getTrustFile(stack.notary, gun, 'targets/releases');
    assert.equal(releases.signed.version, (releasesBefore.signed.version as number) + 1);
    assert.ok(Date.parse(releases.signed.expires) > Date.now() + 2 * 365 * DAY, 'a fresh expiry');
    assert.deepEqual(releases.signed.targets, releasesBefore.signed.targets, 'the same tags');
    assert.deepEqual(await getTrustFile(stack.notary, gun, 'targets'), targetsBefore, 'targets is not touched');
    assert.match(run.stdout, new RegExp(`^Re-signed targets/releases of ${gun.replace(/[.]/g, '\\.')}: version ${releases.signed.version as number}, expires ${releases.signed.expires as string}\n`, 'm'));

    const after = await check(`${gun}:v1`);
    assert.deepEqual([after.status, after.signedDigest, soon(after)], ['signed', v1.digest, ['targets']]);
    const fresh = await stack.newNotaryCli();
    try {
      assert.deepEqual((await fresh.list(gun)).map((t) => [t.name, t.digest]), [['v1', hexOf(v1.digest)]], 'a notary client with an empty trust dir lists v1');
    } finally {
      await fresh.dispose();
    }
    const inspected = await dockerTrustInspect([gun], { trustServerUrl: stack.notary.url, caPem: stack.notary.caPem });
    assert.equal(inspected.exitCode, 0, inspected.stderr);
    assert.deepEqual(inspected.entries[0]!.SignedTags.map((t) => [t.SignedTag, t.Digest, t.Signers]), [['v1', hexOf(v1.digest), ['alice']]]);
  });

  void it('re-signs targets with the repository key; the released tag stays signed', async () => {
    const before = await getTrustFile(stack.notary, gun, 'targets');
    ok(await owner.run(['witness', gun, 'targets'], PASS));
    const after = await getTrustFile(stack.notary, gun, 'targets');
    assert.equal(after.signed.version, (before.signed.version as number) + 1);
    assert.deepEqual(after.signed.delegations, before.signed.delegations);
    const result = await check(`${gun}:v1`);
    assert.deepEqual([result.status, result.findings.filter((f) => f.code === 'expiring-soon')], ['signed', []], 'nothing expires soon any more');
  });

  void it('refuses what it cannot or may not re-sign, and the server\'s data stays as it was', async () => {
    const before = await served(gun);
    const root = await owner.run(['witness', gun, 'root'], PASS);
    assert.equal(root.code, 2);
    assert.match(root.stderr, new RegExp(`root is renewed by rotating the root key: trustlens key rotate ${gun.replace(/[.]/g, '\\.')} root`));
    const unknown = await owner.run(['witness', gun, 'targets/bob'], PASS);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /has no role targets\/bob/);
    const wrong = await owner.run(['witness', gun, 'targets'], { ...PASS, repository: 'not-the-passphrase' });
    assert.equal(wrong.code, 1, wrong.stdout);
    assert.ok(!wrong.stderr.includes('not-the-passphrase') && !wrong.stdout.includes('not-the-passphrase'), 'the passphrase is not printed');
    // A client that holds no key of the repository.
    const stranger = await makeWriteCli(stack, 'witness-stranger');
    try {
      const refused = await stranger.run(['witness', gun, 'targets'], PASS);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /the repository \(targets\) key is not held/);
    } finally {
      await stranger.remove();
    }
    assert.deepEqual(await served(gun), before, 'nothing was published');
  });

  void it('what notary witness --publish re-signs, TrustLens verifies', async () => {
    const other = `${stack.registry.host}/witness/notary`;
    const image = await pushImage(stack.registry, 'witness/notary', 'v1');
    await stack.cli.init(other);
    await stack.cli.addHash(other, 'v1', image.size, hexOf(image.digest));
    await stack.cli.publish(other);
    const before = await getTrustFile(stack.notary, other, 'targets');
    const witnessed = await stack.cli.run(['witness', '-p', other, 'targets']);
    assert.equal(witnessed.code, 0, witnessed.stderr);
    const after = await getTrustFile(stack.notary, other, 'targets');
    assert.equal(after.signed.version, (before.signed.version as number) + 1, 'notary re-signed targets');
    assert.deepEqual([(await check(`${other}:v1`)).status, (await check(`${other}:v1`)).signedDigest], ['signed', image.digest]);
  });
});
