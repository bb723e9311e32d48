/**
 * The Notation project's e2e OCI layouts (../shared/fixtures/notation/oci_layout) loaded into a real
 * docker-registry with the real `oras cp -r --from-oci-layout`, which pushes each signature manifest
 * with the image and, the registry having no referrers API, writes the referrers tag (`sha256-<hex>`).
 */
import { runTool } from '../sigstore/tools';
import type { Registry } from '../stack/registry';
import { notationFixture } from './scenario';

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

/** Copies layouts into `<registry>/notation/<layout>:v1`; returns the image name of each. */
export async function loadE2eLayouts(registry: Registry, layouts: readonly E2eLayout[] = E2E_LAYOUTS, prefix = 'notation'): Promise<Record<E2eLayout, string>> {
  const names = {} as Record<E2eLayout, string>;
  for (const layout of layouts) {
    const image = `${registry.host}/${prefix}/${layout}:v1`;
    await runTool('oras', ['cp', '-r', '--from-oci-layout', `${notationFixture('oci_layout', layout)}:v1`, '--to-plain-http', image]);
    names[layout] = image;
  }
  return names;
}
