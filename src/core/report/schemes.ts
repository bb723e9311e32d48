/**
 * What each signing scheme gave a result, in words the reports share: whose evidence a finding is
 * (the editor's diagnostics, the SARIF results) and which schemes signed the reference (the status bar).
 */
import { REFERENCE_FINDING_CODES, type Finding } from '../model/findings';
import type { CheckResult } from '../trust/checkResult';
import { signatureSigned } from '../trust/verdict';

/**
 * The scheme whose evidence a finding of `result` is, e.g. `cosign`; none for a finding about the
 * reference as written (a missing tag), about the policy's rule (a required scheme that did not sign)
 * or about a value that was not checked.
 */
export function findingScheme(result: CheckResult, finding: Finding): string | undefined {
  if (REFERENCE_FINDING_CODES.has(finding.code)) return undefined;
  return result.signatures?.find((s) => s.findings.includes(finding))?.scheme;
}

/**
 * A finding's message followed by its scheme, e.g. `… no rule trusts this identity (cosign)`, when more
 * than one scheme checked the reference; when only one did, the message as it is.
 */
export function findingMessage(result: CheckResult, finding: Finding): string {
  const scheme = (result.signatures?.length ?? 0) > 1 ? findingScheme(result, finding) : undefined;
  return scheme ? `${finding.message} (${scheme})` : finding.message;
}

/** The schemes whose trusted signature a result has, in backend order; for a result without per-scheme entries, the scheme it rests on. */
export function signedSchemes(result: CheckResult): string[] {
  if (!result.signatures?.length) return result.status === 'signed' && result.scheme ? [result.scheme] : [];
  return result.signatures.filter(signatureSigned).map((s) => s.scheme);
}
