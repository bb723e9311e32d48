/**
 * The verdict a gate acts on: `fail` when a finding is an error, `warn` when one is a warning, else
 * `pass`. It depends only on the findings' severities (after the policy), never on how a signature
 * scheme reached them, so every backend's results are judged alike.
 */
import type { CheckResult, EvaluatedResult, SignatureResult, TrustStatus } from './checkResult';
import type { Finding } from '../model/findings';

export type Verdict = 'pass' | 'warn' | 'fail';

/** A status as a person should take it: `signed` only when the policy is also met. */
export type GlanceStatus = TrustStatus | 'policy-not-met';

/** Worst first, the order summaries list them in. */
export const VERDICT_ORDER: readonly Verdict[] = ['fail', 'warn', 'pass'];

/** The verdict of one result's findings. */
export function verdictOf(findings: readonly Pick<Finding, 'severity'>[]): Verdict {
  if (findings.some((f) => f.severity === 'error')) return 'fail';
  if (findings.some((f) => f.severity === 'warning')) return 'warn';
  return 'pass';
}

/** Whether a scheme's evidence signs the reference: a trusted signature that its own findings do not fail. */
export function signatureSigned(s: SignatureResult): boolean {
  return s.status === 'signed' && verdictOf(s.findings) !== 'fail';
}

/** A result with the verdict its findings give, the same for every backend. */
export function withVerdict(result: EvaluatedResult): CheckResult {
  return { ...result, verdict: verdictOf(result.findings) };
}

/** The worst of several verdicts; `pass` when there are none. */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'pass';
  for (const v of verdicts) if (VERDICT_ORDER.indexOf(v) < VERDICT_ORDER.indexOf(worst)) worst = v;
  return worst;
}

function missesRequiredSigner(result: CheckResult): boolean {
  return result.findings.some((f) => f.code === 'missing-required-signer' && (f.severity === 'error' || f.severity === 'warning'));
}

/**
 * How a result counts where a person glances: a signed tag the policy fails, or that misses a signer
 * the policy requires, is `policy-not-met`, never `signed`.
 */
export function glanceStatus(result: CheckResult): GlanceStatus {
  if (result.status === 'signed' && (result.verdict === 'fail' || missesRequiredSigner(result))) return 'policy-not-met';
  return result.status;
}
