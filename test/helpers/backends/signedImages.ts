/**
 * A project whose images the cosign and Notation backends can verify, on a real registry: an image
 * signed by the real cosign CLI with a key made in `dir` (`cosign.pub`), and one Notation signed by a
 * test CA (`ca/root.pem`) pushed with oras. A `.trustlens.yaml` in `dir` that requires each scheme for
 * its repository trusts both.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pushSignedImage } from '../notation/registryFixtures';
import { makeCert, profiles, testKey } from '../notation/testPki';
import { cosign } from '../sigstore/tools';
import { pushImage } from '../stack/push';
import type { Registry } from '../stack/registry';

const PASSWORD = 'signed-images';

/** Pushes and signs `<prefix>/cosign:v1` and `<prefix>/notation:v1`; writes the policy that trusts them, for these and `alsoFor` registries. */
export async function pushSignedImages(registry: Registry, dir: string, prefix: string, alsoFor: readonly string[] = []): Promise<{ cosignImage: string; notationImage: string }> {
  const organisation = `${prefix[0]!.toUpperCase()}${prefix.slice(1)}`;
  const name = (cn: string) => [['C', 'US'], ['ST', 'WA'], ['O', organisation], ['CN', cn]] as const;
  const root = makeCert(profiles.rootCa(name(`${organisation} Root`)));
  const leaf = makeCert(profiles.leafOf(root, name('release'), { key: testKey('rsa', `${prefix}-leaf`) }));
  mkdirSync(join(dir, 'ca'), { recursive: true });
  writeFileSync(join(dir, 'ca', 'root.pem'), root.pem);
  await cosign(['generate-key-pair', '--output-key-prefix', join(dir, 'cosign')], { password: PASSWORD, cwd: dir });
  const pushed = await pushImage(registry, `${prefix}/cosign`, 'v1');
  await cosign(['sign', '--key', join(dir, 'cosign.key'), '--tlog-upload=false', '--allow-insecure-registry', '-y', `${registry.host}/${prefix}/cosign@${pushed.digest}`], { password: PASSWORD });
  await pushSignedImage(registry.host, `${prefix}/notation`, [{ format: 'jws', chain: [leaf, root] }]);
  const hosts = [registry.host, ...alsoFor];
  writeFileSync(join(dir, '.trustlens.yaml'), [
    'rules:',
    `  - images: [${hosts.map((h) => `"${h}/${prefix}/cosign"`).join(', ')}]`,
    '    require: [cosign]',
    '    cosign:',
    '      keys: [cosign.pub]',
    `  - images: [${hosts.map((h) => `"${h}/${prefix}/notation"`).join(', ')}]`,
    '    require: [notation]',
    '    notation:',
    '      trustStores:',
    '        ca: [ca]',
    `      trustedIdentities: ["x509.subject: C=US, ST=WA, O=${organisation}, CN=release"]`,
    '',
  ].join('\n'));
  return { cosignImage: `${registry.host}/${prefix}/cosign:v1`, notationImage: `${registry.host}/${prefix}/notation:v1` };
}
