/**
 * `trustlens check --format json`, run as a user runs it, on a Dockerfile pulling Notation-signed
 * images, under a `.trustlens.yaml` rule that requires notation and names its own trust store and
 * trusted identities (no notation configuration of the user's: an empty XDG_CONFIG_HOME).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResultJson, SignatureJson } from '../../../src/core/trust/checkResult';
import { runCli } from '../trust/cli';

/** One `.trustlens.yaml` rule with a `notation:` section. */
export interface NotationRuleSpec {
  /** The rule's image pattern, e.g. `127.0.0.1:5000/**`. */
  images: string;
  /** PEM certificates of the `ca` trust store. */
  ca: readonly string[];
  /** `x509.subject: …` entries, or `*`. */
  identities: readonly string[];
  /** strict (default), permissive, audit or skip. */
  level?: string;
}

export interface NotationCliCheck {
  exit: number;
  results: CheckResultJson[];
  stderr: string;
}

let runs = 0;

/**
 * Writes a project into `dir`: a Dockerfile pulling `images`, `.trustlens.yaml` with `rule`, its trust
 * store under `ca/`.
 */
export function writeNotationProject(dir: string, images: readonly string[], rule: NotationRuleSpec): void {
  mkdirSync(join(dir, 'ca'), { recursive: true });
  rule.ca.forEach((pem, i) => writeFileSync(join(dir, 'ca', `ca-${i}.pem`), pem));
  writeFileSync(join(dir, 'Dockerfile'), images.map((i) => `FROM ${i}\n`).join(''));
  const yaml = [
    'rules:',
    `  - images: [${JSON.stringify(rule.images)}]`,
    '    require: [notation]',
    '    notation:',
    ...(rule.level ? [`      level: ${rule.level}`] : []),
    '      trustStores:',
    '        ca: [ca]',
    `      trustedIdentities: [${rule.identities.map((i) => JSON.stringify(i)).join(', ')}]`,
    '',
  ];
  writeFileSync(join(dir, '.trustlens.yaml'), yaml.join('\n'));
}

/** Checks `images` in a fresh folder under `parent` (its own cache and home) under `rule`. */
export async function checkWithNotationRule(parent: string, images: readonly string[], rule: NotationRuleSpec): Promise<NotationCliCheck> {
  const dir = join(parent, `check-${++runs}`);
  writeNotationProject(dir, images, rule);
  const out = await runCli(['check', dir, '--format', 'json', '--cache-dir', join(dir, '.cache')], { env: { HOME: join(dir, 'home'), XDG_CONFIG_HOME: join(dir, 'xdg') } });
  let parsed: { results: CheckResultJson[] };
  try {
    parsed = JSON.parse(out.stdout) as { results: CheckResultJson[] };
  } catch {
    throw new Error(`trustlens check printed no JSON (exit ${out.code}): ${out.stderr}`);
  }
  return { exit: out.code ?? -1, results: parsed.results, stderr: out.stderr };
}

/** The Notation evidence of a result. */
export function notationOf(result: CheckResultJson): SignatureJson | undefined {
  return result.signatures.find((s) => s.scheme === 'notation');
}
