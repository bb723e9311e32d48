/**
 * Generated Notation signatures (a throw-away CA, structured as the real ones: see
 * test/unit/trust/notation/generatorProof.test.ts) in both envelope formats and the current
 * `artifactType` manifest form, pushed into a real docker-registry with the real `oras cp -r`, and
 * checked through `trustlens check` under a `.trustlens.yaml` notation section. Each attack comes out
 * failing and never signed; its controls, in the same registry, are signed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CheckResultJson } from '../../src/core/trust/checkResult';
import { checkWithNotationRule, notationOf } from '../helpers/notation/cliCheck';
import { pushSignedImage } from '../helpers/notation/registryFixtures';
import type { GeneratedSignature } from '../helpers/notation/scenario';
import { makeCert, profiles, testKey } from '../helpers/notation/testPki';
import { startRegistry, type Registry } from '../helpers/stack/registry';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';

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

  const push = async (repository: string, signatures: GeneratedSignature[]): Promise<string> => (await pushSignedImage(registry.host, repository, signatures)).image;

  const check = async (images: string[]): Promise<CheckResultJson[]> =>
    (await checkWithNotationRule(tmp.path, images, { images: `${registry.host}/**`, ca: [root.pem], identities: ['x509.subject: C=US, ST=WA, O=Acme, CN=release'] })).results;
  const notation = notationOf;

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
