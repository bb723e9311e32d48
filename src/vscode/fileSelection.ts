/**
 * Which files TrustLens checks: those the `trustlens.files.include` globs match and the
 * `trustlens.files.exclude` globs do not, each of the kind its name says. A YAML file of no other kind
 * is checked only when its content has `apiVersion` and `kind` (a Kubernetes manifest); the
 * templates of a Helm chart never are.
 */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import picomatch from 'picomatch';
import { inChartTemplates, kindOfFileName, looksLikeKubernetes, type ScannableKind } from '../core/parse/fileKinds';

/** The default of `trustlens.files.include` (also in package.json). */
export const DEFAULT_INCLUDE: readonly string[] = [
  '**/{Dockerfile,Dockerfile.*,*.Dockerfile,Containerfile,Containerfile.*}',
  '**/{compose,docker-compose}.{yaml,yml}', '**/{compose,docker-compose}.*.{yaml,yml}',
  '**/{kustomization.yaml,kustomization.yml,Kustomization}',
  '**/{values,values-*}.{yaml,yml}',
  '**/.devcontainer/devcontainer.json', '**/.devcontainer.json', '**/.devcontainer/*/devcontainer.json',
  '**/.github/workflows/*.{yml,yaml}', '**/.gitlab-ci.yml',
  '**/*.{yaml,yml}',
];

/** Glob of every file TrustLens may check, for workspace searches and watchers (the settings narrow it). */
export const CANDIDATE_GLOB = '**/{Dockerfile,Dockerfile.*,*.Dockerfile,Containerfile,Containerfile.*,Kustomization,*.yaml,*.yml,devcontainer.json,.devcontainer.json}';

const matchers = new Map<string, (path: string) => boolean>();

function matcher(globs: readonly string[]): (path: string) => boolean {
  const key = JSON.stringify(globs);
  let m = matchers.get(key);
  if (!m) {
    const compiled = globs.length > 0 ? picomatch([...globs], { dot: true }) : () => false;
    m = (path) => compiled(path);
    matchers.set(key, m);
  }
  return m;
}

function globs(config: vscode.WorkspaceConfiguration, key: string, fallback: readonly string[]): readonly string[] {
  const value = config.get<unknown>(key);
  return Array.isArray(value) ? value.filter((g): g is string => typeof g === 'string' && g !== '') : fallback;
}

const isChart = (dir: string) => existsSync(join(dir, 'Chart.yaml'));

/** Whether the settings let TrustLens check the file at `uri` (on disk). */
export function selectedBySettings(uri: vscode.Uri): boolean {
  const config = vscode.workspace.getConfiguration('trustlens', uri);
  const path = vscode.workspace.asRelativePath(uri, false).replace(/\\/g, '/');
  return !matcher(globs(config, 'files.exclude', []))(path) && matcher(globs(config, 'files.include', DEFAULT_INCLUDE))(path);
}

/**
 * The kind of a file on disk by name and settings, before its content is read: `kubernetes` means a
 * YAML file whose content decides. Undefined when TrustLens does not check it.
 */
export function fileKind(uri: vscode.Uri): ScannableKind | undefined {
  if (uri.scheme !== 'file' || !selectedBySettings(uri)) return undefined;
  const path = uri.fsPath;
  const kind = kindOfFileName(path, { inChart: (p) => isChart(dirname(p)) })
    ?? (/\.jsonc?$/i.test(path) ? 'devcontainer' : 'dockerfile');
  if (kind === 'kubernetes' && inChartTemplates(path, isChart)) return undefined;
  return kind;
}

/** How much of a file is read to tell whether it is a Kubernetes manifest. */
const SNIFF_BYTES = 1024 * 1024;

/** The kind of a file on disk, reading the start of a YAML file to tell whether it is a Kubernetes manifest. */
export async function scannableFile(uri: vscode.Uri): Promise<ScannableKind | undefined> {
  const kind = fileKind(uri);
  if (kind !== 'kubernetes') return kind;
  try {
    const file = await open(uri.fsPath, 'r');
    try {
      const buffer = Buffer.alloc(SNIFF_BYTES);
      const { bytesRead } = await file.read(buffer, 0, SNIFF_BYTES, 0);
      return looksLikeKubernetes(buffer.subarray(0, bytesRead).toString('utf8')) ? kind : undefined;
    } finally {
      await file.close();
    }
  } catch {
    return undefined;
  }
}
