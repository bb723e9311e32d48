/**
 * Finding codes of the Notation backend, with a title and an explanation each (the SARIF rule text and
 * the README section). `untrusted-signer` and `unverifiable` carry the same meaning in every backend.
 */
import { FINDING_DOCS, type Severity } from '../../model/findings';

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

/** Their titles and explanations (the SARIF rule text and the README sections), as the model keeps them for every code. */
export const NOTATION_FINDING_DOCS: Readonly<Record<NotationFindingCode, { title: string; help: string }>> = Object.fromEntries(
  NOTATION_FINDING_CODES.map((code) => [code, FINDING_DOCS[code]]),
) as Record<NotationFindingCode, { title: string; help: string }>;
