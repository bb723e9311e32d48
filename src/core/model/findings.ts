/**
 * Finding codes: stable identifiers shared by the CLI (JSON, SARIF), the editor (diagnostic codes)
 * and the README (one section per code). Add a code here first.
 */
export const FINDING_CODES = [
  'unsigned-tag',
  'not-released',
  'no-trust-data',
  'expired-metadata',
  'expiring-soon',
  'invalid-trust-data',
  'digest-mismatch',
  'missing-required-signer',
  'unverifiable',
  'implicit-latest',
  'dct-retired',
  'no-signature',
  'invalid-signature',
  'untrusted-signer',
  'unparsable-file',
  'invalid-reference',
  'variable-unresolved',
  'variable-empty',
  'notation-unsigned',
  'notation-invalid',
  'notation-expired',
  'notation-certificate-expired',
  'notation-timestamp-invalid',
  'notation-revoked',
  'notation-revocation-unknown',
  'notation-not-verified',
  'notation-policy-invalid',
  'missing-required-scheme',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

/** How loudly a finding is reported. `ignore` drops it. */
export type Severity = 'error' | 'warning' | 'info' | 'hint' | 'ignore';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint', 'ignore'];

/**
 * Default severities. `unverifiable` fails closed: a CI gate must not pass when trust data could not be
 * checked (the editor shows it more quietly, by its own setting).
 */
export const DEFAULT_SEVERITY: Readonly<Record<FindingCode, Severity>> = {
  'unsigned-tag': 'error',
  'not-released': 'error',
  'no-trust-data': 'error',
  'expired-metadata': 'error',
  'expiring-soon': 'warning',
  'invalid-trust-data': 'error',
  'digest-mismatch': 'error',
  'missing-required-signer': 'error',
  unverifiable: 'error',
  'implicit-latest': 'warning',
  'dct-retired': 'warning',
  'no-signature': 'error',
  'invalid-signature': 'error',
  'untrusted-signer': 'error',
  'unparsable-file': 'error',
  'invalid-reference': 'error',
  'variable-unresolved': 'error',
  'variable-empty': 'info',
  'notation-unsigned': 'error',
  'notation-invalid': 'error',
  'notation-expired': 'error',
  'notation-certificate-expired': 'error',
  'notation-timestamp-invalid': 'error',
  'notation-revoked': 'error',
  'notation-revocation-unknown': 'error',
  'notation-not-verified': 'info',
  'notation-policy-invalid': 'error',
  'missing-required-scheme': 'error',
};

/**
 * Findings about the reference as written, not about a scheme's evidence (e.g. a missing tag): whichever
 * scheme says so, they belong to none.
 */
export const REFERENCE_FINDING_CODES: ReadonlySet<FindingCode> = new Set<FindingCode>(['implicit-latest']);

/** One thing a user should know about a reference. */
export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** A sentence a person understands without reading the code: names the role, dates and signers. */
  message: string;
  /** The technical detail behind the message, when it leaves some out: e.g. the URL and error code of a request that failed. */
  detail?: string;
  /** How to trust the signer this finding names, when the scheme can say (the *Trust this signer…* fix). */
  trust?: TrustFix;
}

/**
 * A rule that trusts a signer, for the policy file: what the *Trust this signer…* fix writes, after
 * the user has confirmed who it is. Plain data, so that the editor writes it without knowing the scheme.
 */
export interface TrustFix {
  /** e.g. `CN=release,O=Acme,ST=WA,C=US, issued by CN=Acme Root,…`: who the user is asked to trust. */
  readonly signer: string;
  /** What to compare before trusting it, e.g. the CA certificate's SHA-256 fingerprint. */
  readonly confirm: string;
  /** The rule to append to `rules`: its `images` and the scheme's own section, as YAML data. */
  readonly rule: { readonly images: readonly string[] } & Readonly<Record<string, unknown>>;
  /** Files to write first, relative to the policy file's folder (e.g. the CA certificate of a trust store). */
  readonly files: readonly { readonly path: string; readonly content: string }[];
}

export function isFindingCode(value: string): value is FindingCode {
  return (FINDING_CODES as readonly string[]).includes(value);
}

