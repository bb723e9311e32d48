/**
 * The cosign verification code, loaded on first use: sigstore-js (bundles, protobuf specs, the
 * verifier), the certificate checks and the Sigstore trusted root. A check that finds no cosign
 * signature, under a policy that names no cosign key, CA or trusted root, never loads it, so checking
 * images signed another way (or not at all) does not pay for it.
 */
import type { CosignPolicy } from './cosignPolicy';
import type { CosignTrust, ReadFileBytes } from './trustMaterial';

/** Verifies one discovered signature (`verifySignature.ts`). */
export const signatureVerification = () => import('./verifySignature');

/** The Sigstore public-good trusted root (`sigstoreRoot.ts`). */
export const publicGoodRootModule = () => import('./sigstoreRoot');

/** Whether a policy names any file: a key, a CA of an identity, or a trusted root. */
function namesFiles(policy: CosignPolicy): boolean {
  return policy.keys.length > 0 || policy.identities.some((i) => i.ca !== undefined) || policy.trustedRoot !== undefined;
}

/**
 * `loadCosignTrust` of `trustMaterial.ts`, which is loaded only when the policy names a file: without
 * one, the trust it gives is known (no key, each identity checked against the Sigstore root).
 */
export async function loadTrust(policy: CosignPolicy, read?: ReadFileBytes): Promise<CosignTrust> {
  if (!namesFiles(policy)) return { keys: [], identities: policy.identities.map((rule) => ({ rule, roots: undefined })), trustedRootFile: undefined };
  return (await import('./trustMaterial')).loadCosignTrust(policy, read);
}
