/**
 * Generated Notation signatures (a throw-away CA, structured as the real ones: see
 * test/unit/trust/notation/generatorProof.test.ts) in both envelope formats and the current
 * `artifactType` manifest form, pushed into a real docker-registry with the real `oras cp -r`, and
 * checked through `trustlens check` under a `.trustlens.yaml` notation section. Each attack comes out
 * failing and never signed; its controls, in the same registry, are signed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResultJson } from '../../src/core/trust/checkResult';
import { notationTempDir, writeSignedImage, type GeneratedSignature } from '../helpers/notation/scenario';
import { makeCert, profiles, testKey } from '../helpers/notation/testPki';
import { runTool } from '../helpers/sigstore/tools';
import { startRegistry, type Registry } from '../helpers/stack/registry';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { runCli } from '../helpers/trust/cli';

const name = (o: string, cn: string) => [['C', 'US'], ['ST', 'WA'], ['O', o], ['CN', cn]] as const;

describe('generated Notation signatures through a real registry and trustlens check', () => {
  const root = makeCert(profiles.rootCa(name('Acme', 'Acme Root')));
  const leaf = makeCert(profiles.leafOf(root, name('Acme', 'release'), { key: testKey('rsa', 'registry-leaf') }));
  const otherRoot = makeCert(profiles.rootCa(name('Mallory', 'Mallory Root')));
  const otherLeaf = makeCert(profiles.leafOf(otherRoot, name('Mallory', 'release'), { key: testKey('rsa', 'registry-mallory') }));
  let registry: Registry;
  let tmp: TempDir;

  before(async () => {
    registry = await startRegistry();
    tmp = await makeTempDir('notation-registry-attacks');
  });
  after(async () => {
    await registry?.stop();
    await tmp?.remove();
  });

  /** Writes an image with `signatures` as an OCI layout, copies it into the registry with oras, returns its name. */
  async function push(repository: string, signatures: GeneratedSignature[]): Promise<string> {
    const dir = notationTempDir('notation-push');
    await writeSignedImage(signatures.map((s) => ({ form: 'artifactType', ...s })), dir);
    const image = `${registry.host}/${repository}:v1`;
    await runTool('oras', ['cp', '-r', '--from-oci-layout', `${dir}:v1`, '--to-plain-http', image]);
    return image;
  }

  async function check(images: string[]): Promise<CheckResultJson[]> {
    const dir = join(tmp.path, `check-${Date.now()}`);
    mkdirSync(join(dir, 'ca'), { recursive: true });
    writeFileSync(join(dir, 'ca', 'acme.pem'), root.pem);
    writeFileSync(join(dir, 'Dockerfile'), images.map((i) => `FROM ${i}\n`).join(''));
    writeFileSync(join(dir, '.trustlens.yaml'), `rules:\n  - images: ["${registry.host}/**"]\n    require: [notation]\n    notation:\n      trustStores:\n        ca: [ca]\n      trustedIdentities: ["x509.subject: C=US, ST=WA, O=Acme, CN=release"]\n`);
    const out = await runCli(['check', dir, '--format', 'json', '--cache-dir', join(dir, '.cache')], { env: { HOME: join(dir, 'home'), XDG_CONFIG_HOME: join(dir, 'xdg') } });
    return (JSON.parse(out.stdout) as { results: CheckResultJson[] }).results;
  }
  const notation = (r: CheckResultJson) => r.signatures.find((s) => s.scheme === 'notation');

  for (const format of ['jws', 'cose'] as const) {
    it(`${format.toUpperCase()}: the control is signed; another image's digest, an untrusted CA and an unknown critical header are not`, async () => {
      const good: GeneratedSignature = { format, chain: [leaf, root] };
      const images = [
        await push(`${format}/control`, [good]),
        await push(`${format}/other-digest`, [{ ...good, target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'c'.repeat(64)}`, size: 1000 } }]),
        await push(`${format}/untrusted-ca`, [{ format, chain: [otherLeaf, otherRoot] }]),
        await push(`${format}/critical-header`, [{ ...good, extraHeaders: { 'com.example.policy': 'strict' }, extraCrit: ['com.example.policy'] }]),
      ];
      const results = await check(images);
      assert.deepEqual(results.map((r) => [r.status, r.verdict, notation(r)?.status]), [
        ['signed', 'pass', 'signed'],
        ['invalid', 'fail', 'invalid'],
        ['untrusted-signer', 'fail', 'untrusted-signer'],
        ['invalid', 'fail', 'invalid'],
      ]);
      assert.deepEqual(results[0]!.signers, ['CN=release,O=Acme,ST=WA,C=US']);
      assert.match(results[2]!.findings.find((f) => f.code === 'untrusted-signer')?.message ?? '', /CN=release,O=Mallory.*CN=Mallory Root/);
    });
  }
});
