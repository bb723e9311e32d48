/**
 * Findings about what a scan found rather than about trust data: a file that could not be read, an
 * invalid reference, a variable without a value. A gate fails closed on them as on a bad signature.
 */
import type { FileError, ImageOccurrence, SkippedOccurrence } from '../model/occurrence';
import { DEFAULT_SEVERITY, type Finding, type FindingCode, type Severity } from '../model/findings';
import type { Policy } from '../policy/policy';
import type { EvaluatedResult } from './checkResult';

const START = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** The finding a skipped value carries, if any: values docker would refuse fail the gate. */
const CODE_OF: Partial<Record<SkippedOccurrence['reason'], FindingCode>> = {
  'invalid-reference': 'invalid-reference',
  'variable-in-from': 'invalid-reference',
  'stage-order': 'invalid-reference',
  'variable-unresolved': 'variable-unresolved',
  'unparsable-file': 'unparsable-file',
  // Known only when rendered or run: the gate cannot say it is signed.
  expression: 'variable-unresolved',
  template: 'variable-unresolved',
  unresolved: 'variable-unresolved',
};

/**
 * Severities for findings that are about no one repository: the defaults, with the rules that apply
 * to every image (`images: ["**"]`, which the editor's `trustlens.severity` setting also is).
 */
export function unscopedSeverity(policy: Policy): Record<FindingCode, Severity> {
  const severity = { ...DEFAULT_SEVERITY };
  for (const rule of policy.rules) if (rule.images.includes('**')) Object.assign(severity, rule.severity);
  return severity;
}

function message(s: SkippedOccurrence): string {
  switch (s.reason) {
    case 'invalid-reference':
      return `${s.text} is not a valid image reference: ${s.message}`;
    case 'variable-in-from':
    case 'stage-order':
      return `buildkit refuses ${s.text}: ${s.message}`;
    default:
      return s.message;
  }
}

/** The result for a skipped value, with its finding when docker would refuse it. */
export function skippedResult(s: SkippedOccurrence, policy: Policy): EvaluatedResult {
  const code = CODE_OF[s.reason];
  const findings: Finding[] = code ? [{ code, severity: unscopedSeverity(policy)[code], message: message(s) }] : [];
  return { target: { kind: 'skipped', skipped: s }, status: 'skipped', signedDigest: null, role: null, signers: [], expires: null, findings };
}

/** A file that could not be read or parsed, as a result with an `unparsable-file` finding on it. */
export function fileErrorResult(e: FileError, policy: Policy): EvaluatedResult {
  return skippedResult({ file: e.file, kind: 'file', text: '', range: e.range ?? START, reason: 'unparsable-file', message: e.message }, policy);
}

/** Adds the `variable-empty` finding to a reference whose variables expanded to nothing. */
export function withVariableEmpty(result: EvaluatedResult, occurrence: ImageOccurrence, severity: Record<FindingCode, Severity>): EvaluatedResult {
  const names = occurrence.emptyVariables ?? [];
  if (names.length === 0) return result;
  const plural = names.length > 1;
  const finding: Finding = {
    code: 'variable-empty',
    severity: severity['variable-empty'],
    message: `${names.join(', ')} ${plural ? 'have' : 'has'} no value, so ${plural ? 'they expand' : 'it expands'} to nothing: ${occurrence.text} is ${occurrence.ref.reference}.`,
  };
  return { ...result, findings: [...result.findings, finding] };
}
