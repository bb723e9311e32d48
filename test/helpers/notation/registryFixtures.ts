/**
 * The Notation project's e2e OCI layouts (../shared/fixtures/notation/oci_layout) loaded into a real
 * docker-registry with the real `oras cp -r --from-oci-layout` (oras 1.2.0, which
 * scripts/setup-sigstore.sh installs), which pushes each signature manifest with the image and, the
 * registry having no referrers API, writes the referrers tag (`sha256-<hex>`).
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OciDescriptor } from '../../../src/core/trust/notation/source';
import { runTool } from '../sigstore/tools';
import { runCommand } from '../stack/runCommand';
import type { Registry } from '../stack/registry';
import { notationTempDir, writeSignedImage, type GeneratedSignature } from './scenario';

/** Every e2e layout, each tagged `v1`. */
export const E2E_LAYOUTS = [
  'e2e',
  'e2e-valid-signature',
  'e2e-expired-signature',
  'e2e-invalid-signature',
  'e2e-with-expired-cert',
  'e2e-valid-multiple-signatures',
  'e2e-with-timestamped-signature',
  'e2e-with-invalid-timestamped-signature',
] as const;

export type E2eLayout = (typeof E2E_LAYOUTS)[number];

/**
 * Copies layouts into `<registry>/<prefix>/<layout>:v1`; returns the image name of each. `root` is the
 * repository root (the shared fixtures are beside it, oras in its `.cache`); fails loudly when either is missing.
 */
export async function loadE2eLayouts(registry: Registry, layouts: readonly E2eLayout[] = E2E_LAYOUTS, options: { prefix?: string; root?: string } = {}): Promise<Record<E2eLayout, string>> {
  const root = options.root ?? process.cwd();
  const oras = join(root, '.cache', 'sigstore-tools', 'root', 'usr', 'bin', 'oras');
  if (!existsSync(oras)) throw new Error(`oras is not installed at ${oras}: run \`bash scripts/setup-sigstore.sh\` (npm test does)`);
  const fixtures = join(root, '..', 'shared', 'fixtures', 'notation', 'oci_layout');
  if (!existsSync(fixtures)) throw new Error(`the shared Notation fixtures are missing: expected ${fixtures}`);
  const names = {} as Record<E2eLayout, string>;
  for (const layout of layouts) {
    const image = `${registry.host}/${options.prefix ?? 'notation'}/${layout}:v1`;
    await runCommand(oras, ['cp', '-r', '--from-oci-layout', `${join(fixtures, layout)}:v1`, '--to-plain-http', image], { timeoutMs: 60_000, env: { PATH: process.env.PATH ?? '', HOME: tmpdir() } });
    names[layout] = image;
  }
  return names;
}

/**
 * Writes a generated image with `signatures` (current `artifactType` form unless one says otherwise)
 * as an OCI layout and copies it into `<host>/<repository>:v1` with the real `oras cp -r`, as a user
 * pushes signatures to a registry without the referrers API. Returns the image name, the image's
 * descriptor and the signature manifests' descriptors.
 */
export async function pushSignedImage(host: string, repository: string, signatures: readonly GeneratedSignature[]): Promise<{ image: string; target: OciDescriptor; signatureManifests: OciDescriptor[] }> {
  const dir = notationTempDir('notation-push');
  const written = await writeSignedImage(signatures.map((s) => ({ form: 'artifactType' as const, ...s })), dir);
  const image = `${host}/${repository}:v1`;
  await runTool('oras', ['cp', '-r', '--from-oci-layout', `${dir}:v1`, '--to-plain-http', image]);
  return { image, target: written.target, signatureManifests: written.signatureManifests };
}
