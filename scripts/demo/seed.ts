/**
 * Seeds the demo repositories on a running local stack, with the real registry and notary CLI:
 * every kind of verdict the examples show.
 */
import { join } from 'node:path';
import { FileKeyStore } from '../../src/core/trust/dct/keys/fileKeyStore';
import { DEFAULT_PASSPHRASES } from '../../test/helpers/stack/notaryCli';
import { pushImage, pushIndex } from '../../test/helpers/stack/push';
import { addSigner, createSigner, hexOf, signAs, type Signer } from '../../test/helpers/stack/signers';
import type { Stack } from '../../test/helpers/stack/stack';

/** The passphrase of the signer key the demo hands the editor; a demo value, printed in the tour. */
export const DEMO_KEY_PASSPHRASE = 'alice-demo-key';

/** What the demo holds, for the tour. */
export interface DemoRepositories {
  registry: string;
  lines: string[];
  /** The signer whose key the editor is given (see {@link handOverSignerKey}). */
  signer: Signer;
}

/**
 * Puts a copy of `signer`'s private key into the editor's docker trust dir, re-encrypted with
 * {@link DEMO_KEY_PASSPHRASE}, so that signing in the demo works on the first try: the editor holds a
 * key of a signer of demo/web, as a team member would after `docker trust key load`.
 */
export async function handOverSignerKey(signer: Signer, dockerConfigDir: string): Promise<void> {
  const keys = new FileKeyStore(join(dockerConfigDir, 'trust'));
  // `notary key generate -o <prefix>` wrote the key as <prefix>-key.pem, under the delegation passphrase.
  await keys.importFile(join(signer.cli.workDir, `${signer.name}-key.pem`), { role: signer.name }, {
    get: async ({ purpose }) => (purpose === 'open' ? DEFAULT_PASSPHRASES.delegation : DEMO_KEY_PASSPHRASE),
  });
}

async function initWithServerSnapshot(stack: Stack, gun: string): Promise<void> {
  await stack.cli.init(gun);
  await stack.cli.publish(gun);
  await stack.cli.rotateSnapshotToServer(gun);
}

/** Creates the demo repositories; each line says what one of them shows. */
export async function seedDemo(stack: Stack): Promise<DemoRepositories> {
  const host = stack.registry.host;
  const lines: string[] = [];

  // demo/web: docker-style, signer alice releases 1.0; 1.1-rc is signed by alice but never released;
  // 2.0 is pushed and never signed.
  const web = `${host}/demo/web`;
  const web10 = await pushImage(stack.registry, 'demo/web', '1.0');
  const web11 = await pushImage(stack.registry, 'demo/web', '1.1-rc');
  await pushImage(stack.registry, 'demo/web', '2.0');
  await initWithServerSnapshot(stack, web);
  const alice = await createSigner(stack, 'alice');
  await addSigner(stack.cli, web, alice);
  await signAs(alice, web, '1.0', web10);
  await signAs(alice, web, '1.1-rc', web11, { released: false });
  lines.push(`${web}:1.0 signed and released by alice`, `${web}:1.1-rc signed by alice, not released`, `${web}:2.0 pushed, never signed`);

  // demo/base: a multi-arch index signed by the repository key.
  const base = `${host}/demo/base`;
  const base3 = await pushIndex(stack.registry, 'demo/base', '3');
  await initWithServerSnapshot(stack, base);
  await stack.cli.addHash(base, '3', base3.size, hexOf(base3.digest));
  await stack.cli.publish(base);
  lines.push(`${base}:3 a signed multi-arch index (${base3.manifests.length} platforms)`);

  // demo/payments: the policy wants ci and qa; only ci signed 1.0.
  const payments = `${host}/demo/payments`;
  const pay10 = await pushImage(stack.registry, 'demo/payments', '1.0');
  await initWithServerSnapshot(stack, payments);
  const ci = await createSigner(stack, 'ci');
  const qa = await createSigner(stack, 'qa');
  await addSigner(stack.cli, payments, ci);
  await addSigner(stack.cli, payments, qa);
  await signAs(ci, payments, '1.0', pay10);
  lines.push(`${payments}:1.0 signed by ci only; the policy requires ci and qa`);

  // demo/tools: pushed, with no trust data at all.
  await pushImage(stack.registry, 'demo/tools', '1.0');
  lines.push(`${host}/demo/tools:1.0 has no trust data`);

  return { registry: host, lines, signer: alice };
}
