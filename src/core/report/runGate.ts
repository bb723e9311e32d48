/**
 * What fails a run: every finding of severity `error`, and every finding whose code the user asked to
 * fail on (`--fail-on expiring-soon`), whatever severity the policy gives it. Shared by the CLI's exit
 * status and the reports that say why a run failed.
 */
import type { Finding, FindingCode } from '../model/findings';
import type { CheckResult } from '../trust/checkResult';
import type { Verdict } from '../trust/verdict';

/** Why a finding fails the run: its severity, or a code named by `--fail-on`. */
export type FailReason = 'error' | 'fail-on';

/** Whether `finding` fails the run, and why; undefined when it does not. */
export function failReason(finding: Finding, failOn: ReadonlySet<FindingCode>): FailReason | undefined {
  if (finding.severity === 'error') return 'error';
  return failOn.has(finding.code) ? 'fail-on' : undefined;
}

/** A finding that fails the run, with the result it belongs to. */
export interface FailingFinding {
  readonly result: CheckResult;
  readonly finding: Finding;
  readonly reason: FailReason;
}

/** Every finding of `results` that fails the run, in result order. */
export function failingFindings(results: readonly CheckResult[], failOn: ReadonlySet<FindingCode>): FailingFinding[] {
  return results.flatMap((result) => result.findings.flatMap((finding) => {
    const reason = failReason(finding, failOn);
    return reason ? [{ result, finding, reason }] : [];
  }));
}

/** Whether the run fails: some finding fails it. */
export function runFails(results: readonly CheckResult[], failOn: ReadonlySet<FindingCode>): boolean {
  return results.some((r) => r.findings.some((f) => failReason(f, failOn) !== undefined));
}

/** A result's verdict for this run: `fail` when one of its findings fails the run, else its own verdict. */
export function runVerdict(result: CheckResult, failOn: ReadonlySet<FindingCode>): Verdict {
  return result.findings.some((f) => failReason(f, failOn) !== undefined) ? 'fail' : result.verdict;
}
