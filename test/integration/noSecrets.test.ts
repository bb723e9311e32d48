/**
 * The CLI's signing flows never write a passphrase or private key material anywhere but the key
 * files: every write command is run with `--verbose` and known passphrases (also a wrong one, and
 * an encrypted key to load), then its stdout and stderr, the metadata cache, the docker config
 * directory (but its key files) and the public key file are searched for the passphrases, the key
 * files' bodies, the decrypted key bytes and PEM `PRIVATE KEY` markers.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pushImage, pushIndex } from '../helpers/stack/push';
import { startStack, type Stack } from '../helpers/stack/stack';
import { findSecrets, keyMaterialSecrets, passphraseSecrets, secretsIn } from '../helpers/trust/secrets';
import { makeWriteCli, type WriteCli } from '../helpers/trust/writeCli';

const PASS = { root: 'nosecret-root-Q7xv2', repository: 'nosecret-repo-K4mz8' };
const WRONG = 'nosecret-wrong-P3ha5';

void describe('no secrets in what the CLI writes', () => {
  let stack: Stack;
  let cli: WriteCli;

  before(async () => {
    stack = await startStack();
    cli = await makeWriteCli(stack, 'nosecrets');
  });
  after(async () => {
    await cli?.remove();
    await stack?.stop();
  });

  void it('sign, signer, revoke and key with --verbose leave no passphrase or key material in output, cache or config', async () => {
    const gun = `${stack.registry.host}/nosecrets/app`;
    await pushImage(stack.registry, 'nosecrets/app', 'v1');
    await pushIndex(stack.registry, 'nosecrets/app', 'multi');
    // A key to load, encrypted with the repository passphrase (it is asked for with purpose open).
    const bobFile = join(cli.project.path, 'bob.pem');
    const bob = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    await writeFile(bobFile, bob.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASS.repository }), { mode: 0o600 });

    const v = ['--verbose'];
    const steps: Array<[string[], typeof PASS | Partial<typeof PASS>, number]> = [
      [['key', 'generate', 'alice', '--dir', cli.project.path, ...v], PASS, 0],
      [['key', 'load', bobFile, '--name', 'bob', ...v], PASS, 0],
      [['signer', 'add', 'alice', gun, '--key', join(cli.project.path, 'alice.pub'), ...v], PASS, 0],
      [['sign', `${gun}:v1`, '--signer', 'alice', ...v], PASS, 0],
      [['sign', `${gun}:multi`, '--signer', 'bob', ...v], PASS, 0],
      [['sign', `${gun}:v1`, '--signer', 'alice', ...v], { ...PASS, repository: WRONG }, 1],
      [['revoke', `${gun}:multi`, ...v], PASS, 0],
      [['signer', 'remove', 'bob', gun, '--force', ...v], PASS, 0],
    ];
    for (const [args, passphrases, code] of steps) {
      const run = await cli.run(args, passphrases);
      assert.equal(run.code, code, `${args.join(' ')}\n${run.stdout}\n${run.stderr}`);
    }
    assert.match(cli.runs.map((r) => r.result.stderr).join(''), /debug: |info: /, '--verbose logged something');

    const secrets = [
      ...passphraseSecrets({ ...PASS, wrong: WRONG }),
      ...await keyMaterialSecrets(join(cli.docker.path, 'trust', 'private'), [PASS.root, PASS.repository]),
      { name: 'the loaded key (PKCS#8, base64)', value: bob.export({ type: 'pkcs8', format: 'der' }).toString('base64').slice(0, 40) },
      { name: 'the loaded key\'s private scalar (base64url)', value: String(bob.export({ format: 'jwk' }).d) },
    ];
    assert.ok(secrets.length > 10, 'key material to search for was found');
    // The search does find what it looks for: in the key files themselves.
    assert.ok((await findSecrets(join(cli.docker.path, 'trust', 'private'), secrets)).length >= 4);
    const found = [
      ...cli.runs.flatMap((r, i) => [...secretsIn(r.result.stdout, secrets, `stdout of run ${i + 1}`), ...secretsIn(r.result.stderr, secrets, `stderr of run ${i + 1}`)]),
      ...await findSecrets(cli.cacheDir.path, secrets),
      ...await findSecrets(cli.docker.path, secrets, (path) => path === join(cli.docker.path, 'trust', 'private')),
      ...secretsIn(await readFile(join(cli.project.path, 'alice.pub'), 'utf8'), secrets, 'alice.pub'),
      ...secretsIn(await readFile(join(cli.project.path, '.trustlens.yaml'), 'utf8'), secrets, '.trustlens.yaml'),
    ];
    assert.deepEqual(found, []);
  });
});
