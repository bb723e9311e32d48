/**
 * `trustlens key|signer|sign|revoke` end to end: the built CLI, run as a process with docker's
 * passphrase variables, against the real registry and notary-server, with `docker trust inspect` as
 * the oracle after each step; and the failures a user meets (wrong or missing passphrase, a signer
 * removal that would break released tags, usage errors) with their messages and exit statuses.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dockerTrust, dockerTrustInspect, type TrustInspectEntry } from '../helpers/stack/dockerCli';
import { getTrustFile, tufKeyId, type TufKey } from '../helpers/stack/notaryHttp';
import { keyIdFromPublicPem, parsePem } from '../helpers/stack/notaryKeys';
import { pushImage, type PushedManifest } from '../helpers/stack/push';
import { hexOf } from '../helpers/stack/signers';
import { startStack, type Stack } from '../helpers/stack/stack';
import type { CommandResult } from '../helpers/stack/runCommand';
import { makeWriteCli, type WriteCli } from '../helpers/trust/writeCli';

const PASS = { root: 'cli-root-passphrase-1', repository: 'cli-repository-passphrase-1' };
const WRONG = 'cli-wrong-passphrase-9';

void describe('trustlens sign, signer, revoke and key (the CLI) on the real stack', () => {
  let stack: Stack;
  let cli: WriteCli;
  let gun: string;
  let v1: PushedManifest;
  let v2: PushedManifest;

  const inspect = async (): Promise<TrustInspectEntry | undefined> => {
    const result = await dockerTrustInspect([gun], { trustServerUrl: stack.notary.url, caPem: stack.notary.caPem });
    return result.entries[0];
  };
  const ok = (run: CommandResult) => assert.equal(run.code, 0, `exit ${String(run.code)}\n${run.stdout}\n${run.stderr}`);
  const secretFree = (run: CommandResult) => {
    for (const secret of [PASS.root, PASS.repository, WRONG]) {
      assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), 'a passphrase was printed');
    }
  };

  before(async () => {
    stack = await startStack();
    cli = await makeWriteCli(stack, 'sign-cli');
    gun = `${stack.registry.host}/cli/app`;
    v1 = await pushImage(stack.registry, 'cli/app', 'v1');
    v2 = await pushImage(stack.registry, 'cli/app', 'v2');
  });
  after(async () => {
    await cli?.remove();
    await stack?.stop();
  });

  void it('key generate (Ed25519) + signer add + sign --signer: docker trust inspect and a fresh notary client show the tag signed by alice', async () => {
    const generated = await cli.run(['key', 'generate', 'alice', '--dir', cli.project.path], PASS);
    ok(generated);
    assert.equal(generated.stdout, `Generating key for alice...\nSuccessfully generated and loaded private key. Corresponding public key available: ${join(cli.project.path, 'alice.pub')}\n`);
    assert.match(generated.stderr, /is an Ed25519 key: trustlens signer add accepts it, docker trust signer add and notary delegation add do not \(generate with --algorithm ecdsa for them\)\n$/);
    const pub = await readFile(join(cli.project.path, 'alice.pub'), 'utf8');
    assert.match(pub, /^-----BEGIN PUBLIC KEY-----\nrole: alice\n\n/);
    const pubKey = createPublicKey({ key: parsePem(pub).der, format: 'der', type: 'spki' });
    assert.equal(pubKey.asymmetricKeyType, 'ed25519', 'the default signer key is Ed25519');
    const keyFiles = await readdir(join(cli.docker.path, 'trust', 'private'));
    assert.equal(keyFiles.length, 1);
    assert.match(await readFile(join(cli.docker.path, 'trust', 'private', keyFiles[0]!), 'utf8'), /^-----BEGIN ENCRYPTED PRIVATE KEY-----\nrole: alice\n/);
    const aliceId = keyFiles[0]!.replace(/\.key$/, '');

    const added = await cli.run(['signer', 'add', 'alice', gun, '--key', join(cli.project.path, 'alice.pub')], PASS);
    ok(added);
    assert.equal(added.stdout, `Adding signer "alice" to ${gun}...\nSuccessfully initialized "${gun}"\nSuccessfully added signer: alice to ${gun}\n`);

    const signed = await cli.run(['sign', `${gun}:v1`, '--signer', 'alice'], PASS);
    ok(signed);
    assert.equal(signed.stdout, [
      `v1: digest: ${v1.digest} size: ${v1.size}`,
      `Signing and pushing trust metadata for ${gun}:v1`,
      `Successfully signed ${gun}:v1`,
      '',
    ].join('\n'));
    const entry = await inspect();
    assert.deepEqual(entry?.SignedTags, [{ SignedTag: 'v1', Digest: hexOf(v1.digest), Signers: ['alice'] }]);
    assert.deepEqual(entry?.Signers.map((s) => [s.Name, s.Keys[0]?.ID]), [['alice', aliceId]]);

    // The delegation holds alice's key as notary files Ed25519 keys (the 32 raw bytes of alice.pub), and she signed with eddsa.
    const targets = await getTrustFile(stack.notary, gun, 'targets');
    const delegations = targets.signed.delegations as { keys: Record<string, TufKey> };
    const raw = Buffer.from(pubKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('base64');
    assert.deepEqual(delegations.keys, { [aliceId]: { keytype: 'ed25519', keyval: { private: null, public: raw } } });
    assert.equal(tufKeyId(delegations.keys[aliceId]!), aliceId);
    for (const role of ['targets/releases', 'targets/alice']) {
      assert.deepEqual((await getTrustFile(stack.notary, gun, role)).signatures.map((sig) => [sig.keyid, sig.method]), [[aliceId, 'eddsa']], role);
    }
    // A notary client with an empty trust dir validates the whole repository from the root on.
    const fresh = await stack.newNotaryCli();
    const row = { name: 'v1', digest: hexOf(v1.digest), size: v1.size };
    assert.deepEqual(await fresh.list(gun, ['targets/releases']), [{ ...row, role: 'targets/releases' }]);
    assert.deepEqual(await fresh.list(gun, ['targets/alice']), [{ ...row, role: 'targets/alice' }]);
    for (const run of [generated, added, signed]) secretFree(run);
  });

  void it('a signing no held key can do fails with exit 1, naming who can sign and what to do', async () => {
    const stranger = await makeWriteCli(stack, 'sign-stranger');
    try {
      const refused = await stranger.run(['sign', `${gun}:v2`], PASS);
      assert.equal(refused.code, 1, refused.stderr);
      const keyDir = join(cli.docker.path, 'trust', 'private');
      const files = await readdir(keyDir);
      const aliceFile = (await Promise.all(files.map(async (f) => [f, await readFile(join(keyDir, f), 'utf8')] as const))).find(([, text]) => /\nrole: alice\n/.test(text))![0];
      const aliceId = aliceFile.replace(/\.key$/, '');
      assert.equal(refused.stderr, [
        `trustlens: failed to sign ${gun}:v2: no valid signing keys for delegation roles of ${gun}`,
        `its signer is alice (key ${aliceId.slice(0, 7)}): load one of their keys with trustlens key load, or have the repository owner add you with trustlens signer add NAME ${gun} --key NAME.pub`,
        '',
      ].join('\n'));
    } finally {
      await stranger.remove();
    }
  });

  void it('a wrong or missing passphrase fails with exit 1, naming the variable and never printing a passphrase', async () => {
    const wrong = await cli.run(['sign', `${gun}:v2`, '--signer', 'alice'], { ...PASS, repository: WRONG });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^trustlens: failed to sign .*:v2: DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE does not decrypt the alice key with ID [0-9a-f]{7}: password invalid, operation has failed\n$/);
    const missing = await cli.run(['sign', `${gun}:v2`, '--signer', 'alice']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /a passphrase is needed for the alice key with ID [0-9a-f]{7}: set DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE \(stdin is not a terminal, so TrustLens cannot ask for it\)/);
    const newRoot = await cli.run(['signer', 'add', 'alice', `${stack.registry.host}/cli/other`, '--key', join(cli.project.path, 'alice.pub')], { repository: PASS.repository });
    assert.equal(newRoot.code, 1);
    assert.match(newRoot.stderr, /set DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE/);
    for (const run of [wrong, missing, newRoot]) secretFree(run);
    assert.deepEqual((await inspect())?.SignedTags.map((t) => t.SignedTag), ['v1'], 'nothing was signed');
  });

  void it('signer remove refuses to break released tags without --force; revoke removes the tag', async () => {
    const refused = await cli.run(['signer', 'remove', 'alice', gun], PASS);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /The signer "alice" signed the last released version of .*\. Removing this signer will make .* unpullable\.\nNot removed: use --force to remove it anyway\.\n/);

    const revoked = await cli.run(['revoke', `${gun}:v1`], PASS);
    ok(revoked);
    assert.equal(revoked.stdout, `Successfully deleted signature for ${gun}:v1\n`);
    assert.deepEqual((await inspect())?.SignedTags, []);

    const forced = await cli.run(['signer', 'remove', 'alice', gun, '--force'], PASS);
    ok(forced);
    assert.equal(forced.stdout, `Removing signer "alice" from ${gun}...\nSuccessfully removed alice from ${gun}\n`);
    assert.deepEqual((await inspect())?.Signers, []);
    for (const run of [refused, revoked, forced]) secretFree(run);
  });

  void it('docker trust signer add refuses the default Ed25519 .pub and takes one made with --algorithm ecdsa, signing with TrustLens\'s repository key', async () => {
    const docker = (args: readonly string[]) => dockerTrust(args, { trustServerUrl: stack.notary.url, caPem: stack.notary.caPem, dockerConfigDir: cli.docker.path, passphrases: PASS });
    const refused = await docker(['signer', 'add', '--key', join(cli.project.path, 'alice.pub'), 'alice', gun]);
    assert.equal(refused.exitCode, 1);
    // notary's ParsePEMPublicKey (which docker calls) knows only ECDSA and RSA public keys.
    assert.match(refused.stderr, /could not parse public key from file: .*alice\.pub: unknown public key format/);

    const generated = await cli.run(['key', 'generate', 'carol', '--algorithm', 'ecdsa', '--dir', cli.project.path], PASS);
    ok(generated);
    assert.equal(generated.stderr, '');
    const carolPub = await readFile(join(cli.project.path, 'carol.pub'), 'utf8');
    const carolId = keyIdFromPublicPem(carolPub);
    assert.ok(await readFile(join(cli.docker.path, 'trust', 'private', `${carolId}.key`)), 'stored under its key ID');
    const added = await docker(['signer', 'add', '--key', join(cli.project.path, 'carol.pub'), 'carol', gun]);
    assert.equal(added.exitCode, 0, added.stderr);
    assert.match(added.stdout, /Successfully added signer: carol to /);
    assert.deepEqual((await inspect())?.Signers, [{ Name: 'carol', Keys: [{ ID: carolId }] }]);

    // TrustLens signs as carol into what docker published.
    const signed = await cli.run(['sign', `${gun}:v2`, '--signer', 'carol'], PASS);
    ok(signed);
    assert.deepEqual((await inspect())?.SignedTags, [{ SignedTag: 'v2', Digest: hexOf(v2.digest), Signers: ['carol'] }]);
    for (const run of [generated, signed]) secretFree(run);
    for (const run of [refused, added]) {
      for (const secret of [PASS.root, PASS.repository]) assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret));
    }
  });

  void it('key load imports a private key under --name, re-encrypted; usage errors exit 2', async () => {
    const file = join(cli.project.path, 'bob.pem');
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await writeFile(file, pem, { mode: 0o600 });
    const loaded = await cli.run(['key', 'load', file, '--name', 'bob'], PASS);
    ok(loaded);
    assert.match(loaded.stdout, new RegExp(`^Loading key from "${file}"...\nSuccessfully imported key from ${file}\nKey [0-9a-f]{7} signs as bob.\n$`));
    const stored = await Promise.all((await readdir(join(cli.docker.path, 'trust', 'private'))).map((f) => readFile(join(cli.docker.path, 'trust', 'private', f), 'utf8')));
    assert.equal(stored.filter((text) => /^-----BEGIN ENCRYPTED PRIVATE KEY-----\nrole: bob\n/.test(text)).length, 1);

    await chmod(file, 0o644);
    const open = await cli.run(['key', 'load', file], PASS);
    assert.equal(open.code, 1);
    assert.match(open.stderr, /must not be readable or writable by others/);

    for (const args of [['sign'], ['signer', 'add', 'carol', gun], ['key', 'generate', 'x', '--algorithm', 'rsa']]) {
      const usage = await cli.run(args);
      assert.equal(usage.code, 2, `${args.join(' ')}: ${usage.stderr}`);
      assert.match(usage.stderr, /^trustlens: .*\n\nUsage: trustlens/);
    }
  });
});
