/**
 * The authenticity step (trust-store-trust-policy.md, "Validate Authenticity"): the envelope's chain
 * leads to a certificate of the trust stores of its scheme's type (`ca` for notary.x509,
 * `signingAuthority` for notary.x509.signingAuthority; a certificate of the chain equal to a trusted
 * one, as notation-core-go's `VerifyAuthenticity`), and the signing certificate's subject matches a
 * trusted identity (or the identities are `*`).
 */
import { certificatePem, sameBytes, type NotationCertificate } from './certificate';
import type { SigningScheme } from './constants';
import { isSubsetDN, parseDistinguishedName } from './distinguishedName';
import type { EnvelopeContent } from './envelope';
import type { TrustSignerFix } from './findings';
import type { TrustStore } from './trustStore';

export type AuthenticityOutcome = { ok: true; anchor: NotationCertificate } | { ok: false; message: string };

/** The trust store type a scheme's signatures are anchored in (signing-scheme.md, "Trust Stores"). */
export function storeTypeOf(scheme: SigningScheme): 'ca' | 'signingAuthority' {
  return scheme === 'notary.x509' ? 'ca' : 'signingAuthority';
}

export function checkAuthenticity(content: EnvelopeContent, stores: readonly TrustStore[], trustedIdentities: readonly string[], policyName: string): AuthenticityOutcome {
  const leaf = content.certificates[0] as NotationCertificate;
  const root = content.certificates[content.certificates.length - 1] as NotationCertificate;
  const type = storeTypeOf(content.signed.signingScheme);
  const relevant = stores.filter((s) => s.type === type);
  if (relevant.length === 0) {
    return { ok: false, message: `signed by "${leaf.subject}" (CA "${root.subject}"), but trust policy "${policyName}" names no ${type} trust store for ${content.signed.signingScheme} signatures` };
  }
  let anchor: NotationCertificate | undefined;
  for (const cert of content.certificates) {
    for (const store of relevant) {
      anchor ??= store.certificates.find((t) => sameBytes(t.der, cert.der));
    }
  }
  if (!anchor) {
    const names = relevant.map((s) => `${s.type}:${s.name}`).join(', ');
    return { ok: false, message: `signed by "${leaf.subject}" with a certificate from CA "${root.subject}", which is not in trust store ${names} of trust policy "${policyName}"` };
  }
  if (trustedIdentities.includes('*')) return { ok: true, anchor };
  const subject = leaf.subjectAttributes;
  const identities = trustedIdentities.filter((i) => i.startsWith('x509.subject:'));
  if (identities.length === 0) return { ok: false, message: `trust policy "${policyName}" names no x509.subject trusted identity` };
  if (!subject.ok) return { ok: false, message: `signed by "${leaf.subject}", whose subject cannot match a trusted identity: ${subject.reason}` };
  for (const identity of identities) {
    const dn = parseDistinguishedName(identity.slice('x509.subject:'.length));
    if (dn.ok && isSubsetDN(dn.attributes, subject.attributes)) return { ok: true, anchor };
  }
  return { ok: false, message: `signed by "${leaf.subject}" (CA "${root.subject}"), which is none of the trusted identities of trust policy "${policyName}"` };
}

/** What "Trust this signer…" writes: the chain's root into a trust store, the subject as an identity. */
export function trustSignerFix(content: EnvelopeContent, repository: string): TrustSignerFix {
  const leaf = content.certificates[0] as NotationCertificate;
  const root = content.certificates[content.certificates.length - 1] as NotationCertificate;
  return {
    repository,
    subject: leaf.subject,
    trustedIdentity: leaf.subjectAttributes.ok ? `x509.subject: ${leaf.subject}` : undefined,
    storeType: storeTypeOf(content.signed.signingScheme),
    rootCertificatePem: certificatePem(root),
    rootSubject: root.subject,
    rootFingerprint: root.thumbprint,
  };
}
