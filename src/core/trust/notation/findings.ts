/**
 * Finding codes of the Notation backend, with a title and an explanation each (the SARIF rule text and
 * the README section). `untrusted-signer` and `unverifiable` carry the same meaning in every backend.
 */
import type { Severity } from '../../model/findings';

export const NOTATION_FINDING_CODES = [
  'notation-unsigned',
  'notation-invalid',
  'untrusted-signer',
  'notation-expired',
  'notation-certificate-expired',
  'notation-timestamp-invalid',
  'notation-revoked',
  'notation-revocation-unknown',
  'notation-not-verified',
  'notation-policy-invalid',
  'unverifiable',
] as const;

export type NotationFindingCode = (typeof NOTATION_FINDING_CODES)[number];

/** What a "Trust this signer…" quick fix needs to write a rule that trusts the signer. */
export interface TrustSignerFix {
  /** The repository the rule is for, e.g. `registry.example.com/team/app`. */
  repository: string;
  /** The signing certificate's subject, as notation writes it, e.g. `CN=e2e,O=Notary,L=Seattle,ST=WA,C=US`. */
  subject: string;
  /** The identity line to add to `trustedIdentities`, e.g. `x509.subject: CN=e2e,O=Notary,…`; undefined when the subject lacks C, ST or O. */
  trustedIdentity: string | undefined;
  /** The trust store type the certificate belongs in: `ca` or `signingAuthority` (from the signing scheme). */
  storeType: 'ca' | 'signingAuthority';
  /** The root certificate of the envelope's chain, PEM, to put in that trust store. */
  rootCertificatePem: string;
  /** Its subject and SHA-256 fingerprint (lower-case hex), for the user to compare before trusting it. */
  rootSubject: string;
  rootFingerprint: string;
}

/** One thing a user should know about a Notation verdict. */
export interface NotationFinding {
  code: NotationFindingCode;
  severity: Severity;
  /** A sentence naming the signer, the dates and the trust policy involved. */
  message: string;
  /** Only on `untrusted-signer`: the data of the "Trust this signer…" fix. */
  trustSigner?: TrustSignerFix;
}

export const NOTATION_FINDING_DOCS: Readonly<Record<NotationFindingCode, { title: string; help: string }>> = {
  'notation-unsigned': {
    title: 'No Notation signature',
    help: 'No signature manifest of type application/vnd.cncf.notary.signature refers to this image digest. Sign it with notation, or use a signed image.',
  },
  'notation-invalid': {
    title: 'Notation signature failed verification',
    help: 'The signature envelope is malformed, its signature does not verify, it signs another artifact (digest, size or media type), it lists an unknown critical header, or its certificate chain breaks the certificate requirements. Treat the image as untrusted.',
  },
  'untrusted-signer': {
    title: 'Signed by a signer no policy trusts',
    help: 'The signature verifies, but no trust policy trusts its signer: the certificate chain does not lead to a certificate in the named trust stores, or the subject is not among the trusted identities. Trust the signer (its CA in a trust store and its subject as a trusted identity) only after checking who it is.',
  },
  'notation-expired': {
    title: 'Notation signature has expired',
    help: 'The signer gave the signature an expiry (io.cncf.notary.expiry) and it has passed. Ask for a fresh signature, or relax the trust policy\'s expiry check to "log" if you accept expired artifacts.',
  },
  'notation-certificate-expired': {
    title: 'Signing certificate not valid',
    help: 'The signing certificate chain is not valid at the time that counts: now, when no trusted timestamp proves when the signature was made, or the authentic signing time. Re-sign with a valid certificate, or with a timestamp from a trusted TSA.',
  },
  'notation-timestamp-invalid': {
    title: 'Timestamp countersignature failed verification',
    help: 'The RFC 3161 timestamp is missing, malformed, does not cover this signature, or does not chain to a certificate in the trust policy\'s tsa trust store.',
  },
  'notation-revoked': {
    title: 'Signing certificate revoked',
    help: 'OCSP or the CRL of the issuing CA says a certificate of the signing chain is revoked.',
  },
  'notation-revocation-unknown': {
    title: 'Revocation status unknown',
    help: 'Neither the OCSP responder nor the CRL gave a usable answer (unreachable, timed out, unknown status, bad signature or stale), so revocation could not be checked.',
  },
  'notation-not-verified': {
    title: 'Not verified by policy',
    help: 'The matching trust policy has the verification level "skip", so Notation signatures of this image are not verified. This is never a signed verdict.',
  },
  'notation-policy-invalid': {
    title: 'Notation trust policy is invalid',
    help: 'The trust policy or the trust store it names cannot be used (malformed JSON, unknown level, missing trust store, overlapping identities). Nothing is trusted until it is fixed.',
  },
  unverifiable: {
    title: 'Trust could not be verified',
    help: 'The signatures could not be fetched or checked (network error, timeout, a verification plugin that TrustLens does not run). This says nothing about whether the image is signed.',
  },
};
