/** A DCT verdict as backend-neutral evidence: who signed with which keys, and each expiry it depends on. */
import type { EvaluatedResult, ExpiryEvidence, SignatureResult, SignerEvidence } from '../checkResult';
import type { RepositoryOutcome } from './outcome';
import { ownedRolesUsed } from './evaluate';
import { dctRenewal, renewalContext } from './renewal';
import type { TrustData } from './tuf/verifiedData';

function signerKeys(data: TrustData, role: string): string[] {
  const declared = [data.targets, ...data.delegations].flatMap((f) => f.delegations).find((d) => d.name === role);
  return declared ? declared.keys.map((k) => k.canonicalId ?? k.id) : [];
}

/**
 * The evidence of one reference's evaluation, from the outcome it was evaluated on; each expiry says
 * who renews it. `snapshotServerManaged` is what the trust server said of its snapshot key, when asked.
 */
export function dctSignature(result: EvaluatedResult, outcome: RepositoryOutcome, snapshotServerManaged?: boolean): SignatureResult {
  const data = outcome.kind === 'verified' ? outcome.data : undefined;
  const signers: SignerEvidence[] = result.signers.map((name) => {
    const role = `targets/${name}`;
    return { name, role, keyIds: data ? signerKeys(data, role) : [] };
  });
  let expires: ExpiryEvidence[] = [];
  if (data && result.expires !== null) {
    const signerRoles = result.status === 'not-released' ? [] : result.signers.map((s) => `targets/${s}`);
    const context = renewalContext(result, data, snapshotServerManaged);
    // A snapshot the owner signs is theirs to renew too (known once it nears expiry, when the server is asked).
    const owned = [...ownedRolesUsed(data, result.role ?? undefined, signerRoles), ...(snapshotServerManaged === false ? [data.snapshot] : [])];
    expires = owned
      .sort((a, b) => a.expiresAt - b.expiresAt)
      .map((r) => ({ what: r.name, expires: new Date(r.expiresAt).toISOString(), ...dctRenewal(r.name, context) }));
  }
  return {
    scheme: 'dct',
    status: result.status,
    signedDigest: result.signedDigest,
    signers,
    expires,
    findings: result.findings,
    source: result.trustServer ? { kind: 'trust-server', url: result.trustServer } : null,
    role: result.role,
    ...(result.requiredSigners ? { requiredSigners: result.requiredSigners } : {}),
    ...(result.missingSigners ? { missingSigners: result.missingSigners } : {}),
  };
}
