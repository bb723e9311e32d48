import { dirname, resolve } from 'node:path';
import { cliLogger, cliTrustEngine } from './cliEngine';
import { statSync } from 'node:fs';
import { defaultPolicy } from '../core/policy/policy';
import { findPolicyFile } from '../core/policy/policyFile';
import { loadGatePolicy, type GatePolicy } from '../core/policy/policyProblem';
import { errorJson } from '../core/model/serialize';
import { DEFAULT_MAX_FILE_BYTES } from '../core/parse/limits';
import { scanPaths } from '../core/parse/scanPaths';
import { systemClock } from '../core/ports';
import { formatCheckMarkdown } from '../core/report/markdownReport';
import { runFails } from '../core/report/runGate';
import { toSarif } from '../core/report/sarif';
import { checkResultJson, type CheckResult, type EvaluatedResult } from '../core/trust/checkResult';
import { withVerdict } from '../core/trust/verdict';
import { DEFAULT_TTL_MS } from '../core/composition/backends';
import { fileErrorResult, skippedResult } from '../core/trust/scanFindings';
import type { TrustEngineOptions } from '../core/trust/trustService';
import type { ScanResult } from '../core/model/occurrence';
import { formatCheckText } from './checkFormat';
import { parseCommandLine } from './commandLine';
import { parseFailOn } from './failOn';
import type { CliIo } from './refsCommand';
import { parseBuildArgs, parseFormat, parseMaxFileBytes, parseTimeout, UsageError } from './usage';
import { DEFAULT_TIMEOUT_MS } from '../core/net/undiciHttpClient';

import { VERSION } from './version';

/** What `check` may be given besides its command line. */
export interface CheckDependencies {
  /** The backends to check with, instead of the shipped ones. */
  backends?: TrustEngineOptions['backends'];
}

/**
 * The policy: `--config FILE`, else `.trustlens.yaml` in the first checked directory or its nearest
 * parent. An invalid policy file is a problem entry (the run reports it and fails), not an abort.
 */
function loadPolicy(config: string | undefined, paths: readonly string[], maxFileBytes: number): GatePolicy {
  if (config) return loadGatePolicy(config, maxFileBytes);
  const first = resolve(paths[0] ?? '.');
  let dir = first;
  try {
    if (!statSync(first).isDirectory()) dir = dirname(first);
  } catch {
    dir = dirname(first);
  }
  const found = findPolicyFile(dir);
  return found ? loadGatePolicy(found, maxFileBytes) : { policy: defaultPolicy() };
}

/**
 * Results when the policy file is invalid: no trust server is asked (the file may be what names them),
 * so every reference is reported unverified, failing the gate beside the policy file's own finding.
 */
function notChecked(scan: ScanResult, policyFile: string): CheckResult[] {
  const policy = defaultPolicy();
  return [
    ...scan.references.map((occurrence): EvaluatedResult => ({
      target: { kind: 'reference', occurrence }, status: 'unverifiable', signedDigest: null, role: null, signers: [], expires: null,
      findings: [{ code: 'unverifiable', severity: 'error', message: `${occurrence.text} was not checked: the policy file ${policyFile} is invalid.` }],
    })),
    ...scan.skipped.map((s) => skippedResult(s, policy)),
    ...scan.errors.map((e) => fileErrorResult(e, policy)),
  ].map(withVerdict);
}

/** `trustlens check [PATH...] [--format text|json|sarif|markdown] [--fail-on CODE[,CODE]] [--config FILE] [--build-arg N=V]... [--timeout SECONDS]` */
export async function checkCommand(argv: readonly string[], io: CliIo, deps: CheckDependencies = {}): Promise<number> {
  const { values, positionals } = parseCommandLine('check', argv, {
    format: { type: 'string' },
    'fail-on': { type: 'string', multiple: true },
    config: { type: 'string' },
    'build-arg': { type: 'string', multiple: true },
    'cache-dir': { type: 'string' },
    'docker-config': { type: 'string' },
    ttl: { type: 'string' },
    timeout: { type: 'string' },
    refresh: { type: 'boolean' },
    verbose: { type: 'boolean' },
    'max-file-bytes': { type: 'string' },
  });
  const format = parseFormat(values.format, ['text', 'json', 'sarif', 'markdown'] as const);
  const failOn = parseFailOn(values['fail-on'] ?? []);
  const buildArgs = parseBuildArgs(values['build-arg'] ?? []);
  const ttlSeconds = values.ttl === undefined ? DEFAULT_TTL_MS / 1000 : Number(values.ttl);
  if (!Number.isFinite(ttlSeconds) || ttlSeconds < 0) throw new UsageError(`--ttl must be a number of seconds ≥ 0, got "${values.ttl}"`, 'check');
  const maxFileBytes = parseMaxFileBytes(values['max-file-bytes'], DEFAULT_MAX_FILE_BYTES, 'check');
  const timeoutMs = parseTimeout(values.timeout, DEFAULT_TIMEOUT_MS, 'check');
  const paths = positionals.length > 0 ? positionals : ['.'];
  const { policy, problem } = loadPolicy(values.config, paths, maxFileBytes);
  const scan = scanPaths(paths, { buildArgs, env: io.env, maxFileBytes });
  if (problem) scan.errors.unshift(problem);

  const engine = cliTrustEngine({
    env: io.env,
    logger: cliLogger(values.verbose, io.stderr),
    dockerConfig: values['docker-config'],
    cacheDir: values['cache-dir'],
    ttlMs: ttlSeconds * 1000,
    timeoutMs,
    ...(deps.backends ? { backends: deps.backends } : {}),
  });
  try {
    const results = problem ? notChecked(scan, problem.file) : await engine.check(scan, { policy, force: values.refresh === true });
    if (format === 'json') {
      io.stdout(`${JSON.stringify({ results: results.map(checkResultJson), errors: scan.errors.map(errorJson) }, null, 2)}\n`);
    } else if (format === 'sarif') {
      io.stdout(`${JSON.stringify(toSarif(results, VERSION), null, 2)}\n`);
    } else if (format === 'markdown') {
      io.stdout(formatCheckMarkdown(results, { now: systemClock.now().getTime(), failOn }));
    } else {
      // Every file error is a result with its unparsable-file finding, so none is listed twice.
      io.stdout(formatCheckText(results, [], { failOn }));
    }
    return runFails(results, failOn) ? 1 : 0;
  } finally {
    await engine.close();
  }
}
