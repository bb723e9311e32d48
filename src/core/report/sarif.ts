import type { CheckResult } from '../trust/checkResult';
import { FINDING_CODES, FINDING_DOCS, DEFAULT_SEVERITY, type Finding, type Severity } from '../model/findings';
import { worstVerdict, type Verdict } from '../trust/verdict';
import { findingScheme } from './schemes';

const README_URL = 'https://github.com/trustlens/trustlens';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note' | 'none'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  hint: 'note',
  ignore: 'none',
};

/** A file path as a SARIF artifact URI relative to the source root, with forward slashes. */
function artifactUri(file: string): string {
  return file.replace(/\\/g, '/').replace(/^\.\//, '').split('/').map(encodeURIComponent).join('/');
}

/**
 * Renders check results as SARIF 2.1.0 for GitHub code scanning: one rule per finding code, one
 * result per finding (ignored findings are left out), located at the image text. Each result's
 * `properties` carry its reference's verdict and status; the run's carry the worst verdict and the
 * count of references per verdict.
 */
export function toSarif(results: readonly CheckResult[], version: string): object {
  const rules = FINDING_CODES.map((code) => ({
    id: code,
    name: FINDING_DOCS[code].title.replace(/[^A-Za-z]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')),
    shortDescription: { text: FINDING_DOCS[code].title },
    fullDescription: { text: FINDING_DOCS[code].help },
    help: { text: FINDING_DOCS[code].help },
    helpUri: `${README_URL}#${code}`,
    defaultConfiguration: { level: LEVEL[DEFAULT_SEVERITY[code]] },
  }));
  /** The signing scheme whose evidence a finding belongs to, when it belongs to one. */
  const schemeOf = (result: CheckResult, f: Finding): { scheme?: string } => {
    const scheme = findingScheme(result, f);
    return scheme ? { scheme } : {};
  };
  const sarifResults = results.flatMap((result) => {
    const target = result.target.kind === 'reference' ? result.target.occurrence : result.target.skipped;
    return result.findings
      .filter((f) => f.severity !== 'ignore')
      .map((f) => ({
        ruleId: f.code,
        ruleIndex: FINDING_CODES.indexOf(f.code),
        level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: artifactUri(target.file), uriBaseId: '%SRCROOT%' },
            region: {
              startLine: target.range.start.line + 1,
              startColumn: target.range.start.character + 1,
              endLine: target.range.end.line + 1,
              endColumn: target.range.end.character + 1,
              snippet: { text: target.text },
            },
          },
        }],
        partialFingerprints: { 'trustlensReference/v1': `${f.code}:${target.text}` },
        properties: { verdict: result.verdict, status: result.status, ...schemeOf(result, f), ...(f.detail ? { detail: f.detail } : {}) },
      }));
  });
  const verdicts: Partial<Record<Verdict, number>> = {};
  for (const r of results) verdicts[r.verdict] = (verdicts[r.verdict] ?? 0) + 1;
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'TrustLens', version, semanticVersion: version, informationUri: README_URL, rules } },
      columnKind: 'utf16CodeUnits',
      originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The directory trustlens check ran in.' } } },
      results: sarifResults,
      properties: { verdict: worstVerdict(results.map((r) => r.verdict)), verdicts },
    }],
  };
}