/** A title and an explanation per code: the SARIF rule text, and the README section it links to. */
export const FINDING_DOCS: Readonly<Record<FindingCode, { title: string; help: string }>> = {
  'unsigned-tag': {
    title: 'Tag is not signed',
    help: 'The repository has trust data, but no released role (targets or targets/releases) signs this tag. Sign it, or switch to a signed tag.',
  },
  'not-released': {
    title: 'Tag is signed but not released',
    help: 'Only a signer\'s own role (targets/<signer>) holds this tag, so docker does not trust it. Sign it into targets/releases.',
  },
  'no-trust-data': {
    title: 'Repository has no trust data',
    help: 'The trust server has no Docker Content Trust data for this repository. Initialise it by signing a tag, or use a signed image.',
  },
  'expired-metadata': {
    title: 'Trust data has expired',
    help: 'A role this reference depends on has expired, so its signatures can no longer be trusted. The repository owner must re-sign it.',
  },
  'expiring-soon': {
    title: 'Signature expires soon',
    help: 'A role whose key the repository owner holds expires within the warning period. Re-sign it before it expires.',
  },
  'invalid-trust-data': {
    title: 'Trust data failed verification',
    help: 'The trust data has a bad signature, misses its threshold, was rolled back, or does not match its hashes. Treat the image as untrusted and alert the repository owner.',
  },
  'digest-mismatch': {
    title: 'Pinned digest is not the signed digest',
    help: 'The reference pins a digest that differs from the one signed for this tag. Pin the signed digest.',
  },
  'missing-required-signer': {
    title: 'A required signer has not signed',
    help: 'The policy requires every listed signer to have signed the same digest as the released tag, and at least one has not.',
  },
  unverifiable: {
    title: 'Trust could not be verified',
    help: 'The trust server could not be reached or refused the request (network error, timeout, 401, 5xx, TLS). This says nothing about whether the image is signed.',
  },
  'implicit-latest': {
    title: 'Implicit latest tag',
    help: 'No tag or digest is written, so the reference means :latest, which moves. Write a tag and pin its signed digest.',
  },
  'dct-retired': {
    title: 'Docker Hub notary is retiring',
    help: 'The reference resolves to notary.docker.io, which shuts down on 2026-12-08. Move trust to a private notary server or another signing system.',
  },
  'no-signature': {
    title: 'No signature',
    help: 'The registry holds no signature of this scheme for the image digest (for cosign: no sha256-<hex>.sig tag and no signature referrer). Sign the image, or use a signed one.',
  },
  'invalid-signature': {
    title: 'Signature failed verification',
    help: 'A signature of this digest does not verify: it signs another digest, its payload or signature was changed, its certificate chain, transparency log entry or timestamp is wrong, or the registry lists signatures it does not deliver. Treat the image as untrusted.',
  },
  'untrusted-signer': {
    title: 'Signed by a signer no policy trusts',
    help: 'A signature verifies, but nothing in the policy trusts its signer: for cosign, no key or certificate identity in the cosign: section of a rule for this repository; for Notation, the certificate chain does not lead to a certificate in the named trust stores, or the subject is not among the trusted identities. The quick fix "Trust this signer…" writes the signer into .trustlens.yaml once you confirm; trust a signer only after checking who it is.',
  },
  'unparsable-file': {
    title: 'File could not be read',
    help: 'The Dockerfile, compose file, .env file or policy file is one that docker, compose or TrustLens refuses (invalid YAML, an instruction buildkit rejects), or it exceeds a hard limit. Nothing in it can be trusted until it is fixed.',
  },
  'invalid-reference': {
    title: 'Invalid image reference',
    help: 'The image is not a valid reference (upper case in the repository, a bad digest, an empty part), or buildkit refuses it (a variable in --from, a stage used before it is defined). Docker would not pull it. Correct the reference.',
  },
  'variable-unresolved': {
    title: 'Image depends on a variable without a value',
    help: 'A variable in the image has no value here, and without it the image is not a valid reference, so docker would refuse it. Pass it with --build-arg (declared by an ARG before the first FROM), or set it in the environment or .env for compose.',
  },
  'variable-empty': {
    title: 'Variable expands to nothing',
    help: 'A variable in the image has no value, so it expands to nothing, as docker and compose expand it. The image checked is the one without it. Give the variable a value if another image was meant.',
  },
  'notation-unsigned': {
    title: 'No Notation signature',
    help: 'No signature manifest of type application/vnd.cncf.notary.signature refers to this image digest. Sign it with notation, or use a signed image.',
  },
  'notation-invalid': {
    title: 'Notation signature failed verification',
    help: 'The signature envelope is malformed, its signature does not verify, it signs another artifact (digest, size or media type), it lists an unknown critical header, or its certificate chain breaks the certificate requirements. Treat the image as untrusted.',
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
  'missing-required-scheme': {
    title: 'A required signature scheme has not signed',
    help: 'A rule of the policy requires a signature of this scheme (`require`), or of one of several (`anyOf`), and none verified. Sign the image with that scheme, or change the rule.',
  },
};
