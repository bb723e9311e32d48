/**
 * `trustlens key rotate` and `trustlens signer rotate` end to end: the built CLI on the real registry
 * and notary-server. After each rotation `docker trust inspect` (fresh, and with the trust data it
 * cached before), `notary list` (a fresh client, and one that pinned the old root) and `trustlens
 * check` with a cache that pinned the old root all verify the repository; released tags stay signed.
 * A wrong or missing passphrase leaves the server's data and the key files as they were.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dockerTrust, dockerTrustInspect, type TrustInspectEntry } from '../helpers/stack/dockerCli';
import type { NotaryCli } from '../helpers/stack/notaryCli';
import { getTrustFile, getTrustPath, tufKeyId, type TufKey } from '../helpers/stack/notaryHttp';
import { keyIdFromPublicPem } from '../helpers/stack/notaryKeys';
import { pushImage, type PushedManifest } from '../helpers/stack/push';
import type { CommandResult } from '../helpers/stack/runCommand';
import { hexOf } from '../helpers/stack/signers';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { dockerfileFrom } from '../helpers/trust/documents';
import { makeWriteCli, type WriteCli } from '../helpers/trust/writeCli';

const PASS = { root: 'rotate-cli-root-passphrase', repository: 'rotate-cli-repository-passphrase' };
const WRONG = 'rotate-cli-wrong-passphrase';

void describe('trustlens key rotate and signer rotate (the CLI) on the real stack', () => {
  let stack: Stack;
  let owner: WriteCli;
  let reader: WriteCli;
  let gun: string;
  let v1: PushedManifest;
  let v2: PushedManifest;
  let pinnedNotary: NotaryCli;
  let stalePinnedNotary: NotaryCli;
  let pinnedDocker: TempDir;

  const ok = (run: CommandResult) => {
    assert.equal(run.code, 0, `exit ${String(run.code)}\n${run.stdout}\n${run.stderr}`);
    for (const secret of [PASS.root, PASS.repository, WRONG]) assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), 'a passphrase was printed');
  };
  const root = () => getTrustFile(stack.notary, gun, 'root');
  const keyFiles = async (cli: WriteCli) => (await readdir(join(cli.docker.path, 'trust', 'private'))).filter((f) => f.endsWith('.key')).sort();
  /** The bytes the server serves for its current root, timestamp, snapshot and targets. */
  const serverFiles = async () => Promise.all(['root.json', 'timestamp.json', 'snapshot.json', 'targets.json'].map(async (f) => (await getTrustPath(stack.notary, gun, f)).body.toString('base64')));
  const inspect = async (configDir?: string): Promise<TrustInspectEntry> => {
    const result = await dockerTrustInspect([gun], { trustServerUrl: stack.notary.url, caPem: stack.notary.caPem, ...(configDir ? { dockerConfigDir: configDir } : {}) });
    assert.equal(result.exitCode, 0, result.stderr);
    return result.entries[0]!;
  };
  const adminKeys = (entry: TrustInspectEntry) => Object.fromEntries(entry.AdministrativeKeys.map((k) => [k.Name, k.Keys.map((x) => x.ID)]));
  const check = async (): Promise<Record<string, string>> => {
    const run = await reader.run(['check', 'Dockerfile', '--format', 'json', '--refresh']);
    const doc = JSON.parse(run.stdout) as { results: Array<{ tag: string; status: string; signedDigest: string | null }> };
    return Object.fromEntries(doc.results.map((r) => [r.tag, r.status === 'signed' ? `signed ${r.signedDigest}` : r.status]));
  };
  const listed = async (client: NotaryCli) => (await client.list(gun)).map((t) => `${t.name} ${t.digest}`).sort();

  /** Everything that must still verify the repository, with the released tags `tags`. */
  const verifiedEverywhere = async (expect: { rootId: string; targetsId: string; tags: Record<string, string[]> }) => {
    for (const entry of [await inspect(), await inspect(pinnedDocker.path)]) {
      assert.deepEqual(adminKeys(entry), { Root: [expect.rootId], Repository: [expect.targetsId] });
      assert.deepEqual(entry.SignedTags.map((t) => [t.SignedTag, t.Digest, t.Signers]),
        Object.entries(expect.tags).map(([tag, signers]) => [tag, hexOf((tag === 'v1' ? v1 : v2).digest), signers]));
    }
    const rows = Object.keys(expect.tags).map((tag) => `${tag} ${hexOf((tag === 'v1' ? v1 : v2).digest)}`).sort();
    assert.deepEqual(await listed(await stack.newNotaryCli()), rows, 'a notary client with an empty trust dir');
    assert.deepEqual(await listed(pinnedNotary), rows, 'a notary client that pinned the previous root');
    const verdicts = await check();
    for (const tag of Object.keys(expect.tags)) assert.equal(verdicts[tag], `signed ${(tag === 'v1' ? v1 : v2).digest}`, tag);
  };

  before(async () => {
    stack = await startStack();
    owner = await makeWriteCli(stack, 'rotate-owner');
    reader = await makeWriteCli(stack, 'rotate-reader');
    pinnedDocker = await makeTempDir('rotate-pinned-docker');
    gun = `${stack.registry.host}/rotate/app`;
    v1 = await pushImage(stack.registry, 'rotate/app', 'v1');
    v2 = await pushImage(stack.registry, 'rotate/app', 'v2');
    ok(await owner.run(['sign', `${gun}:v1`], PASS));
    ok(await owner.run(['key', 'generate', 'alice', '--algorithm', 'ecdsa', '--dir', owner.project.path], PASS));
    ok(await owner.run(['signer', 'add', 'alice', gun, '--key', join(owner.project.path, 'alice.pub')], PASS));
    ok(await owner.run(['sign', `${gun}:v2`, '--signer', 'alice'], PASS));
    await writeFile(join(reader.project.path, 'Dockerfile'), dockerfileFrom([`${gun}:v1`, `${gun}:v2`]));
    // Clients that pin root v1 now.
    pinnedNotary = await stack.newNotaryCli();
    stalePinnedNotary = await stack.newNotaryCli();
    for (const client of [pinnedNotary, stalePinnedNotary]) assert.equal((await listed(client)).length, 2);
    await inspect(pinnedDocker.path);
    assert.deepEqual(await check(), { v1: `signed ${v1.digest}`, v2: `signed ${v2.digest}` });
    assert.equal((await root()).signed.version, 1);
  });
  after(async () => {
    await Promise.all([owner?.remove(), reader?.remove(), pinnedDocker?.remove()]);
    await stack?.stop();
  });

  void it('targets: a new repository key, listed by root v2 and signing targets; the old private key is deleted; every client still verifies', async () => {
    const before = await root();
    const oldId = before.signed.roles!.targets!.keyids[0]!;
    const filesBefore = await keyFiles(owner);
    assert.ok(filesBefore.includes(`${oldId}.key`));
    const run = await owner.run(['key', 'rotate', gun, 'targets'], PASS);
    ok(run);
    const after = await root();
    const newId = after.signed.roles!.targets!.keyids[0]!;
    assert.notEqual(newId, oldId);
    assert.equal(run.stdout, [
      `Rotating the repository (targets) key of ${gun}...`,
      `Successfully rotated targets key for repository ${gun}`,
      `The repository (targets) key is now ${newId.slice(0, 7)} (was ${oldId.slice(0, 7)}). The repository's signed tags are re-signed with it; signatures made with the old key no longer verify.`,
      `Deleted the old private key ${oldId.slice(0, 7)} from ${join(owner.docker.path, 'trust', 'private')}.`,
      '',
    ].join('\n'));
    assert.equal(after.signed.version, 2);
    assert.equal(after.signed.keys![oldId], undefined);
    assert.deepEqual(after.signatures.map((s) => s.keyid), before.signed.roles!.root!.keyids, 'root is signed by the root key');
    assert.deepEqual((await getTrustFile(stack.notary, gun, 'targets')).signatures.map((s) => s.keyid), [newId]);
    assert.deepEqual(await keyFiles(owner), [...filesBefore.filter((f) => f !== `${oldId}.key`), `${newId}.key`].sort());
    assert.match(await readFile(join(owner.docker.path, 'trust', 'private', `${newId}.key`), 'utf8'), new RegExp(`^-----BEGIN ENCRYPTED PRIVATE KEY-----\ngun: ${gun.replace(/\./g, '\\.')}\nrole: targets\n\n`));
    await verifiedEverywhere({ rootId: before.signed.roles!.root!.keyids[0]!, targetsId: newId, tags: { v1: ['Repo Admin'], v2: ['alice'] } });
  });

  void it('a wrong or missing root passphrase, or a new key\'s passphrase left unanswered, changes nothing on the server or in the trust dir', async () => {
    const files = await serverFiles();
    const keys = await keyFiles(owner);
    const wrong = await owner.run(['key', 'rotate', gun, 'targets'], { ...PASS, root: WRONG });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^trustlens: failed to rotate the targets key of .*: DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE does not decrypt the root key with ID [0-9a-f]{7}: password invalid, operation has failed\n$/);
    const missing = await owner.run(['key', 'rotate', gun, 'root', '--yes'], { repository: PASS.repository });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /a passphrase is needed for the root key with ID [0-9a-f]{7}: set DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE/);
    // The root key opens, then the new targets key has no passphrase: the rotation stops half-way.
    const halfway = await owner.run(['key', 'rotate', gun, 'targets'], { root: PASS.root });
    assert.equal(halfway.code, 1);
    assert.match(halfway.stderr, /a passphrase is needed for the new repository key with ID [0-9a-f]{7}: set DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE/);
    for (const run of [wrong, missing, halfway]) {
      for (const secret of [PASS.root, PASS.repository, WRONG]) assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret));
    }
    assert.deepEqual(await serverFiles(), files, 'the server serves the same bytes');
    assert.deepEqual(await keyFiles(owner), keys, 'no key was added or deleted');
  });

  void it('snapshot --server-managed: the server makes the new snapshot key and signs with it once root v3 lists it', async () => {
    const before = await root();
    const oldId = before.signed.roles!.snapshot!.keyids[0]!;
    const keys = await keyFiles(owner);
    const run = await owner.run(['key', 'rotate', gun, 'snapshot', '--server-managed'], PASS);
    ok(run);
    assert.match(run.stdout, /^Rotating the snapshot key of .* \(the trust server makes and holds the new key\)\.\.\.\nSuccessfully rotated snapshot key for repository /);
    const after = await root();
    const serverKey = JSON.parse((await getTrustPath(stack.notary, gun, 'snapshot.key')).body.toString('utf8')) as TufKey;
    assert.deepEqual(after.signed.roles!.snapshot!.keyids, [tufKeyId(serverKey)]);
    assert.notEqual(tufKeyId(serverKey), oldId);
    assert.equal(after.signed.version, before.signed.version + 1);
    assert.deepEqual((await getTrustFile(stack.notary, gun, 'snapshot')).signatures.map((s) => s.keyid), [tufKeyId(serverKey)]);
    assert.deepEqual(await keyFiles(owner), keys, 'nothing held here changed');
    await verifiedEverywhere({ rootId: after.signed.roles!.root!.keyids[0]!, targetsId: after.signed.roles!.targets!.keyids[0]!, tags: { v1: ['Repo Admin'], v2: ['alice'] } });
  });

  void it('root: asks first (--yes without a terminal); the new root is signed by the old and the new root key, and clients that pinned any older root follow', async () => {
    const before = await root();
    const oldRootId = before.signed.roles!.root!.keyids[0]!;
    const refused = await owner.run(['key', 'rotate', gun, 'root'], PASS);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, `Warning: you are about to rotate your root key.\n\nYou must use your old key to sign this root rotation.\nNot rotated: use --yes to rotate the root key of ${gun}.\n`);
    assert.equal((await root()).signed.version, before.signed.version);

    const keys = await keyFiles(owner);
    const run = await owner.run(['key', 'rotate', gun, 'root', '--yes'], PASS);
    ok(run);
    const after = await root();
    const newRootId = after.signed.roles!.root!.keyids[0]!;
    assert.notEqual(newRootId, oldRootId);
    assert.equal(after.signed.keys![newRootId]!.keytype, 'ecdsa-x509');
    assert.deepEqual(after.signatures.map((s) => s.keyid).sort(), [oldRootId, newRootId].sort());
    assert.ok(after.signed.keys![oldRootId], 'the old root certificate stays in root, as notary keeps it');
    const added = (await keyFiles(owner)).filter((f) => !keys.includes(f));
    assert.equal(added.length, 1, 'one new key file; the old root key is kept');
    assert.match(await readFile(join(owner.docker.path, 'trust', 'private', added[0]!), 'utf8'), /^-----BEGIN ENCRYPTED PRIVATE KEY-----\nrole: root\n\n/);
    assert.match(run.stdout, /clients that pinned the old root move to it\.\nKeep the old root key until every client has seen the new root; back up the new one\.\n$/);
    await verifiedEverywhere({ rootId: newRootId, targetsId: after.signed.roles!.targets!.keyids[0]!, tags: { v1: ['Repo Admin'], v2: ['alice'] } });
    // A notary client that pinned root v1 (three rotations ago) moves to the new root.
    assert.equal((await listed(stalePinnedNotary)).length, 2);
    const cached = JSON.parse(await readFile(join(stalePinnedNotary.trustDir, 'tuf', gun, 'metadata', 'root.json'), 'utf8')) as { signed: { version: number } };
    assert.equal(cached.signed.version, after.signed.version);
  });

  void it('signer rotate with the new private key held re-signs the signer\'s tags with it', async () => {
    ok(await owner.run(['key', 'generate', 'alice-next', '--algorithm', 'ecdsa', '--dir', owner.project.path], PASS));
    const nextId = keyIdFromPublicPem(await readFile(join(owner.project.path, 'alice-next.pub'), 'utf8'));
    const run = await owner.run(['signer', 'rotate', 'alice', gun, '--key', join(owner.project.path, 'alice-next.pub')], PASS);
    ok(run);
    assert.match(run.stdout, new RegExp(`^Rotating the key of signer "alice" of .* to ${nextId.slice(0, 7)}\\.\\.\\.\nSuccessfully rotated the key of signer alice of .* \\(was [0-9a-f]{7}\\)\nRe-signed targets/releases and targets/alice with the new key\\.\n$`));
    const entry = await inspect();
    assert.deepEqual(entry.Signers, [{ Name: 'alice', Keys: [{ ID: nextId }] }]);
    assert.deepEqual(entry.SignedTags.map((t) => [t.SignedTag, t.Signers]), [['v1', ['Repo Admin']], ['v2', ['alice']]]);
    for (const role of ['targets/releases', 'targets/alice']) {
      assert.deepEqual((await getTrustFile(stack.notary, gun, role)).signatures.map((s) => s.keyid), [nextId], role);
    }
    assert.deepEqual(await listed(await stack.newNotaryCli()), [`v1 ${hexOf(v1.digest)}`, `v2 ${hexOf(v2.digest)}`]);
    assert.deepEqual(await check(), { v1: `signed ${v1.digest}`, v2: `signed ${v2.digest}` });
  });

  void it('signer rotate to a key made on the signer\'s machine names the tags that stop verifying, publishes nothing without --force, and with it leaves them unverifiable until the signer signs again', async () => {
    // alice makes her new key on her own machine and hands over the public key.
    const aliceMachine = await makeWriteCli(stack, 'rotate-alice');
    ok(await aliceMachine.run(['key', 'generate', 'alice-3', '--algorithm', 'ecdsa', '--dir', aliceMachine.project.path], PASS));
    const file = join(aliceMachine.project.path, 'alice-3.pub');
    const pem = await readFile(file, 'utf8');
    const files = await serverFiles();
    const refused = await owner.run(['signer', 'rotate', 'alice', gun, '--key', file], PASS);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, [
      'The new private key of signer "alice" is not held here, so its signatures cannot be re-signed with it. These would stop verifying until alice signs the tags again:',
      '  targets/releases: v2 (released: docker and TrustLens stop trusting them)',
      '  targets/alice: v2 (no longer signed by alice)',
      'Not rotated: load the new private key (trustlens key load) to re-sign them, or use --force.',
      '',
    ].join('\n'));
    assert.deepEqual(await serverFiles(), files, 'nothing was published');

    const forced = await owner.run(['signer', 'rotate', 'alice', gun, '--key', file, '--force'], PASS);
    ok(forced);
    assert.match(forced.stderr, /These signatures no longer verify until alice signs the tags again with the new key:\n {2}targets\/releases: v2/);
    const entry = await inspect();
    assert.deepEqual(entry.Signers, [{ Name: 'alice', Keys: [{ ID: keyIdFromPublicPem(pem) }] }]);
    assert.deepEqual(entry.SignedTags.map((t) => t.SignedTag), ['v1'], 'v2 is no longer released');
    const verdicts = await check();
    assert.equal(verdicts.v1, `signed ${v1.digest}`);
    assert.equal(verdicts.v2, 'invalid', 'targets/releases no longer verifies, so v2 cannot be');
    // alice signs v2 again with her new key: released and signed by her once more.
    ok(await aliceMachine.run(['sign', `${gun}:v2`], PASS));
    await aliceMachine.remove();
    assert.deepEqual((await inspect()).SignedTags.map((t) => [t.SignedTag, t.Signers]), [['v1', ['Repo Admin']], ['v2', ['alice']]]);
    assert.equal((await check()).v2, `signed ${v2.digest}`);
    // docker trust signer add accepts the repository TrustLens rotated.
    const docker = await dockerTrust(['signer', 'add', '--key', join(owner.project.path, 'alice-next.pub'), 'bob', gun], {
      trustServerUrl: stack.notary.url, caPem: stack.notary.caPem, dockerConfigDir: owner.docker.path, passphrases: PASS,
    });
    assert.equal(docker.exitCode, 0, docker.stderr);
  });

  void it('usage errors exit 2: an unknown role, timestamp without --server-managed, targets with it, a missing --key', async () => {
    for (const [args, line] of [
      [['key', 'rotate', gun, 'targets/releases'], /^trustlens: key rotate: cannot rotate the targets\/releases key: the roles whose keys rotate are root, targets, snapshot, timestamp \(a signer's key rotates with signer rotate\)\n/],
      [['key', 'rotate', gun, 'timestamp'], /^trustlens: key rotate: the timestamp key is always held by the server: rotate it with --server-managed\n/],
      [['key', 'rotate', gun, 'targets', '-r'], /^trustlens: key rotate: the server cannot manage the targets key: only the snapshot and timestamp keys can be server-managed\n/],
      [['signer', 'rotate', 'alice', gun], /^trustlens: signer rotate needs --key PUBLIC_KEY_FILE\n/],
    ] as const) {
      const run = await owner.run(args, PASS);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, line);
    }
  });
});
