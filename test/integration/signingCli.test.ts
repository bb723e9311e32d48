/**
 * `trustlens key|signer|sign|revoke` end to end: the built CLI, run as a process with docker's
 * passphrase variables, against the real registry and notary-server, with `docker trust inspect` as
 * the oracle after each step; and the failures a user meets (wrong or missing passphrase, a signer
 * removal that would break released tags, usage errors) with their messages and exit statuses.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dockerTrustInspect, type TrustInspectEntry } from '../helpers/stack/dockerCli';
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
    await pushImage(stack.registry, 'cli/app', 'v2');
  });
  after(async () => {
    await cli?.remove();
    await stack?.stop();
  });

  void it('key generate + signer add + sign --signer: docker trust inspect shows the tag signed by alice', async () => {
    const generated = await cli.run(['key', 'generate', 'alice', '--dir', cli.project.path], PASS);
    ok(generated);
    assert.equal(generated.stdout, `Generating key for alice...\nSuccessfully generated and loaded private key. Corresponding public key available: ${join(cli.project.path, 'alice.pub')}\n`);
    const pub = await readFile(join(cli.project.path, 'alice.pub'), 'utf8');
    assert.match(pub, /^-----BEGIN PUBLIC KEY-----\nrole: alice\n\n/);
    const keyFiles = await readdir(join(cli.docker.path, 'trust', 'private'));
    assert.equal(keyFiles.length, 1);
    assert.match(await readFile(join(cli.docker.path, 'trust', 'private', keyFiles[0]!), 'utf8'), /^-----BEGIN ENCRYPTED PRIVATE KEY-----\nrole: alice\n/);

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
    assert.deepEqual(entry?.Signers.map((s) => [s.Name, s.Keys[0]?.ID]), [['alice', keyFiles[0]!.replace(/\.key$/, '')]]);
    for (const run of [generated, added, signed]) secretFree(run);
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
