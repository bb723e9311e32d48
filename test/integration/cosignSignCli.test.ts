/**
 * `trustlens sign --scheme cosign` and `trustlens key generate --scheme cosign` against a real
 * docker-registry 2.8.2 and the real cosign 2.5.0: what the CLI signs, `cosign verify --key
 * --insecure-ignore-tlog` (legacy .sig) and `cosign verify-attestation --new-bundle-format` (bundle
 * referrer) accept; keys each side generates are used by the other.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/trust/cli';
import { cosign } from '../helpers/sigstore/tools';
import { pushImage } from '../helpers/stack/push';
import { startRegistry, type Registry } from '../helpers/stack/registry';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';

const PASSWORD = 'cli-passphrase';
const SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

void describe('trustlens sign and key generate with --scheme cosign', () => {
  let registry: Registry;
  let dir: TempDir;
  let n = 0;

  before(async () => {
    registry = await startRegistry();
    dir = await makeTempDir('cosign-cli');
  });
  after(async () => {
    await registry?.stop();
    await dir?.remove();
  });

  const trustlens = (args: string[], password = PASSWORD) => runCli([...args, '--docker-config', join(dir.path, 'docker'), '--cache-dir', join(dir.path, 'cache')], { cwd: dir.path, env: { COSIGN_PASSWORD: password } });
  const image = async () => {
    const name = `cli/app${++n}`;
    const pushed = await pushImage(registry, name, 'v1');
    return { tag: `${registry.host}/${name}:v1`, digest: pushed.digest };
  };

  void it('generates cosign.key (mode 600) and cosign.pub that cosign signs with, and TrustLens signs so that cosign verify accepts it', async () => {
    const keys = join(dir.path, 'trustlens-keys');
    const generated = await trustlens(['key', 'generate', '--scheme', 'cosign', '--dir', keys]);
    assert.equal(generated.code, 0, generated.stderr);
    assert.equal((await stat(join(keys, 'cosign.key'))).mode & 0o777, 0o600);
    // cosign signs with the key TrustLens generated…
    const byCosign = await image();
    await cosign(['sign', '--key', join(keys, 'cosign.key'), '--tlog-upload=false', '--allow-insecure-registry', '-y', `${byCosign.tag.replace(':v1', '')}@${byCosign.digest}`], { password: PASSWORD });
    await cosign(['verify', '--key', join(keys, 'cosign.pub'), '--insecure-ignore-tlog', '--allow-insecure-registry', byCosign.tag]);
    // …and cosign verify accepts what TrustLens signs with it.
    const byTrustLens = await image();
    const signed = await trustlens(['sign', byTrustLens.tag, '--scheme', 'cosign', '--key', join(keys, 'cosign.key')]);
    assert.equal(signed.code, 0, signed.stderr);
    assert.match(signed.stdout, /nothing was uploaded to a transparency log/);
    assert.match(signed.stdout, new RegExp(`Pushed the signature to .*:sha256-${byTrustLens.digest.slice(7)}\\.sig`));
    const verified = await cosign(['verify', '--key', join(keys, 'cosign.pub'), '--insecure-ignore-tlog', '--allow-insecure-registry', byTrustLens.tag]);
    assert.match(verified.stdout, new RegExp(`"docker-manifest-digest":"${byTrustLens.digest}"`));
  });

  void it('signs with a key cosign generate-key-pair wrote, as a bundle referrer cosign verify-attestation accepts', async () => {
    await cosign(['generate-key-pair', '--output-key-prefix', join(dir.path, 'cosign-made')], { password: PASSWORD, cwd: dir.path });
    const img = await image();
    const signed = await trustlens(['sign', img.tag, '--scheme', 'cosign', '--key', join(dir.path, 'cosign-made.key'), '--format', 'bundle']);
    assert.equal(signed.code, 0, signed.stderr);
    assert.match(signed.stdout, /Pushed the signature to the Sigstore bundle referrer sha256:[0-9a-f]{64}/);
    const emptyRoot = join(dir.path, 'empty-trusted-root.json');
    await writeFile(emptyRoot, JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1' }));
    const verified = await cosign(['verify-attestation', '--new-bundle-format', '--trusted-root', emptyRoot, '--key', join(dir.path, 'cosign-made.pub'), '--insecure-ignore-tlog',
      '--type', SIGN_PREDICATE, '--allow-insecure-registry', img.tag]);
    assert.equal(verified.code, 0);
  });

  void it('a wrong COSIGN_PASSWORD signs nothing and fails with exit status 1', async () => {
    const img = await image();
    const signed = await trustlens(['sign', img.tag, '--scheme', 'cosign', '--key', join(dir.path, 'cosign-made.key')], 'wrong');
    assert.equal(signed.code, 1, signed.stdout);
    assert.match(signed.stderr, /failed to sign/);
    const verify = await cosign(['verify', '--key', join(dir.path, 'cosign-made.pub'), '--insecure-ignore-tlog', '--allow-insecure-registry', img.tag], { allowFailure: true });
    assert.notEqual(verify.code, 0, 'no signature was written');
  });

  void it('--scheme must name a scheme TrustLens signs with', async () => {
    const r = await trustlens(['sign', 'x:1', '--scheme', 'notation']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--scheme must be dct or cosign, got "notation"/);
  });
});
