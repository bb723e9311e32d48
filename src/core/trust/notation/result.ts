/**
 * The backend-neutral result of checking one image digest for Notation signatures: the verdict, the
 * findings and the evidence a hover, the Signers view, JSON and SARIF render.
 */
import type { SigningScheme } from './constants';
import type { NotationFinding } from './findings';

/**
 * The verdict. `signed` only when a signature passed every check of its policy's level, with nothing
 * logged; `not-verified` when the policy's level is `skip` ("not verified by policy").
 */
export type NotationStatus = 'signed' | 'unsigned' | 'invalid' | 'expired' | 'unverifiable' | 'untrusted-signer' | 'not-verified';

/** Revocation outcome of the signing chain: `not-checked` when the policy skips it or an earlier check failed. */
export type RevocationStatus = 'good' | 'revoked' | 'unknown' | 'not-checked';

/** Who signed: the envelope's leaf certificate and the chain it came with. */
export interface NotationSigner {
  /** Subject DN of the signing certificate, as notation prints it, e.g. `CN=e2e,O=Notary,L=Seattle,ST=WA,C=US`. */
  subject: string;
  /** Its issuer DN. */
  issuer: string;
  /** Subject DN of the chain's last certificate (the root the envelope names). */
  rootSubject: string;
  /** SHA-256 thumbprints (lower-case hex) of the chain, leaf first. */
  thumbprints: string[];
  /** ISO times of the signing certificate's validity. */
  notBefore: string;
  notAfter: string;
}

/** The verdict on one signature manifest. */
export interface NotationSignatureResult {
  /** Digest of the signature manifest, e.g. `sha256:90ce…`. */
  manifestDigest: string;
  /** `application/jose+json` or `application/cose`, when the manifest named a known envelope. */
  envelopeMediaType?: string;
  status: NotationStatus;
  findings: NotationFinding[];
  /** Known once the envelope parsed. */
  signer?: NotationSigner;
  signingScheme?: SigningScheme;
  /** ISO signing time: the signed (untrusted) claim for `notary.x509`, the authentic one for the signing authority scheme. */
  signingTime?: string;
  /** True when a verified RFC 3161 timestamp (or the signing authority's authentic time) vouches for the signing time. */
  timeAuthenticated: boolean;
  /** ISO time the TSA stamped, when a timestamp was verified. */
  timestamp?: string;
  /** Subject DN of the TSA that stamped, when verified. */
  timestampAuthority?: string;
  /** ISO `io.cncf.notary.expiry`, when the signer set one. */
  expiry?: string;
  revocation: RevocationStatus;
  /** Name of the trust policy statement used, when one applied. */
  policy?: string;
}

/** Where the verdict came from. */
export interface NotationSource {
  /** The repository checked, e.g. `registry.example.com/team/app`. */
  repository: string;
  /** Where the signatures were read, as the artifact source names itself, e.g. `https://registry.example.com`. */
  location?: string;
  /** Where the trust policy came from: notation's own file, or a `.trustlens.yaml` rule. */
  policyOrigin: 'notation-config' | 'trustlens-rule' | 'none';
  /** The policy file's path, when one was read. */
  policyFile?: string;
}

/** The verdict on one image digest. */
export interface NotationCheckResult {
  scheme: 'notation';
  status: NotationStatus;
  findings: NotationFinding[];
  /** The digest the chosen signature signs (the image manifest digest), or null when none verified. */
  signedDigest: string | null;
  /** The signature the verdict is based on (the best one), when any was looked at. */
  signature?: NotationSignatureResult;
  /** Every signature looked at, in the order found. */
  signatures: NotationSignatureResult[];
  source: NotationSource;
}
