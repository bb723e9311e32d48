/**
 * What the fuzz target runs each input through, and what counts as a crash: the readers must never
 * throw (a file they cannot read is an error entry), must never fail inside themselves (an `internal`
 * error entry), and the policy parser may only reject with `invalid-config`. A Kubernetes file is read
 * as the editor opens it: its first findings, if any, must come once and begin the whole read's.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TrustLensError } from '../../src/core/errors';
import type { FileError, ScanResult } from '../../src/core/model/occurrence';
import { LimitError } from '../../src/core/parse/limits';
import { ScanSession } from '../../src/core/parse/scanSession';
import { dotenvVariables, scanPaths } from '../../src/core/parse/scanPaths';
import { scanText } from '../../src/core/parse/scanText';
import { parsePolicy } from '../../src/core/policy/policyFile';
import type { DeploymentKind, FuzzCase } from './generators';

/** Where a walk finds each kind, and what is written beside it. */
const FILE_OF: Record<DeploymentKind, string> = {
  kubernetes: 'manifest.yaml',
  kustomize: 'kustomization.yaml',
  'helm-values': 'values.yaml',
  devcontainer: '.devcontainer/devcontainer.json',
  'github-workflow': '.github/workflows/ci.yml',
  'gitlab-ci': '.gitlab-ci.yml',
};
const BESIDE: Record<string, string> = {
  'deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers: [{image: "nginx:1.25"}]\n',
  'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 1.0.0\nappVersion: "1.16.0"\n',
};

function internal(errors: readonly FileError[]): void {
  const failed = errors.find((e) => e.internal);
  if (failed) throw new Error(`reader failure reported as ${JSON.stringify(failed.message)}`);
}

function sane(scan: ScanResult): void {
  internal(scan.errors);
  for (const r of [...scan.references, ...scan.skipped]) {
    const { start, end } = r.range;
    if (start.line > end.line || (start.line === end.line && start.character > end.character)) throw new Error(`a range ends before it starts: ${JSON.stringify(r.range)}`);
  }
}

/** Throws unless `whole` begins with `first`'s entries, or is a refusal of the file (a limit hit after them). */
function beginsWith(whole: ScanResult, first: ScanResult): void {
  sane(first);
  if (whole.references.length === 0 && whole.skipped.length === 0 && whole.errors.length === 1 && whole.errors[0]!.message.startsWith('not read: ')) return;
  for (const key of ['references', 'skipped', 'errors'] as const) {
    const begins = JSON.stringify(whole[key].slice(0, first[key].length)) === JSON.stringify(first[key]);
    if (!begins) throw new Error(`the first findings' ${key} are not the beginning of the whole read's`);
  }
}

/** Runs one input; returns how long it took and, for a crash, what happened. */
/** A read's result, or the limit it stopped at, as text to compare. */
function outcomeText(read: () => ScanResult): string {
  try {
    return JSON.stringify(read());
  } catch (e) {
    if (e instanceof LimitError) return `limit: ${e.message}`;
    throw e;
  }
}

/**
 * As the editor re-reads a file after edits: through one session, a character typed in the middle,
 * then one deleted a third of the way in; each read gives what a fresh read of that text gives. Returns
 * how long it took apart from the re-reads themselves (the first read and the fresh reads it compares
 * with), which the time limit does not count: each re-read is held to it on its own.
 */
function rereadAfterEdits(kind: 'dockerfile' | 'compose' | 'kubernetes', file: string, text: string, options: { lookup?: (name: string) => string | undefined } = {}): number {
  let notCounted = 0;
  const apart = <T>(f: () => T): T => {
    const at = performance.now();
    try {
      return f();
    } finally {
      notCounted += performance.now() - at;
    }
  };
  const session = new ScanSession();
  apart(() => outcomeText(() => scanText(file, kind, text, { ...options, session })));
  const middle = Math.floor(text.length / 2);
  const third = Math.floor(text.length / 3);
  const typed = `${text.slice(0, middle)}x${text.slice(middle)}`;
  let slowest = 0;
  for (const edited of [typed, typed.slice(0, third) + typed.slice(third + 1)]) {
    const at = performance.now();
    const again = outcomeText(() => scanText(file, kind, edited, { ...options, session }));
    const took = performance.now() - at;
    slowest = Math.max(slowest, took);
    notCounted += took;
    if (again !== apart(() => outcomeText(() => scanText(file, kind, edited, options)))) throw new Error(`a ${kind} file re-read after an edit differs from a fresh read`);
  }
  // The slowest re-read counts in place of all of it.
  return notCounted - slowest;
}

