import { FINDING_CODES, isFindingCode, type FindingCode } from '../core/model/findings';
import { closest } from './suggest';
import { UsageError } from './usage';

/**
 * The finding codes of `--fail-on CODE[,CODE]` (repeatable): each must be a known code; a mistyped one
 * is a usage error that names the code probably meant.
 */
export function parseFailOn(values: readonly string[]): ReadonlySet<FindingCode> {
  const codes = new Set<FindingCode>();
  for (const value of values) {
    for (const raw of value.split(',')) {
      const code = raw.trim();
      if (code === '') throw new UsageError(`--fail-on needs finding codes separated by commas, got "${value}"`, 'check');
      if (!isFindingCode(code)) {
        const guess = closest(code, FINDING_CODES);
        throw new UsageError(`--fail-on: unknown finding code "${code}"${guess ? `: did you mean ${guess}?` : `: the codes are ${FINDING_CODES.join(', ')}`}`, 'check');
      }
      codes.add(code);
    }
  }
  return codes;
}
