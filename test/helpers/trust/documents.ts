/**
 * Small Dockerfiles, compose files and policies written by tests, scanned with the product's own
 * scanner, and a lookup of check results by the image text as written.
 */
import { parsePolicy } from '../../../src/core/policy/policyFile';
import type { Policy } from '../../../src/core/policy/policy';
import { scanText } from '../../../src/core/parse/scanText';
import { emptyScan, type ScanResult } from '../../../src/core/model/occurrence';
import type { CheckResult } from '../../../src/core/trust/checkResult';

/** A Dockerfile with one `FROM` per image, in order. */
export function dockerfileFrom(images: readonly string[]): string {
  return `${images.map((image, i) => `FROM ${image} AS stage${i}\nRUN true\n`).join('\n')}`;
}

/** A compose file with one service per image, in order. */
export function composeWith(images: readonly string[]): string {
  return `services:\n${images.map((image, i) => `  svc${i}:\n    image: "${image}"\n`).join('')}`;
}

/** Scans documents as the editor scans open files, and fails on any parse error or skipped value. */
export function scanDocuments(documents: ReadonlyArray<{ file: string; kind: 'dockerfile' | 'compose'; text: string }>): ScanResult {
  const scan = emptyScan();
  for (const d of documents) {
    const one = scanText(d.file, d.kind, d.text);
    scan.references.push(...one.references);
    scan.skipped.push(...one.skipped);
    scan.errors.push(...one.errors);
  }
  if (scan.errors.length > 0 || scan.skipped.length > 0) {
    throw new Error(`test documents did not scan cleanly: ${JSON.stringify([...scan.errors, ...scan.skipped])}`);
  }
  return scan;
}

/** `.trustlens.yaml` text mapping registries to trust servers, plus optional extra YAML. */
export function policyYaml(trustServers: Readonly<Record<string, string>>, extra = ''): string {
  const servers = Object.entries(trustServers).map(([registry, url]) => `  "${registry}": "${url}"\n`).join('');
  return `trustServers:\n${servers}${extra}`;
}

/** Parses policy text with the product's policy parser (the same path as a `.trustlens.yaml`). */
export function policyFrom(trustServers: Readonly<Record<string, string>>, extra = ''): Policy {
  return parsePolicy(policyYaml(trustServers, extra), 'test.trustlens.yaml');
}

/** The result for the reference written exactly as `text` (exactly one must exist). */
export function resultFor(results: readonly CheckResult[], text: string): CheckResult {
  const found = results.filter((r) => r.target.kind === 'reference' && r.target.occurrence.text === text);
  if (found.length !== 1) throw new Error(`expected one result for ${text}, found ${found.length}`);
  return found[0]!;
}

/** Finding codes of a result, in order. */
export function codesOf(result: CheckResult): string[] {
  return result.findings.map((f) => f.code);
}