export function runCase(c: FuzzCase, throughFiles: boolean): { ms: number; crash?: string } {
  let started = performance.now();
  try {
    switch (c.kind) {
      case 'dockerfile':
        sane(scanText('Dockerfile', 'dockerfile', c.text));
        started += rereadAfterEdits('dockerfile', 'Dockerfile', c.text);
        break;
      case 'compose': {
        const errors: FileError[] = [];
        const vars = c.dotenv === undefined ? new Map<string, string>() : dotenvVariables('.env', c.dotenv, () => undefined, errors);
        internal(errors);
        sane(scanText('compose.yaml', 'compose', c.text, { lookup: (n) => vars.get(n) }));
        started += rereadAfterEdits('compose', 'compose.yaml', c.text, { lookup: (n) => vars.get(n) });
        break;
      }
      case 'dotenv': {
        const errors: FileError[] = [];
        dotenvVariables('.env', c.text, () => undefined, errors);
        internal(errors);
        break;
      }
      case 'kubernetes': {
        // As the editor opens it: the first documents' findings (at most once) begin the whole read's.
        const firsts: ScanResult[] = [];
        const scan = scanText(FILE_OF.kubernetes, 'kubernetes', c.text, { onFirst: (found) => firsts.push(found) });
        sane(scan);
        if (firsts.length > 1) throw new Error(`${firsts.length} first findings`);
        if (firsts[0]) beginsWith(scan, firsts[0]);
        started += rereadAfterEdits('kubernetes', FILE_OF.kubernetes, c.text);
        break;
      }
      case 'kustomize':
      case 'helm-values':
      case 'devcontainer':
      case 'github-workflow':
      case 'gitlab-ci':
        sane(scanText(FILE_OF[c.kind], c.kind, c.text, { related: (path) => (path in BESIDE ? { text: BESIDE[path]! } : { error: 'ENOENT' }) }));
        break;
      case 'policy':
        try {
          parsePolicy(c.text, '.trustlens.yaml');
        } catch (e) {
          if (!TrustLensError.is(e, 'invalid-config')) throw e;
        }
        break;
    }
    // Now and then, the whole way a run reads files: a directory walk, .env beside compose files.
    if (throughFiles && c.kind !== 'policy') {
      const dir = mkdtempSync(join(tmpdir(), 'trustlens-fuzz-'));
      try {
        const name = c.kind === 'dockerfile' ? 'Dockerfile' : c.kind === 'compose' ? 'compose.yaml' : c.kind === 'dotenv' ? '.env' : FILE_OF[c.kind];
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), c.text);
        for (const [beside, text] of Object.entries(BESIDE)) writeFileSync(join(dir, beside), text);
        if (c.kind === 'dotenv') writeFileSync(join(dir, 'compose.yaml'), 'services:\n  a:\n    image: nginx:${TAG:-1}\n');
        if (c.dotenv !== undefined) writeFileSync(join(dir, '.env'), c.dotenv);
        writeFileSync(join(dir, 'Dockerfile.good'), 'FROM alpine:3.19\n');
        const scan = scanPaths([dir]);
        sane(scan);
        if (!scan.references.some((r) => r.ref.reference === 'docker.io/library/alpine:3.19')) throw new Error('a good file beside the input was lost');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } catch (e) {
    return { ms: performance.now() - started, crash: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  return { ms: performance.now() - started };
}
