/**
 * The *Trust this signer…* change for a cosign certificate identity that no rule trusts: a rule for the
 * repository whose `cosign:` section is the one that applied to it, plus the identity. The last
 * matching rule's section is the one that counts, so the keys and identities trusted before stay
 * trusted. Paths are written relative to the policy file, as a person would write them.
 */
import { isAbsolute, relative, sep } from 'node:path';
import type { TrustFix } from '../../model/findings';
import type { CosignIdentityRule, CosignPolicy } from './cosignPolicy';
import type { TrustSignerFix } from './cosignResult';

/** A path as the policy file would name it: relative to its folder when known, with `/`. */
function written(path: string, baseDir: string | undefined): string {
  if (!baseDir || !isAbsolute(path)) return path;
  return relative(baseDir, path).split(sep).join('/') || '.';
}

function identityEntry(rule: CosignIdentityRule, baseDir: string | undefined): Record<string, unknown> {
  const { ca, ...rest } = rule;
  return { ...rest, ...(ca ? { ca: ca.map((p) => written(p, baseDir)) } : {}) };
}

/** The rule that trusts `signer` for its repository, keeping what `section` (the section that applied) trusts. */
export function cosignTrustFix(signer: TrustSignerFix, section: CosignPolicy): TrustFix {
  const { baseDir } = section;
  const added: CosignIdentityRule = { issuer: signer.issuer, subject: signer.subject, ...(signer.ca ? { ca: signer.ca } : {}) };
  const cosign = {
    ...(section.keys.length > 0 ? { keys: section.keys.map((k) => written(k, baseDir)) } : {}),
    identities: [...section.identities, added].map((r) => identityEntry(r, baseDir)),
    ...(section.trustedRoot !== undefined ? { trustedRoot: written(section.trustedRoot, baseDir) } : {}),
  };
  const authority = signer.ca ? `a CA in ${signer.ca.map((p) => written(p, baseDir)).join(', ')}` : 'Sigstore\'s public-good Fulcio';
  return {
    signer: `${signer.subject} (issuer ${signer.issuer})`,
    confirm: `Certificate identity: ${signer.subject}\nOIDC issuer: ${signer.issuer}\nCertificate from ${authority}.`,
    rule: { images: [signer.repository], cosign },
    files: [],
  };
}
