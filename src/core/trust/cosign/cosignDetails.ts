/**
 * What the Signers view shows of a repository's cosign signatures, from the verdicts
 * last reached for its references: each signer (certificate identity or key), whether a rule trusts
 * it, its issuer, transparency log entry and certificate validity, and the digests signed.
 */
import type { DetailsGroup, DetailsKey, DetailsRole, DetailsTag, RepositoryKey, TrustDetails } from '../trustDetails';
import type { CosignCheckResult, SignerEvidence } from './cosignResult';

function signerId(s: SignerEvidence): string {
  return s.kind === 'key' ? `key:${s.keyId ?? s.name}` : `cert:${s.issuer ?? ''}\n${s.identity ?? s.name}`;
}

/** The lines that describe one signature, plain text. */
export function signerLines(s: SignerEvidence): string[] {
  const lines = [s.kind === 'key' ? `Key: ${s.name}` : `Identity: ${s.identity ?? s.name}`];
  if (s.issuer) lines.push(`Issuer: ${s.issuer}`);
  if (s.keyId) lines.push(`Key ID: ${s.keyId}`);
  if (s.keySource) lines.push(`Key file: ${s.keySource}`);
  if (s.certificate) lines.push(`Certificate valid ${s.certificate.notBefore} to ${s.certificate.notAfter}${s.certificate.authority === 'ca' ? ' (from a CA the policy names)' : ' (Sigstore)'}`);
  if (s.rekor) lines.push(`Rekor log index ${s.rekor.logIndex}${s.rekor.integratedTime ? `, integrated ${s.rekor.integratedTime}` : ''}`);
  lines.push(s.trusted ? 'Trusted by a rule in .trustlens.yaml' : 'No rule in .trustlens.yaml trusts this signer');
  lines.push(`Found in ${s.location.source === 'sig-tag' ? 'the .sig tag' : 'a referrer'} ${s.location.manifestDigest}`);
  return lines;
}

function roleOf(s: SignerEvidence): DetailsRole {
  const key: DetailsKey[] = s.keyId
    ? [{ id: s.keyId, shortId: s.keyId.slice(0, 12), keytype: 'cosign', holders: [], description: s.keySource ?? '', tooltip: [`Key ID ${s.keyId}`] }]
    : [];
  return {
    kind: 'role',
    id: signerId(s),
    label: s.kind === 'key' ? s.name : (s.identity ?? s.name),
    description: `${s.trusted ? 'trusted' : 'not trusted by a rule'}${s.issuer ? ` · ${s.issuer}` : ''}`,
    tooltip: signerLines(s),
    icon: s.kind === 'key' ? 'key' : 'verified',
    warning: !s.trusted,
    keys: key,
    counted: true,
    context: 'role',
  };
}

/** The repository as the Signers view shows it, from the verdicts of its references, most recent last. */
export function cosignDetails(key: RepositoryKey, results: readonly CosignCheckResult[]): TrustDetails {
  const base = { scheme: 'cosign', key, signedTags: [], notes: ['Signatures: cosign (read from the registry)'] } as const;
  if (results.length === 0) {
    return { ...base, groups: [], problem: { kind: 'no-data', short: 'not checked yet', detail: 'no reference to this repository has been checked for cosign signatures yet', icon: 'info', message: 'not checked yet' } };
  }
  if (results.every((r) => r.status === 'unverifiable')) {
    const message = results[results.length - 1]!.findings.find((f) => f.code === 'unverifiable')?.message ?? 'the registry could not be asked';
    return { ...base, groups: [], problem: { kind: 'unverifiable', short: 'registry unreachable', detail: message, icon: 'debug-disconnect', message } };
  }
  const signers = new Map<string, SignerEvidence>();
  for (const r of results) for (const s of r.signers) if (!signers.has(signerId(s)) || s.trusted) signers.set(signerId(s), s);
  const digests: DetailsTag[] = [];
  for (const r of results) {
    if (r.status !== 'signed' || !r.signedDigest || digests.some((d) => d.digest === r.signedDigest)) continue;
    const names = r.signers.filter((s) => s.trusted).map((s) => s.identity ?? s.name);
    digests.push({ kind: 'tag', tag: r.signedDigest.slice(0, 19), digest: r.signedDigest, signers: names, signedBy: names.join(', ') });
  }
  const groups: DetailsGroup[] = [
    { id: 'cosignSigners', label: 'cosign signers', icon: 'organization', empty: 'No cosign signature verified', items: [...signers.values()].map(roleOf) },
    { id: 'cosignDigests', label: 'cosign-signed digests', icon: 'tag', empty: 'No digest signed by a trusted signer', items: digests },
  ];
  return { ...base, groups };
}
