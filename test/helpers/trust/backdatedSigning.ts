/**
 * Signs a tag as its owner with TrustLens's publisher while the publisher's clock says `clock`: the
 * roles it signs expire three years after that, so a clock set back makes an expiry that is near.
 */
import type { Clock } from '../../../src/core/ports';
import { nullLogger } from '../../../src/core/ports';
import { MemoryMetadataStore } from '../../../src/core/trust/dct/metadataStore';
import type { PassphraseProvider } from '../../../src/core/trust/dct/keys/signingKey';
import { createTrustPublisher } from '../../../src/core/trust/dct/signing/createPublisher';
import type { TrustPublisher } from '../../../src/core/trust/dct/signing/trustPublisher';
import type { Stack } from '../stack/stack';

export interface BackdatedSigning {
  stack: Stack;
  /** Where the keys are (`<dir>/trust/private`). */
  dockerConfigDir: string;
  passphrases: PassphraseProvider;
  clock: Clock;
}

/** Runs `publish` with TrustLens's publisher while its clock says `o.clock`. */
export async function publishBackdated<T>(o: BackdatedSigning, publish: (publisher: TrustPublisher) => Promise<T>): Promise<T> {
  const tl = createTrustPublisher({
    dockerConfigDir: o.dockerConfigDir, store: new MemoryMetadataStore(), passphrases: o.passphrases, env: {},
    trustServers: { [o.stack.registry.host]: o.stack.notary.url }, clock: o.clock, logger: nullLogger,
    userAgent: 'trustlens-test', plainHttpForLoopbackRegistries: true,
  });
  try {
    return await publish(tl.publisher);
  } finally {
    await tl.close();
  }
}

/** Signs `reference` (pushed already) into targets, or with `signer` into its role and targets/releases. */
export async function signBackdated(o: BackdatedSigning, reference: string, signer?: string): Promise<void> {
  await publishBackdated(o, (publisher) => publisher.signTag(reference, signer ? { signer } : undefined));
}
