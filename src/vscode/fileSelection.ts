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

function globs(config: vscode.WorkspaceConfiguration, key: string, fallback: readonly string[]): readonly string[] {
  const value = config.get<unknown>(key);
  return Array.isArray(value) ? value.filter((g): g is string => typeof g === 'string' && g !== '') : fallback;
}

const isChart = (dir: string) => existsSync(join(dir, 'Chart.yaml'));

const isDefault = (include: readonly string[], exclude: readonly string[]) =>
  exclude.length === 0 && include.length === DEFAULT_INCLUDE.length && include.every((g, i) => g === DEFAULT_INCLUDE[i]);

/** Compiles a list of globs into a matcher of relative, `/`-separated paths (`core/parse/fileGlobs`). */
export type GlobMatcher = (globs: readonly string[]) => (path: string) => boolean;

/** How much of a file is read to tell whether it is a Kubernetes manifest. */
const SNIFF_BYTES = 1024 * 1024;

/**
 * The files the settings select. The glob matcher lives in the engine, which the services load on
 * first use: it is asked for only when the settings are not the defaults.
 */
export class FileSelection {
  /** @param globMatcher gives the matcher, loading it on first call. */
  constructor(private readonly globMatcher: () => GlobMatcher) {}

  /**
   * The kind of a file on disk by name and settings: `kubernetes` means a YAML file whose content
   * decides, through `looksLikeKubernetes` when given (asked before the settings are). Undefined when
   * TrustLens does not check it.
   */
  fileKind(uri: vscode.Uri, looksLikeKubernetes?: () => boolean): ScannableKind | undefined {
    if (uri.scheme !== 'file') return undefined;
    const path = uri.fsPath;
    const byName = kindOfFileName(path, { inChart: (p) => isChart(dirname(p)) });
    const kind = byName ?? (/\.jsonc?$/i.test(path) ? 'devcontainer' : 'dockerfile');
    if (kind === 'kubernetes' && (inChartTemplates(path, isChart) || (looksLikeKubernetes && !looksLikeKubernetes()))) return undefined;
    return this.#selectedBySettings(uri, byName) ? kind : undefined;
  }

  /** The kind of a file on disk, reading the start of a YAML file to tell whether it is a Kubernetes manifest. */
  async scannableFile(uri: vscode.Uri): Promise<ScannableKind | undefined> {
    const kind = this.fileKind(uri);
    if (kind !== 'kubernetes') return kind;
    return (await startLooksLikeKubernetes(uri.fsPath)) ? kind : undefined;
  }

  /**
   * Whether the settings let TrustLens check the file at `uri` (on disk), whose kind by name is `byName`.
   * The default settings select exactly the files {@link kindOfFileName} knows, as the CLI's walk does:
   * then no glob is matched, and the matcher is not loaded.
   */
  #selectedBySettings(uri: vscode.Uri, byName: ScannableKind | undefined): boolean {
    const config = vscode.workspace.getConfiguration('trustlens', uri);
    const include = globs(config, 'files.include', DEFAULT_INCLUDE);
    const exclude = globs(config, 'files.exclude', []);
    if (isDefault(include, exclude)) return byName !== undefined;
    const path = vscode.workspace.asRelativePath(uri, false).replace(/\\/g, '/');
    const matcher = this.globMatcher();
    return !matcher(exclude)(path) && matcher(include)(path);
  }
}

/** Whether the start of the file at `path` is a Kubernetes manifest; false when it cannot be read. */
async function startLooksLikeKubernetes(path: string): Promise<boolean> {
  try {
    const file = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(SNIFF_BYTES);
      const { bytesRead } = await file.read(buffer, 0, SNIFF_BYTES, 0);
      return looksLikeKubernetes(buffer.subarray(0, bytesRead).toString('utf8'));
    } finally {
      await file.close();
    }
  } catch {
    return false;
  }
}
